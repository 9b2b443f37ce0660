r"""Inverted dropout (Srivastava et al., 2014) in NumPy, forward and backward.

In training every value is zeroed with probability ``p`` and the survivors are scaled by
:math:`1/(1-p)`, so that :math:`\mathbb{E}[y] = x` and nothing changes at evaluation time
(the paper scales the weights by the keep probability at test time instead; the two are
equivalent in expectation).  ``p`` is the probability to *drop*, as in PyTorch (cs231n's
notes use the keep probability under the same name).

The arguments are PyTorch's, in its order: ``(x, p=0.5, training=True, *, generator=None)``;
``generator`` is a ``numpy.random.Generator`` (``np.random.default_rng(seed)``) or ``None``
for a fresh, unseeded one.  The masks are NumPy's, not the ones torch draws for a seed.
"""

from __future__ import annotations

import warnings
from types import SimpleNamespace

import numpy as np

from .._checks import check_array, check_bool, check_probability, check_same_shape, check_type, got

__all__ = ["dropout_forward", "dropout_backward", "dropout2d_forward", "dropout2d_backward"]


def _rng(generator, func: str) -> np.random.Generator:
    """``generator`` itself, or a fresh unseeded one for ``None``."""
    if generator is None:
        return np.random.default_rng()
    return check_type(
        generator,
        func,
        "generator",
        np.random.Generator,
        "a numpy.random.Generator or None, e.g. np.random.default_rng(0)",
    )


def dropout_forward(x, p: float = 0.5, training: bool = True, *, generator=None):
    r"""Elementwise inverted dropout: :math:`y = x \odot m / (1 - p)`, :math:`m_i \sim \mathrm{Bernoulli}(1-p)`.

    Args:
        x: input of any shape, float.
        p: probability of zeroing a value, in [0, 1]. Default: ``0.5``.
        training: apply dropout if ``True``; return ``x`` unchanged if ``False``. Default: ``True``.
        generator: a ``numpy.random.Generator`` for a reproducible mask (keyword-only), or ``None``
            for a fresh unseeded one. Default: ``None``.

    Returns:
        ``(y, cache)``; ``cache["mask"]`` holds the scaled mask :math:`m/(1-p)` (broadcastable
        to ``y``), ``cache["shape"]`` the shape of ``y``.

    Example:
        >>> y, cache = dropout_forward(np.ones(6), p=0.5, generator=np.random.default_rng(0))
        >>> sorted(set(y.tolist()))
        [0.0, 2.0]
    """
    return _dropout(x, p, training, generator, "dropout_forward", channelwise=False)


def dropout_backward(dy, cache):
    """Dropout, backward pass: the same scaled mask, ``dx = dy * m / (1 - p)``.

    ``dy`` must have exactly the shape of the forward output (no broadcasting).
    """
    return _backward(dy, cache, "dropout_backward", "dropout_forward")


_WARN_3D = (
    "{name}: Received a 3D input to {name} and assuming that channel-wise 1D dropout behavior is "
    "desired - input is interpreted as shape (N, C, L), where C is the channel dim. This behavior "
    "will change in a future release to interpret the input as one without a batch dimension, "
    "i.e. shape (C, H, W). To maintain the 1D channel-wise dropout behavior, please switch to "
    "using dropout1d instead."
)


def dropout2d_forward(x, p: float = 0.5, training: bool = True, *, generator=None):
    """Channel-wise dropout (Tompson et al., 2015): whole channels of an ``(N, C, H, W)`` input
    are zeroed together, the survivors scaled by ``1/(1-p)``.  Arguments as :func:`dropout_forward`.

    A 3-D input is read as PyTorch's ``dropout2d`` reads it, as ``(N, C, L)`` (not ``(C, H, W)``):
    one mask value per ``(n, c)``, with PyTorch's ``UserWarning``.
    """
    return _dropout(x, p, training, generator, "dropout2d_forward", channelwise=True)


def dropout2d_backward(dy, cache):
    """Channel-wise dropout, backward pass: ``dx = dy * m / (1 - p)``, ``dy`` of the output's shape."""
    return _backward(dy, cache, "dropout2d_backward", "dropout2d_forward")


def _dropout(x, p, training, generator, name, channelwise):
    x = check_array(x, name, "x", ndims=(3, 4) if channelwise else None)
    p = check_probability(p, name)
    training = check_bool(training, name, "training")
    rng = _rng(generator, name)
    if channelwise and x.ndim == 3:  # warned after the checks, in evaluation too, as torch
        warnings.warn(_WARN_3D.format(name=name), UserWarning, stacklevel=3)
    if not training or p == 0.0:
        return x, {"mask": np.ones((1,) * x.ndim, dtype=x.dtype), "shape": x.shape}
    mask_shape = x.shape[:2] + (1,) * (x.ndim - 2) if channelwise else x.shape  # (N, C, 1, ...)
    keep = rng.random(mask_shape) >= p  # m ~ Bernoulli(1 - p)
    mask = keep.astype(x.dtype) / (1.0 - p) if p < 1.0 else np.zeros(mask_shape, dtype=x.dtype)
    return x * mask, {"mask": mask, "shape": x.shape}


def _backward(dy, cache, name, forward):
    if not isinstance(cache, dict) or "mask" not in cache or "shape" not in cache:
        shown = f"dict with keys {sorted(cache)}" if isinstance(cache, dict) else got(cache)
        raise ValueError(
            f"{name}: expected cache to be the cache that {forward} returned, with 'mask', 'shape' (got {shown})"
        )
    dy = check_array(dy, name, "dy")
    check_same_shape(dy, SimpleNamespace(shape=cache["shape"]), name, "dy", "the forward output")
    return dy * cache["mask"]
