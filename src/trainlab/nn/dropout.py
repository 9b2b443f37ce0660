"""Dropout layers: ``torch.nn.Dropout`` / ``Dropout2d`` with the same arguments, plus an
optional keyword-only ``generator`` for a reproducible mask.  Identity after ``model.eval()``.
They print exactly as torch's (the generator is not shown)."""

from __future__ import annotations

from torch import nn

from .. import functional as F
from .._checks import check_bool, check_generator, check_probability

__all__ = ["Dropout", "Dropout2d"]


class _DropoutNd(nn.Module):
    def __init__(self, p: float = 0.5, inplace: bool = False, *, generator=None):
        super().__init__()
        name = type(self).__name__
        check_probability(p, name)
        check_generator(generator, name)
        self.p, self.inplace, self.generator = p, check_bool(inplace, name, "inplace"), generator

    def extra_repr(self):
        return f"p={self.p}, inplace={self.inplace}"


class Dropout(_DropoutNd):
    r"""Inverted dropout (Srivastava et al., 2014): in training each value is zeroed with
    probability ``p`` and the rest scaled by :math:`1/(1-p)`; in evaluation the identity.

    Args:
        p: probability of zeroing a value. Default: ``0.5``.
        inplace: accepted for compatibility; the output is always a new tensor. Default: ``False``.
        generator: ``torch.Generator`` for the masks (keyword-only). Default: ``None``.
    """

    def forward(self, input):
        return F.dropout(input, self.p, self.training, generator=self.generator)


class Dropout2d(_DropoutNd):
    """Channel-wise dropout of ``(N, C, H, W)`` inputs: whole feature maps are dropped, since
    neighbouring pixels are too correlated for elementwise dropout to regularize (Tompson et
    al., 2015).  A 3-D input is read as torch reads it, as ``(N, C, L)``, with torch's warning
    (see :func:`trainlab.functional.dropout2d`)."""

    def forward(self, input):
        return F.dropout2d(input, self.p, self.training, generator=self.generator)
