r"""Activation functions in NumPy, each with its derivative next to it.

Every ``<name>_forward(x, ...)`` returns ``(y, cache)`` where ``cache["dydx"]`` is the
local derivative :math:`f'(x)` written right under :math:`f(x)` (micrograd's layout), so
every backward pass is the chain rule :math:`dx = dy \cdot f'(x)`; ``<name>_backward``
is that one line.  Maxout (Goodfellow et al., 2013) is the one that is not elementwise.
PReLU (He et al., 2015) is the one with a learnable parameter: its cache also holds
:math:`\partial y/\partial a`, and :func:`prelu_backward` returns the slope's gradient too.
Derivatives at kinks follow PyTorch: ReLU'(0) = 0, LeakyReLU'(0) = PReLU'(0) = slope,
ReLU6'(0) = ReLU6'(6) = 0.  A backward pass refuses a ``dy`` whose shape differs from the forward
output's (it never broadcasts).
"""

from __future__ import annotations

import numpy as np
from scipy.special import erf

from .._checks import check_array, check_choice, check_int, check_number, check_same_shape, got

__all__ = [
    "sigmoid_forward",
    "tanh_forward",
    "relu_forward",
    "leaky_relu_forward",
    "prelu_forward",
    "prelu_backward",
    "elu_forward",
    "selu_forward",
    "relu6_forward",
    "silu_forward",
    "mish_forward",
    "gelu_forward",
    "softplus_forward",
    "maxout_forward",
    "maxout_backward",
    "activation_backward",
]


def _sigmoid(x):
    return 0.5 * (1.0 + np.tanh(0.5 * x))  # = 1 / (1 + e^-x), without overflow


def _out(y, dydx):
    return y, {"dydx": dydx}


def _check_cache(cache, func: str, keys, forward: str) -> dict:
    """``cache`` must be the dict that ``forward`` returned (it holds ``keys``)."""
    if not isinstance(cache, dict) or not all(k in cache for k in keys):
        shown = f"dict with keys {sorted(cache)}" if isinstance(cache, dict) else got(cache)
        need = ", ".join(map(repr, keys))
        raise ValueError(f"{func}: expected cache to be the cache that {forward} returned, with {need} (got {shown})")
    return cache


def activation_backward(dy, cache):
    """Backward pass of every elementwise activation: ``dx = dy * f'(x)``.

    ``dy`` must have exactly the shape of the forward output (no broadcasting).

    Example:
        >>> y, cache = relu_forward(np.array([-1.0, 2.0]))
        >>> activation_backward(np.array([5.0, 5.0]), cache)
        array([0., 5.])
    """
    name = "activation_backward"
    cache = _check_cache(cache, name, ("dydx",), "an activation's forward pass")
    dy = check_array(dy, name, "dy")
    check_same_shape(dy, cache["dydx"], name, "dy", "the forward output")
    return dy * cache["dydx"]


def sigmoid_forward(x):
    r""":math:`\sigma(x) = 1/(1+e^{-x})`, :math:`\sigma'(x) = \sigma(x)(1-\sigma(x))` (at most 1/4)."""
    s = _sigmoid(check_array(x, "sigmoid_forward", "x"))
    return _out(s, s * (1.0 - s))


def tanh_forward(x):
    r""":math:`\tanh(x)`, :math:`\tanh'(x) = 1 - \tanh^2(x)`."""
    t = np.tanh(check_array(x, "tanh_forward", "x"))
    return _out(t, 1.0 - t * t)


def relu_forward(x):
    r""":math:`\max(0, x)`, derivative :math:`\mathbb{1}[x > 0]`."""
    x = check_array(x, "relu_forward", "x")
    return _out(np.maximum(x, 0.0), (x > 0).astype(x.dtype))


def leaky_relu_forward(x, negative_slope: float = 0.01):
    r""":math:`x` if :math:`x > 0` else :math:`a x` (Maas et al., 2013); derivative 1 or :math:`a`."""
    x = check_array(x, "leaky_relu_forward", "x")
    negative_slope = check_number(negative_slope, "leaky_relu_forward", "negative_slope")
    return _out(np.where(x > 0, x, negative_slope * x), np.where(x > 0, 1.0, negative_slope).astype(x.dtype))


