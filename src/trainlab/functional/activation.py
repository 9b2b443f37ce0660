r"""Activation functions as one ``torch.autograd.Function`` whose backward is the chain
rule with a hand-written local derivative: each activation below is a pair
``f(x) -> (y, dy/dx)``, the derivative written right under the function.

Signatures follow ``torch.nn.functional`` (``silu`` takes an extra ``beta`` for Swish;
``maxout`` has no torch counterpart).  Derivatives at kinks follow PyTorch.  Every argument
is checked (``trainlab._checks``): a number must be a Python or NumPy real number (not a
string, not a tensor), ``inplace`` must be ``True`` or ``False`` (it is accepted for
compatibility and ignored: the result is always a new tensor).
"""

from __future__ import annotations

import math

import torch

from .._checks import check_bool, check_choice, check_int, check_number, check_tensor

__all__ = [
    "sigmoid",
    "tanh",
    "relu",
    "leaky_relu",
    "prelu",
    "elu",
    "selu",
    "relu6",
    "silu",
    "mish",
    "gelu",
    "softplus",
    "maxout",
]

#: SELU's constants, exactly as ``torch.nn.functional.selu`` (Klambauer et al., 2017).
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


class ElementwiseFunction(torch.autograd.Function):
    """``y = f(x)``; backward ``dx = dy * f'(x)`` with ``f'`` from the same pair."""

    @staticmethod
    def forward(ctx, x, pair, *params):
        y, dydx = pair(x, *params)
        ctx.save_for_backward(dydx)
        ctx.n_params = len(params)
        return y

    @staticmethod
    def backward(ctx, dy):
        (dydx,) = ctx.saved_tensors
        return (dy * dydx, None) + (None,) * ctx.n_params


def _apply(name, x, inplace, pair, *params):
    check_tensor(x, name)
    check_bool(inplace, name, "inplace")
    return ElementwiseFunction.apply(x, pair, *params)


# ------------------------------------------------------------ (f, f') pairs
def _sigmoid(x):
    s = torch.sigmoid(x)  # 1 / (1 + e^-x)
    return s, s * (1 - s)  # s (1 - s)


def _tanh(x):
    t = torch.tanh(x)
    return t, 1 - t * t  # 1 - tanh^2


def _relu(x):
    return x.clamp_min(0), (x > 0).to(x.dtype)  # 1[x > 0]


def _leaky_relu(x, slope):
    positive = x > 0
    return torch.where(positive, x, slope * x), torch.where(positive, 1.0, torch.full_like(x, slope))


def _elu(x, alpha):
    e = torch.exp(x.clamp_max(0))
    positive = x > 0
    return torch.where(positive, x, alpha * (e - 1)), torch.where(positive, 1.0, alpha * e).to(x.dtype)


def _selu(x):
    e = torch.exp(x.clamp_max(0))
    positive = x > 0
    y = SELU_SCALE * torch.where(positive, x, SELU_ALPHA * (e - 1))
    return y, SELU_SCALE * torch.where(positive, 1.0, SELU_ALPHA * e).to(x.dtype)  # lambda or lambda alpha e^x


def _relu6(x):
    return x.clamp(0, 6), ((x > 0) & (x < 6)).to(x.dtype)  # 1[0 < x < 6]


def _silu(x, beta):
    s = torch.sigmoid(beta * x)
    return x * s, s + beta * x * s * (1 - s)  # s + beta x s (1 - s)


def _softplus(x, beta, threshold):
    linear = beta * x > threshold  # back to x where e^(beta x) overflows
    y = torch.where(linear, x, torch.nn.functional.softplus(beta * x, threshold=math.inf) / beta)
    return y, torch.where(linear, torch.ones_like(x), torch.sigmoid(beta * x))


def _mish(x):
    t = torch.tanh(torch.nn.functional.softplus(x))
    return x * t, t + x * (1 - t * t) * torch.sigmoid(x)  # tanh(s) + x sech^2(s) sigma(x)


def _gelu(x):
    cdf = 0.5 * (1 + torch.erf(x / math.sqrt(2)))  # Phi(x)
    pdf = torch.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)  # phi(x)
    return x * cdf, cdf + x * pdf


