r"""Inverted dropout (Srivastava et al., 2014) with the signatures of ``torch.nn.functional``,
plus an optional ``generator`` that makes the mask reproducible.

In training each value (``dropout``) or each whole channel (``dropout2d``, Tompson et
al., 2015) is zeroed with probability ``p`` and the survivors are scaled by
:math:`1/(1-p)`, so :math:`\mathbb{E}[y] = x` and evaluation is the identity.  On the CPU
the mask is the one PyTorch draws (``bernoulli_(1 - p)``, then ``/ (1 - p)``), so with the
same seed trainlab and ``torch.nn.functional.dropout`` drop the same values.
"""

from __future__ import annotations

import torch

from ._checks import check_probability, check_tensor

__all__ = ["dropout", "dropout2d"]


class MaskFunction(torch.autograd.Function):
    """``y = x * mask``; backward ``dx = dy * mask`` (the mask is a constant)."""

    @staticmethod
    def forward(ctx, x, mask):
        ctx.save_for_backward(mask)
        return x * mask

    @staticmethod
    def backward(ctx, dy):
        (mask,) = ctx.saved_tensors
        return dy * mask, None


def _scaled_mask(shape, like, p, generator):
    r"""The scaled mask :math:`m/(1-p)`, :math:`m \sim \mathrm{Bernoulli}(1-p)`, in the dtype of ``like``."""
    if p == 1.0:
        return like.new_zeros(shape)
    if like.device.type == "cpu":
        # bernoulli_(1 - p) on the CPU draws one float64 u ~ U[0, 1) per value and keeps it
        # where u < 1 - p; drawing those same numbers with torch.rand gives the very same mask
        # (same seed, same values) in about a third of the time.
        u = torch.rand(shape, dtype=torch.float64, generator=generator)
        keep = (u < 1 - p).to(like.dtype)                                 # m ~ Bernoulli(1 - p)
    else:
        keep = like.new_empty(shape).bernoulli_(1 - p, generator=generator)
    return keep.div_(1 - p)


def dropout(input, p=0.5, training=True, inplace=False, *, generator=None):
    r"""Elementwise inverted dropout: :math:`y = x \odot m/(1-p)`, :math:`m_i \sim \mathrm{Bernoulli}(1-p)`;
    identity when ``training`` is ``False``.

    Args:
        input: tensor of any shape.
        p: probability of zeroing a value, in [0, 1]. Default: ``0.5``.
        training: apply dropout. Default: ``True``.
        inplace: accepted for compatibility and ignored (the result is a new tensor). Default: ``False``.
        generator: ``torch.Generator`` for the mask, or ``None`` for the global one. Default: ``None``.

    Example:
        >>> g = torch.Generator().manual_seed(0)
        >>> dropout(torch.ones(6), p=0.5, generator=g)
        tensor([0., 0., 2., 0., 0., 0.])
    """
    check_tensor(input, "dropout")
    check_probability(p, "dropout")
    if not training or p == 0.0:
        return input
    return MaskFunction.apply(input, _scaled_mask(input.shape, input, p, generator))


def dropout2d(input, p=0.5, training=True, inplace=False, *, generator=None):
    """Channel-wise dropout of a ``(N, C, H, W)`` or ``(C, H, W)`` input: every channel is
    kept or zeroed as a whole. Arguments as :func:`dropout`."""
    check_tensor(input, "dropout2d", ndims=(3, 4))
    check_probability(p, "dropout2d")
    if not training or p == 0.0:
        return input
    mask_shape = input.shape[:-2] + (1, 1)
    return MaskFunction.apply(input, _scaled_mask(mask_shape, input, p, generator))