def prelu_forward(x, weight=0.25):
    r"""PReLU (He et al., 2015): :math:`x` if :math:`x > 0` else :math:`a x`, with a learnable slope :math:`a`.

    ``weight`` is :math:`a`: a number, or an array of shape ``(1,)`` or ``(C,)`` (one slope per
    channel, ``C = x.shape[1]``; a 1-D ``x`` has one channel), as ``torch.nn.functional.prelu``.
    Default ``0.25``, ``torch.nn.PReLU``'s initial value.  The cache holds
    :math:`\partial y/\partial x` (1 or :math:`a`, so :func:`activation_backward` works) and
    :math:`\partial y/\partial a` (0 or :math:`x`), which :func:`prelu_backward` sums per channel.

    Example:
        >>> y, cache = prelu_forward(np.array([-2.0, 3.0]))
        >>> y
        array([-0.5,  3. ])
        >>> prelu_backward(np.array([1.0, 1.0]), cache)
        (array([0.25, 1.  ]), -2.0)
    """
    name = "prelu_forward"
    x = check_array(x, name, "x")
    channels = x.shape[1] if x.ndim >= 2 else 1
    if isinstance(weight, np.ndarray):
        a = check_array(weight, name, "weight")
        if a.shape not in ((1,), (channels,)):
            raise ValueError(
                f"{name}: expected weight of shape (1,) or ({channels},), one slope per channel (got shape {a.shape})"
            )
        shape = (1, -1) + (1,) * (x.ndim - 2) if a.shape == (channels,) and x.ndim >= 2 else (-1,)
        a_x = a.reshape(shape) if x.ndim >= 1 else a[0]
    else:
        a = a_x = check_number(weight, name, "weight")
    positive = x > 0
    dydx = np.where(positive, np.ones_like(x), a_x * np.ones_like(x)).astype(x.dtype)
    y = np.where(positive, x, a_x * x).astype(x.dtype)
    dyda = np.where(positive, 0.0, x).astype(x.dtype)
    return y, {"dydx": dydx, "dyda": dyda, "weight_shape": np.shape(a)}


def prelu_backward(dy, cache):
    r"""PReLU, backward pass: ``(dx, dweight)`` with :math:`dx = dy \cdot f'(x)` and
    :math:`da_c = \sum dy \cdot \partial y/\partial a` over every axis but the channel one
    (over all axes for a single slope); ``dweight`` has the shape of the forward's ``weight``
    (a ``float`` when it was a number)."""
    name = "prelu_backward"
    cache = _check_cache(cache, name, ("dydx", "dyda", "weight_shape"), "prelu_forward")
    dy = check_array(dy, name, "dy")
    check_same_shape(dy, cache["dydx"], name, "dy", "the forward output")
    g = dy * cache["dyda"]
    shape = cache["weight_shape"]
    if shape == () or shape == (1,):
        total = g.sum()
        return dy * cache["dydx"], (float(total) if shape == () else np.array([total], dtype=dy.dtype))
    return dy * cache["dydx"], g.sum(axis=tuple(i for i in range(g.ndim) if i != 1))


def elu_forward(x, alpha: float = 1.0):
    r""":math:`x` if :math:`x > 0` else :math:`\alpha(e^x - 1)` (Clevert et al., 2016); derivative 1 or :math:`\alpha e^x`."""
    x = check_array(x, "elu_forward", "x")
    alpha = check_number(alpha, "elu_forward", "alpha")
    e = np.exp(np.minimum(x, 0.0))
    return _out(np.where(x > 0, x, alpha * (e - 1.0)), np.where(x > 0, 1.0, alpha * e).astype(x.dtype))


#: SELU's constants, exactly as ``torch.nn.SELU`` (Klambauer et al., 2017, Eq. 14: the fixed point
#: mean 0, variance 1 of a layer with weights of mean 0 and variance 1/n).
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def selu_forward(x):
    r"""SELU (Klambauer et al., 2017): :math:`\lambda x` if :math:`x > 0` else :math:`\lambda\alpha(e^x - 1)`,
    :math:`\lambda \approx 1.0507`, :math:`\alpha \approx 1.6733`; derivative :math:`\lambda` or :math:`\lambda\alpha e^x`."""
    x = check_array(x, "selu_forward", "x")
    e = np.exp(np.minimum(x, 0.0))
    y = SELU_SCALE * np.where(x > 0, x, SELU_ALPHA * (e - 1.0))
    return _out(y.astype(x.dtype), (SELU_SCALE * np.where(x > 0, 1.0, SELU_ALPHA * e)).astype(x.dtype))


def relu6_forward(x):
    r""":math:`\min(\max(0, x), 6)` (Krizhevsky, 2010; MobileNets); derivative :math:`\mathbb{1}[0 < x < 6]`."""
    x = check_array(x, "relu6_forward", "x")
    return _out(np.clip(x, 0.0, 6.0), ((x > 0) & (x < 6)).astype(x.dtype))


def silu_forward(x, beta: float = 1.0):
    r"""SiLU / Swish (Ramachandran et al., 2017): :math:`x\,\sigma(\beta x)`;
    derivative :math:`\sigma(\beta x) + \beta x\,\sigma(\beta x)(1 - \sigma(\beta x))`. ``beta=1`` is SiLU."""
    x = check_array(x, "silu_forward", "x")
    beta = check_number(beta, "silu_forward", "beta")
    s = _sigmoid(beta * x)
    return _out(x * s, s + beta * x * s * (1.0 - s))