def _gelu_tanh(x):
    k = math.sqrt(2 / math.pi)
    t = torch.tanh(k * (x + 0.044715 * x**3))
    return 0.5 * x * (1 + t), 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * k * (1 + 3 * 0.044715 * x * x)


# --------------------------------------------------------- public functions
def sigmoid(input):
    r""":math:`\sigma(x) = 1/(1 + e^{-x})`; :math:`\sigma' = \sigma(1-\sigma) \le 1/4`, which is why deep
    sigmoid stacks shrink gradients (Glorot & Bengio, 2010)."""
    return _apply("sigmoid", input, False, _sigmoid)


def tanh(input):
    r""":math:`\tanh(x)`; :math:`\tanh' = 1 - \tanh^2`."""
    return _apply("tanh", input, False, _tanh)


def relu(input, inplace=False):
    r""":math:`\max(0, x)` (Nair & Hinton, 2010); derivative :math:`\mathbb{1}[x>0]`. ``inplace`` is accepted for
    compatibility and ignored: the result is always a new tensor."""
    return _apply("relu", input, inplace, _relu)


def leaky_relu(input, negative_slope=0.01, inplace=False):
    r""":math:`x` for :math:`x>0`, else ``negative_slope`` :math:`\cdot x` (Maas et al., 2013). ``inplace`` is ignored."""
    slope = check_number(negative_slope, "leaky_relu", "negative_slope")
    return _apply("leaky_relu", input, inplace, _leaky_relu, slope)


def elu(input, alpha=1.0, inplace=False):
    r""":math:`x` for :math:`x>0`, else :math:`\alpha(e^x-1)` (Clevert et al., 2016). ``inplace`` is ignored."""
    alpha = check_number(alpha, "elu", "alpha")
    return _apply("elu", input, inplace, _elu, alpha)


def selu(input, inplace=False):
    r"""SELU (Klambauer et al., 2017): :math:`\lambda x` for :math:`x>0`, else :math:`\lambda\alpha(e^x-1)` with
    torch's :math:`\lambda \approx 1.0507`, :math:`\alpha \approx 1.6733`. ``inplace`` is ignored."""
    return _apply("selu", input, inplace, _selu)


class PReLUFunction(torch.autograd.Function):
    """``y = x`` if ``x > 0`` else ``a x``; backward ``dx = dy * (1 or a)`` and
    ``da_c = sum(dy * (0 or x))`` over every axis but the channel axis 1."""

    @staticmethod
    def forward(ctx, x, weight):
        a = weight.reshape((1, -1) + (1,) * (x.dim() - 2)) if x.dim() >= 2 and weight.numel() > 1 else weight
        positive = x > 0
        ctx.save_for_backward(torch.where(positive, torch.ones_like(x), a), torch.where(positive, 0.0, x))
        ctx.weight_shape = weight.shape
        return torch.where(positive, x, a * x)

    @staticmethod
    def backward(ctx, dy):
        dydx, dyda = ctx.saved_tensors
        g = dy * dyda
        if len(ctx.weight_shape) and ctx.weight_shape[0] > 1:  # one slope per channel
            da = g.sum(dim=[d for d in range(g.dim()) if d != 1])
        else:
            da = g.sum().reshape(ctx.weight_shape)
        return dy * dydx, da


def prelu(input, weight):
    r"""PReLU (He et al., 2015): :math:`x` for :math:`x>0`, else :math:`a x` with a learnable slope
    ``weight`` :math:`= a`, a tensor of one element or of ``input.shape[1]`` elements (one per
    channel; a 1-D input has one channel), as ``torch.nn.functional.prelu``.  Its gradient
    flows to ``weight`` too: :math:`\partial y/\partial a = x` where :math:`x \le 0`, else 0.

    Example:
        >>> a = torch.tensor([0.25], requires_grad=True)
        >>> y = prelu(torch.tensor([-2.0, 3.0]), a)
        >>> y.sum().backward()
        >>> y.detach(), a.grad
        (tensor([-0.5000,  3.0000]), tensor([-2.]))
    """
    check_tensor(input, "prelu")
    check_tensor(weight, "prelu", "weight")
    channels = input.shape[1] if input.dim() >= 2 else 1
    if weight.numel() not in (1, channels) or weight.dim() > 1:
        raise ValueError(
            f"prelu: expected weight of one element or of {channels} elements, one slope per channel "
            f"(got shape {tuple(weight.shape)})"
        )
    if weight.dtype != input.dtype:
        raise TypeError(f"prelu: expected weight of the dtype of input, {input.dtype} (got {weight.dtype})")
    return PReLUFunction.apply(input, weight)


