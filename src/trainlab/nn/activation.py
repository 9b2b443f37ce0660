"""Activation modules, one per function of :mod:`trainlab.functional.activation`, with the
constructor arguments of their ``torch.nn`` namesakes (``SiLU`` adds Swish's ``beta``).

Each prints exactly as its ``torch.nn`` twin (``GELU(approximate='tanh')``,
``LeakyReLU(negative_slope=0.2, inplace=True)``, ...); ``SiLU`` adds ``beta=...`` only when
``beta != 1``, and ``Maxout`` has no twin.  Constructor arguments are checked with
``trainlab._checks`` and kept as given (so that they print as torch prints them).
"""

from __future__ import annotations

import torch
from torch import nn

from .. import functional as F
from .._checks import check_bool, check_choice, check_int, check_number

__all__ = [
    "Sigmoid",
    "Tanh",
    "ReLU",
    "LeakyReLU",
    "PReLU",
    "ELU",
    "SELU",
    "ReLU6",
    "SiLU",
    "Mish",
    "GELU",
    "Softplus",
    "Maxout",
]


class Sigmoid(nn.Module):
    """:func:`trainlab.functional.sigmoid` as a module."""

    def forward(self, input):
        return F.sigmoid(input)


class Tanh(nn.Module):
    """:func:`trainlab.functional.tanh` as a module."""

    def forward(self, input):
        return F.tanh(input)


class _Inplace(nn.Module):
    """A module whose only argument is ``inplace`` (accepted for compatibility, ignored)."""

    def __init__(self, inplace: bool = False):
        super().__init__()
        self.inplace = check_bool(inplace, type(self).__name__, "inplace")

    def extra_repr(self):
        return "inplace=True" if self.inplace else ""


class ReLU(_Inplace):
    """:func:`trainlab.functional.relu` as a module."""

    def forward(self, input):
        return F.relu(input)


class ReLU6(_Inplace):
    """:func:`trainlab.functional.relu6` as a module."""

    def forward(self, input):
        return F.relu6(input)


class SELU(_Inplace):
    """:func:`trainlab.functional.selu` as a module."""

    def forward(self, input):
        return F.selu(input)


class Mish(_Inplace):
    """:func:`trainlab.functional.mish` as a module."""

    def forward(self, input):
        return F.mish(input)


class SiLU(_Inplace):
    """:func:`trainlab.functional.silu` as a module; ``beta != 1`` gives Swish."""

    def __init__(self, inplace: bool = False, *, beta: float = 1.0):
        super().__init__(inplace)
        check_number(beta, "SiLU", "beta")
        self.beta = beta

    def forward(self, input):
        return F.silu(input, beta=self.beta)

    def extra_repr(self):
        parts = [super().extra_repr()] + ([f"beta={self.beta}"] if self.beta != 1 else [])
        return ", ".join(p for p in parts if p)


class LeakyReLU(nn.Module):
    """:func:`trainlab.functional.leaky_relu` as a module."""

    def __init__(self, negative_slope: float = 0.01, inplace: bool = False):
        super().__init__()
        check_number(negative_slope, "LeakyReLU", "negative_slope")
        self.negative_slope, self.inplace = negative_slope, check_bool(inplace, "LeakyReLU", "inplace")

    def forward(self, input):
        return F.leaky_relu(input, self.negative_slope)

    def extra_repr(self):
        return f"negative_slope={self.negative_slope}{', inplace=True' if self.inplace else ''}"


class PReLU(nn.Module):
    """:func:`trainlab.functional.prelu` as a module: a learnable slope ``weight`` of shape
    ``(num_parameters,)`` (1, or the number of channels), initialized to ``init`` (He et al., 2015: 0.25).

    Example:
        >>> PReLU(), PReLU(3, 0.1).weight.shape
        (PReLU(num_parameters=1), torch.Size([3]))
    """

    def __init__(self, num_parameters: int = 1, init: float = 0.25, device=None, dtype=None):
        super().__init__()
        self.num_parameters = check_int(num_parameters, "PReLU", "num_parameters", minimum=1)
        self.init = check_number(init, "PReLU", "init")
        self.weight = nn.Parameter(torch.full((num_parameters,), self.init, device=device, dtype=dtype))

    def forward(self, input):
        return F.prelu(input, self.weight)

    def extra_repr(self):
        return f"num_parameters={self.num_parameters}"


class ELU(nn.Module):
    """:func:`trainlab.functional.elu` as a module."""

    def __init__(self, alpha: float = 1.0, inplace: bool = False):
        super().__init__()
        check_number(alpha, "ELU", "alpha")
        self.alpha, self.inplace = alpha, check_bool(inplace, "ELU", "inplace")

    def forward(self, input):
        return F.elu(input, self.alpha)

    def extra_repr(self):
        return f"alpha={self.alpha}{', inplace=True' if self.inplace else ''}"


class GELU(nn.Module):
    """:func:`trainlab.functional.gelu` as a module."""

    def __init__(self, approximate: str = "none"):
        super().__init__()
        self.approximate = check_choice(approximate, "GELU", "approximate", ("none", "tanh"))

    def forward(self, input):
        return F.gelu(input, self.approximate)

    def extra_repr(self):
        return f"approximate={self.approximate!r}"


class Softplus(nn.Module):
    """:func:`trainlab.functional.softplus` as a module; ``beta`` must be ``> 0`` (see there)."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__()
        check_number(beta, "Softplus", "beta", low=0.0, low_open=True)
        check_number(threshold, "Softplus", "threshold", finite=False)
        self.beta, self.threshold = beta, threshold

    def forward(self, input):
        return F.softplus(input, self.beta, self.threshold)

    def extra_repr(self):
        return f"beta={self.beta}, threshold={self.threshold}"


class Maxout(nn.Module):
    """:func:`trainlab.functional.maxout` as a module: ``(N, C * pieces, *) -> (N, C, *)``.

    Example:
        >>> layer = torch.nn.Sequential(torch.nn.Linear(4, 3 * 2), Maxout(pieces=2))
        >>> layer(torch.randn(5, 4)).shape
        torch.Size([5, 3])
        >>> layer[1]
        Maxout(pieces=2)
    """

    def __init__(self, pieces: int):
        super().__init__()
        self.pieces = check_int(pieces, "Maxout", "pieces", minimum=1)

    def forward(self, input):
        return F.maxout(input, self.pieces)

    def extra_repr(self):
        return f"pieces={self.pieces}"
