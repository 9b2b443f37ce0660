"""Activation modules, one per function of :mod:`trainlab.functional.activation`, with the
constructor arguments of their ``torch.nn`` namesakes (``SiLU`` adds Swish's ``beta``)."""

from __future__ import annotations

import torch  # noqa: F401  (used by the doctest)
from torch import nn

from .. import functional as F

__all__ = ["Sigmoid", "Tanh", "ReLU", "LeakyReLU", "ELU", "ReLU6", "SiLU", "Mish", "GELU", "Softplus", "Maxout"]


class Sigmoid(nn.Module):
    """:func:`trainlab.functional.sigmoid` as a module."""

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(nn.Module):
    """:func:`trainlab.functional.tanh` as a module."""

    def forward(self, input):
        return F.tanh(input)


class ReLU(nn.Module):
    """:func:`trainlab.functional.relu` as a module."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu(input)


class LeakyReLU(nn.Module):
    """:func:`trainlab.functional.leaky_relu` as a module."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__()
        self.negative_slope, self.inplace = negative_slope, inplace

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}"


class ELU(nn.Module):
    """:func:`trainlab.functional.elu` as a module."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__()
        self.alpha, self.inplace = alpha, inplace

    def forward(self, input):
        return F.elu(input, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}"


class ReLU6(nn.Module):
    """:func:`trainlab.functional.relu6` as a module."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.relu6(input)


class SiLU(nn.Module):
    """:func:`trainlab.functional.silu` as a module; ``beta != 1`` gives Swish."""

    def __init__(self, inplace: bool = False, *, beta: float = 1.0):
        super().__init__()
        self.inplace, self.beta = inplace, beta

    def forward(self, input):
        return F.silu(input, beta=self.beta)


class Mish(nn.Module):
    """:func:`trainlab.functional.mish` as a module."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = inplace

    def forward(self, input):
        return F.mish(input)


class GELU(nn.Module):
    """:func:`trainlab.functional.gelu` as a module."""

    def __init__(self, approximate: str = "none"):
        super().__init__()
        if approximate not in ("none", "tanh"):
            raise ValueError(f"GELU: expected approximate to be 'none' or 'tanh' (got {approximate!r})")
        self.approximate = approximate

    def forward(self, input):
        return F.gelu(input, self.approximate)


class Softplus(nn.Module):
    """:func:`trainlab.functional.softplus` as a module."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)


class Maxout(nn.Module):
    """:func:`trainlab.functional.maxout` as a module: ``(N, C * pieces, *) -> (N, C, *)``.

    Example:
        >>> layer = torch.nn.Sequential(torch.nn.Linear(4, 3 * 2), Maxout(pieces=2))
        >>> layer(torch.randn(5, 4)).shape
        torch.Size([5, 3])
    """

    def __init__(self, pieces: int):
        super().__init__()
        if isinstance(pieces, bool) or not isinstance(pieces, int) or pieces < 1:
            raise ValueError(f"Maxout: expected pieces to be a positive int (got {pieces!r})")
        self.pieces = pieces

    def forward(self, input):
        return F.maxout(input, self.pieces)

    def extra_repr(self):
        return f"pieces={self.pieces}"