def relu6(input, inplace=False):
    r""":math:`\min(\max(0,x),6)`. ``inplace`` is ignored."""
    return _apply("relu6", input, inplace, _relu6)


def silu(input, inplace=False, *, beta=1.0):
    r"""SiLU (Elfwing et al., 2018), or Swish with ``beta`` (Ramachandran et al., 2017): :math:`x\,\sigma(\beta x)`.
    ``inplace`` is ignored."""
    beta = check_number(beta, "silu", "beta")
    return _apply("silu", input, inplace, _silu, beta)


def mish(input, inplace=False):
    r"""Mish (Misra, 2019): :math:`x\tanh(\mathrm{softplus}(x))`. ``inplace`` is ignored."""
    return _apply("mish", input, inplace, _mish)


def gelu(input, approximate="none"):
    r"""GELU (Hendrycks & Gimpel, 2016): :math:`x\,\Phi(x)`, or its ``"tanh"`` approximation."""
    check_choice(approximate, "gelu", "approximate", ("none", "tanh"))
    return _apply("gelu", input, False, _gelu if approximate == "none" else _gelu_tanh)


def softplus(input, beta=1.0, threshold=20.0):
    r""":math:`\frac{1}{\beta}\log(1+e^{\beta x})`, linear where :math:`\beta x >` ``threshold``; derivative :math:`\sigma(\beta x)`.

    ``beta`` must be a finite number ``> 0`` (stricter than torch, which returns ``inf``/``nan``
    for ``beta=0`` and a wrong linear branch for ``beta < 0``); ``threshold`` may be ``inf``.
    """
    beta = check_number(beta, "softplus", "beta", low=0.0, low_open=True)
    threshold = check_number(threshold, "softplus", "threshold", finite=False)
    return _apply("softplus", input, False, _softplus, beta, threshold)


class MaxoutFunction(torch.autograd.Function):
    """Maximum over groups of ``k`` consecutive channels; the gradient goes to the winner."""

    @staticmethod
    def forward(ctx, x, pieces):
        grouped = x.unflatten(1, (x.shape[1] // pieces, pieces))  # (N, C, k, *)
        y, winner = grouped.max(dim=2)
        ctx.save_for_backward(winner)
        ctx.grouped_shape = grouped.shape
        return y

    @staticmethod
    def backward(ctx, dy):
        (winner,) = ctx.saved_tensors
        dgrouped = dy.new_zeros(ctx.grouped_shape).scatter_(2, winner.unsqueeze(2), dy.unsqueeze(2))
        return dgrouped.flatten(1, 2), None


def maxout(input, pieces):
    r"""Maxout (Goodfellow et al., 2013): ``(N, C * pieces, *) -> (N, C, *)``,
    :math:`y_{n,c} = \max_{j<k} x_{n,ck+j}`: a learned piecewise-linear convex activation
    when the input comes from a linear layer with ``pieces`` times the outputs.

    Example:
        >>> maxout(torch.tensor([[1.0, 5.0, -2.0, -3.0]]), pieces=2)
        tensor([[ 5., -2.]])
    """
    check_tensor(input, "maxout")
    check_int(pieces, "maxout", "pieces", minimum=1)
    if input.dim() < 2 or input.shape[1] % pieces:
        raise ValueError(f"maxout: expected input of shape (N, C * {pieces}, *) (got {tuple(input.shape)})")
    return MaxoutFunction.apply(input, pieces)
