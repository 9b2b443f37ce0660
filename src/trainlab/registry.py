r"""The one registry of activation functions: each name maps to its ``torch.nn`` module, the
course's own module and functional op, the NumPy reference with its derivative, and the
initialization gain.  Models, hooks, plots, widgets and tests are derived from it; adding an
activation is one entry in :data:`ACTIVATIONS`.

Every form is a function of the input alone, at the default arguments.  PReLU (He et al.,
2015) is the one activation with a learnable parameter, the slope :math:`a`: its modules
hold it (``weight``, initialized to 0.25), and its registry ``functional`` and
``numpy_forward`` use that initial slope, :func:`prelu_at_init`.

The gain is what :func:`torch.nn.init.calculate_gain` gives where torch knows the
nonlinearity (sigmoid, tanh, relu, leaky_relu, selu).  Where torch has none (PReLU, ELU,
ReLU6, SiLU, Mish, GELU, Softplus) the registry uses He et al.'s (2015, Sec. 2.2) argument itself: a
layer :math:`y = W f(z)` with :math:`z \sim \mathcal N(0, 1)` keeps :math:`\operatorname{Var}[y] = 1`
when :math:`\operatorname{Var}[w] = \text{gain}^2/n_\text{in}` with

.. math:: \text{gain} = 1 / \sqrt{\mathbb E_{z \sim \mathcal N(0,1)}[f(z)^2]},

computed here by Gauss-Hermite quadrature.  For ReLU this gives :math:`\sqrt 2` and for
leaky ReLU :math:`\sqrt{2/(1+a^2)}`, torch's values (and for PReLU at its initial
:math:`a = 0.25` the same formula, He et al.'s); for tanh it gives 1.59 where torch
chose 5/3 (and for sigmoid 1.85 where torch chose 1), which is why torch's value is kept
wherever it has one.

Example:
    >>> round(ACTIVATIONS["relu"].gain_from_second_moment(), 12) == round(math.sqrt(2), 12)
    True
    >>> ACTIVATIONS["gelu"].gain_source
    'second moment'
    >>> round(ACTIVATIONS["gelu"].gain, 4)
    1.5335
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn

from . import functional as F
from . import init as tl_init
from . import nn as tl_nn
from . import numpy_ref as ref
from ._checks import check_choice, check_tensor


@dataclass(frozen=True)
class Activation:
    """One activation function, in every form the course uses.

    Attributes:
        name: the course's name (``"leaky_relu"``), as :func:`trainlab.models.mlp` takes it.
        torch_module: the ``torch.nn`` class (``nn.LeakyReLU``).
        module: trainlab's class with the same constructor (:class:`trainlab.nn.LeakyReLU`).
        functional: trainlab's function of the input alone (:func:`trainlab.functional.leaky_relu`;
            for PReLU :func:`prelu_at_init`, the slope fixed at its initial 0.25).
        numpy_forward: the NumPy reference ``x -> (y, cache)``; its backward pass is
            :func:`trainlab.numpy_ref.activation_backward`.
        torch_gain_name: the name :func:`torch.nn.init.calculate_gain` knows it by, or ``None``.
    """

    name: str
    torch_module: type
    module: type
    functional: Callable
    numpy_forward: Callable
    torch_gain_name: str | None = None

    @property
    def gain(self) -> float:
        """The initialization gain: torch's where it has one, else :meth:`gain_from_second_moment`."""
        if self.torch_gain_name is not None:
            return tl_init.calculate_gain(self.torch_gain_name)
        return self.gain_from_second_moment()

    @property
    def gain_source(self) -> str:
        """``"torch"`` (:func:`torch.nn.init.calculate_gain`) or ``"second moment"`` (computed)."""
        return "torch" if self.torch_gain_name is not None else "second moment"

    def gain_from_second_moment(self, points: int = 100) -> float:
        r""":math:`1/\sqrt{\mathbb E[f(z)^2]}` for :math:`z \sim \mathcal N(0, 1)`, by Gauss-Hermite
        quadrature with ``points`` nodes (exact to about 1e-12 for these functions)."""
        z, w = np.polynomial.hermite_e.hermegauss(points)  # weight exp(-z^2/2)
        y, _cache = self.numpy_forward(z)
        return float(1.0 / math.sqrt((w * y**2).sum() / math.sqrt(2 * math.pi)))

    def make(self, lib: str = "torch") -> nn.Module:
        """A new module with the default arguments, from ``torch.nn`` or ``trainlab.nn``."""
        check_choice(lib, "Activation.make", "lib", LIBS)
        return (self.torch_module if lib == "torch" else self.module)()


LIBS = ("torch", "trainlab")


#: PReLU's initial slope, ``torch.nn.PReLU``'s default ``init`` (He et al., 2015, Sec. 2.1).
PRELU_INIT = 0.25


def prelu_at_init(input):
    """:func:`trainlab.functional.prelu` with the slope fixed at :data:`PRELU_INIT` (a constant, not
    learned): PReLU as a function of the input alone, as a new ``PReLU()`` module computes it.

    Example:
        >>> prelu_at_init(torch.tensor([-2.0, 3.0]))
        tensor([-0.5000,  3.0000])
    """
    check_tensor(input, "prelu_at_init")
    return F.prelu(input, torch.full((1,), PRELU_INIT, dtype=input.dtype, device=input.device))


def _entry(name, cls_name, gain_name=None, functional=None):
    return Activation(
        name,
        getattr(nn, cls_name),
        getattr(tl_nn, cls_name),
        functional or getattr(F, name),
        getattr(ref, f"{name}_forward"),
        gain_name,
    )


#: Every activation of the course, by name, in the order lessons list them.
ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        _entry("sigmoid", "Sigmoid", "sigmoid"),
        _entry("tanh", "Tanh", "tanh"),
        _entry("relu", "ReLU", "relu"),
        _entry("leaky_relu", "LeakyReLU", "leaky_relu"),
        _entry("prelu", "PReLU", functional=prelu_at_init),
        _entry("elu", "ELU"),
        _entry("selu", "SELU", "selu"),
        _entry("relu6", "ReLU6"),
        _entry("silu", "SiLU"),
        _entry("mish", "Mish"),
        _entry("gelu", "GELU"),
        _entry("softplus", "Softplus"),
    )
}


def get(name: str, func: str = "trainlab.registry.get", arg: str = "activation") -> Activation:
    """The registry entry of ``name``; an unknown name is refused with the list of known ones
    (``func`` and ``arg`` name the caller's function and argument in that message)."""
    return ACTIVATIONS[check_choice(name, func, arg, tuple(ACTIVATIONS))]


def module_types() -> tuple[type, ...]:
    """Every activation class of the registry, ``torch.nn``'s and trainlab's (for hooks)."""
    return tuple(t for a in ACTIVATIONS.values() for t in (a.torch_module, a.module))