def softplus_forward(x, beta: float = 1.0, threshold: float = 20.0):
    r""":math:`\frac{1}{\beta}\log(1 + e^{\beta x})`, linear where :math:`\beta x >` ``threshold`` (as PyTorch);
    derivative :math:`\sigma(\beta x)`.

    ``beta`` must be a finite number ``> 0``: ``beta = 0`` would divide by zero (PyTorch returns
    ``inf``/``nan`` there), and a negative ``beta`` turns the softplus into a soft minimum whose
    linear branch (``x`` where :math:`\beta x >` ``threshold``) is wrong.  ``threshold`` may be
    ``inf`` (never switch to the linear branch), not ``nan``.
    """
    name = "softplus_forward"
    x = check_array(x, name, "x")
    beta = check_number(beta, name, "beta", low=0.0, low_open=True)
    threshold = check_number(threshold, name, "threshold", finite=False)
    linear = beta * x > threshold
    y = np.where(linear, x, np.logaddexp(0.0, beta * x) / beta)
    return _out(y, np.where(linear, 1.0, _sigmoid(beta * x)).astype(x.dtype))


def mish_forward(x):
    r"""Mish (Misra, 2019): :math:`x \tanh(\mathrm{softplus}(x))`;
    derivative :math:`\tanh(s) + x\,(1 - \tanh^2(s))\,\sigma(x)` with :math:`s = \mathrm{softplus}(x)`."""
    x = check_array(x, "mish_forward", "x")
    t = np.tanh(np.logaddexp(0.0, x))
    return _out(x * t, t + x * (1.0 - t * t) * _sigmoid(x))


_SQRT_2_OVER_PI = np.sqrt(2.0 / np.pi)


def gelu_forward(x, approximate: str = "none"):
    r"""GELU (Hendrycks & Gimpel, 2016): :math:`x\,\Phi(x)`, derivative :math:`\Phi(x) + x\,\varphi(x)`;
    with ``approximate="tanh"``, :math:`\frac{x}{2}\big(1 + \tanh(\sqrt{2/\pi}(x + 0.044715 x^3))\big)`."""
    x = check_array(x, "gelu_forward", "x")
    check_choice(approximate, "gelu_forward", "approximate", ("none", "tanh"))
    if approximate == "none":
        cdf = 0.5 * (1.0 + erf(x / np.sqrt(2.0)))  # Phi(x)
        pdf = np.exp(-0.5 * x * x) / np.sqrt(2.0 * np.pi)  # phi(x)
        return _out(x * cdf, cdf + x * pdf)
    inner = _SQRT_2_OVER_PI * (x + 0.044715 * x**3)  # approximate == "tanh"
    t = np.tanh(inner)
    dinner = _SQRT_2_OVER_PI * (1.0 + 3 * 0.044715 * x * x)
    return _out(0.5 * x * (1.0 + t), 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * dinner)


def maxout_forward(x, pieces: int):
    r"""Maxout (Goodfellow et al., 2013): the maximum of ``pieces`` consecutive channels.

    An input of shape ``(N, C * k, *)`` (the outputs of ``k`` linear pieces per unit)
    becomes ``(N, C, *)``: :math:`y_{n,c} = \max_{j < k} x_{n, ck + j}`.
    """
    x = check_array(x, "maxout_forward", "x")
    check_int(pieces, "maxout_forward", "pieces", minimum=1)
    if x.ndim < 2 or x.shape[1] % pieces:
        raise ValueError(f"maxout_forward: expected x of shape (N, C * {pieces}, *) (got {x.shape})")
    grouped = x.reshape(x.shape[0], x.shape[1] // pieces, pieces, *x.shape[2:])
    winner = grouped.argmax(axis=2)  # which piece is the max
    y = np.take_along_axis(grouped, winner[:, :, None], axis=2)[:, :, 0]
    return y, {"winner": winner, "shape": grouped.shape}


def maxout_backward(dy, cache):
    """Maxout, backward pass: the gradient goes to the winning piece only.

    ``dy`` must have exactly the shape of the forward output, ``(N, C, *)``.
    """
    name = "maxout_backward"
    cache = _check_cache(cache, name, ("winner", "shape"), "maxout_forward")
    dy = check_array(dy, name, "dy")
    check_same_shape(dy, cache["winner"], name, "dy", "the forward output")
    dgrouped = np.zeros(cache["shape"], dtype=dy.dtype)
    np.put_along_axis(dgrouped, cache["winner"][:, :, None], dy[:, :, None], axis=2)
    s = cache["shape"]
    return dgrouped.reshape(s[0], s[1] * s[2], *s[3:])
