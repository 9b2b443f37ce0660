r"""Inverted dropout (Srivastava et al., 2014) with the signatures of ``torch.nn.functional``,
plus an optional ``generator`` that makes the mask reproducible.

In training each value (``dropout``) or each whole channel (``dropout2d``, Tompson et
al., 2015) is zeroed with probability ``p`` and the survivors are scaled by
:math:`1/(1-p)`, so :math:`\mathbb{E}[y] = x` and evaluation is the identity.  On the CPU
the mask is the one PyTorch draws (``bernoulli_(1 - p)``, then ``/ (1 - p)``), so with the
same seed trainlab and ``torch.nn.functional.dropout`` drop the same values.

``p`` must be a Python (or NumPy) number: a tensor ``p`` is refused with a ``TypeError``
that says to pass ``p.item()``.  ``inplace`` is accepted for compatibility and ignored.
"""

from __future__ import annotations

import warnings

import torch

from .._checks import check_bool, check_generator, check_probability, check_tensor

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
        keep = (u < 1 - p).to(like.dtype)  # m ~ Bernoulli(1 - p)
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
    p = _check("dropout", input, p, training, inplace, generator)
    if not training or p == 0.0:
        return input
    return MaskFunction.apply(input, _scaled_mask(input.shape, input, p, generator))


def _check(name, input, p, training, inplace, generator, ndims=None) -> float:
    check_tensor(input, name, ndims=ndims)
    p = check_probability(p, name)
    check_bool(training, name, "training")
    check_bool(inplace, name, "inplace")
    check_generator(generator, name)
    return p


# torch.nn.functional.dropout2d's own words (torch 2.13), so that warning filters match both.
_WARN_3D = (
    "dropout2d: Received a 3D input to dropout2d and assuming that channel-wise 1D dropout behavior is "
    "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior "
    "will change in a future release to interpret the input as one without a batch dimension, "
    "i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to "
    "using dropout1d instead."
)


def dropout2d(input, p=0.5, training=True, inplace=False, *, generator=None):
    """Channel-wise dropout of an ``(N, C, H, W)`` input: every channel ``input[n, c]`` is
    kept or zeroed as a whole. Arguments as :func:`dropout`.

    A 3-D input is read as ``torch.nn.functional.dropout2d`` reads it: as ``(N, C, L)``, not
    ``(C, H, W)``, one mask value per ``(n, c)`` (the same masks as torch for the same seed),
    with torch's ``UserWarning`` (emitted in evaluation too, as torch does).

    Example:
        >>> y = dropout2d(torch.ones(2, 3, 2, 2), generator=torch.Generator().manual_seed(0))
        >>> y[:, :, 0, 0]
        tensor([[0., 0., 2.],
                [0., 0., 0.]])
    """
    p = _check("dropout2d", input, p, training, inplace, generator, ndims=(3, 4))
    if input.dim() == 3:
        warnings.warn(_WARN_3D, UserWarning, stacklevel=2)
    if not training or p == 0.0:
        return input
    mask_shape = input.shape[:2] + (1,) * (input.dim() - 2)  # (N, C, 1[, 1])
    return MaskFunction.apply(input, _scaled_mask(mask_shape, input, p, generator))
