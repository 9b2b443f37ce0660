r"""Inverted dropout (Srivastava et al., 2014) in NumPy, forward and backward.

In training every value is zeroed with probability ``p`` and the survivors are scaled by
:math:`1/(1-p)`, so that :math:`\mathbb{E}[y] = x` and nothing changes at evaluation time
(the paper scales the weights by the keep probability at test time instead; the two are
equivalent in expectation).  ``p`` is the probability to *drop*, as in PyTorch (cs231n's
notes use the keep probability under the same name).
"""

from __future__ import annotations

import numpy as np

from .._checks import check_array, check_probability

__all__ = ["dropout_forward", "dropout_backward", "dropout2d_forward", "dropout2d_backward"]


def _rng(seed):
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def dropout_forward(x, p: float = 0.5, training: bool = True, seed=None):
    r"""Elementwise inverted dropout: :math:`y = x \odot m / (1 - p)`, :math:`m_i \sim \mathrm{Bernoulli}(1-p)`.

    Args:
        x: input of any shape, float.
        p: probability of zeroing a value, in [0, 1]. Default: ``0.5``.
        training: apply dropout if ``True``; return ``x`` unchanged if ``False``. Default: ``True``.
        seed: an int seed or a ``numpy.random.Generator``, for a reproducible mask. Default: ``None``.

    Returns:
        ``(y, cache)``; ``cache["mask"]`` holds the scaled mask :math:`m/(1-p)`.

    Example:
        >>> y, cache = dropout_forward(np.ones(6), p=0.5, seed=0)
        >>> sorted(set(y.tolist()))
        [0.0, 2.0]
    """
    return _dropout(x, p, training, seed, "dropout_forward", channelwise=False)


def dropout_backward(dy, cache):
    """Dropout, backward pass: the same scaled mask, ``dx = dy * m / (1 - p)``."""
    return np.asarray(dy) * cache["mask"]


def dropout2d_forward(x, p: float = 0.5, training: bool = True, seed=None):
    """Channel-wise dropout (Tompson et al., 2015): whole channels of an ``(N, C, H, W)``
    (or ``(C, H, W)``) input are zeroed together, the survivors scaled by ``1/(1-p)``.
    Arguments as :func:`dropout_forward`."""
    return _dropout(x, p, training, seed, "dropout2d_forward", channelwise=True)


dropout2d_backward = dropout_backward


def _dropout(x, p, training, seed, name, channelwise):
    x = check_array(x, name, "x", ndims=(3, 4) if channelwise else None)
    check_probability(p, name)
    if not training or p == 0.0:
        return x, {"mask": np.ones((1,) * x.ndim, dtype=x.dtype)}
    mask_shape = x.shape[:-2] + (1, 1) if channelwise else x.shape
    keep = _rng(seed).random(mask_shape) >= p                    # m ~ Bernoulli(1 - p)
    mask = keep.astype(x.dtype) / (1.0 - p) if p < 1.0 else np.zeros(mask_shape, dtype=x.dtype)
    return x * mask, {"mask": mask}
