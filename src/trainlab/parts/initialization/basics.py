r"""The experiments of the lesson ``initialization-basics``: how the scale of the initial weights
decides whether a deep tanh network's activations survive the forward pass, and why identical
units stay identical.

* :func:`init_weights` re-initializes every ``Linear`` of a network with one of :data:`SCHEMES`
  (:math:`\mathcal N(0, 0.01^2)`, :math:`\mathcal N(0, 1)`, Glorot & Bengio's normalized
  initialization :math:`\mathcal U(-a, a)`, :math:`a = \sqrt{6/(n_\text{in} + n_\text{out})}`), biases 0;
* :func:`activation_stds` measures the standard deviation of each hidden layer's output, and
  :func:`saturated_fraction` the share of its outputs with :math:`|h| >` a threshold;
* :func:`plot_activation_stds` draws them over the layers;
* :func:`copy_unit` makes one hidden unit a copy of another (a symmetry nothing breaks).

Example:
    >>> from trainlab.models import mlp
    >>> net = init_weights(mlp([8, 16, 16, 2], activation="tanh"), "Xavier", torch.Generator().manual_seed(0))
    >>> stds = activation_stds(net, torch.randn(64, 8, generator=torch.Generator().manual_seed(1)))
    >>> stds.shape
    (2,)
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from ... import init as tl_init
from ..._checks import check_choice, check_generator, check_int, check_number, check_tensor, check_type
from ...figures import finish
from ...hooks import LayerStats
from ...i18n import _

__all__ = ["SCHEMES", "init_weights", "copy_unit", "activation_stds", "saturated_fraction", "plot_activation_stds"]

#: The three initializations the lesson compares, by the label it prints.
SCHEMES = ("N(0, 0.01²)", "N(0, 1)", "Xavier")


def _linears(model):
    return [m for m in model.modules() if isinstance(m, nn.Linear)]


def init_weights(model: nn.Module, scheme: str, generator: torch.Generator | None = None) -> nn.Module:
    r"""Re-initialize, in place, every ``nn.Linear`` weight of ``model`` with ``scheme``, biases to 0.

    ``"N(0, 0.01²)"`` and ``"N(0, 1)"``: :math:`w \sim \mathcal N(0, \text{std}^2)`;
    ``"Xavier"``: Glorot & Bengio's (2010) normalized initialization,
    :math:`w \sim \mathcal U(-a, a)` with :math:`a = \sqrt{6/(n_\text{in} + n_\text{out})}`, i.e.
    :math:`\operatorname{Var}[w] = 2/(n_\text{in} + n_\text{out})` (``xavier_uniform_`` with gain 1).

    Returns:
        ``model``.
    """
    check_type(model, "init_weights", "model", nn.Module, "a torch.nn.Module")
    check_choice(scheme, "init_weights", "scheme", SCHEMES)
    check_generator(generator, "init_weights")
    layers = _linears(model)
    if not layers:
        raise ValueError("init_weights: expected a model with at least one torch.nn.Linear layer (got none)")
    for layer in layers:
        if scheme == "Xavier":
            tl_init.xavier_uniform_(layer.weight, gain=1.0, generator=generator)
        else:
            std = 0.01 if scheme == "N(0, 0.01²)" else 1.0
            tl_init.normal_(layer.weight, 0.0, std, generator=generator)
        if layer.bias is not None:
            tl_init.zeros_(layer.bias)
    return model


@torch.no_grad()
def copy_unit(model: nn.Module, source: int = 0, target: int = 1) -> nn.Module:
    r"""Make hidden unit ``target`` of the first hidden layer of ``model`` an exact copy of unit
    ``source``, in place: row ``target`` of the first ``Linear`` weight (shape ``(n_1, n_0)``) and
    its bias entry get the values of row ``source``, and column ``target`` of the second ``Linear``
    weight (shape ``(n_2, n_1)``) those of column ``source``. The two units then compute the same
    function, and gradient descent cannot tell them apart (an all-zero or constant initialization
    does this to every unit of a layer).

    Returns:
        ``model``.
    """
    check_type(model, "copy_unit", "model", nn.Module, "a torch.nn.Module")
    layers = _linears(model)
    if len(layers) < 2:
        raise ValueError(f"copy_unit: expected a model with at least two torch.nn.Linear layers (got {len(layers)})")
    first, second = layers[0], layers[1]
    source = check_int(source, "copy_unit", "source", minimum=0, maximum=first.out_features - 1)
    target = check_int(target, "copy_unit", "target", minimum=0, maximum=first.out_features - 1)
    first.weight[target] = first.weight[source]
    if first.bias is not None:
        first.bias[target] = first.bias[source]
    second.weight[:, target] = second.weight[:, source]
    return model


@torch.no_grad()
def activation_stds(model: nn.Module, x) -> np.ndarray:
    r"""The standard deviation of the output :math:`h_k` of every activation layer of ``model``
    (over the batch and the units), for the input ``x``: one forward pass, no training.

    Args:
        model: a network with activation layers (e.g. :func:`trainlab.models.mlp`).
        x: ``(N, D)`` input batch.

    Returns:
        float64 array of shape ``(number of activation layers,)``, in the order of the forward pass.
    """
    check_type(model, "activation_stds", "model", nn.Module, "a torch.nn.Module")
    check_tensor(x, "activation_stds", "x", ndims=(2,))
    with LayerStats(model) as stats:
        model(x)
    return np.array([row["std"] for row in stats.table()], dtype=np.float64)


@torch.no_grad()
def saturated_fraction(model: nn.Module, x, threshold: float = 0.99) -> np.ndarray:
    r"""The share of the outputs :math:`h_k` of every activation layer of ``model`` with
    :math:`|h_k| > \text{threshold}` (for tanh, 0.99: the derivative :math:`1 - h^2` is below 0.02).

    Args:
        model: a network with activation layers.
        x: ``(N, D)`` input batch.
        threshold: a number > 0. Default: ``0.99``.

    Returns:
        float64 array of shape ``(number of activation layers,)``, values in [0, 1].
    """
    check_type(model, "saturated_fraction", "model", nn.Module, "a torch.nn.Module")
    check_tensor(x, "saturated_fraction", "x", ndims=(2,))
    threshold = check_number(threshold, "saturated_fraction", "threshold", low=0.0, low_open=True)
    with LayerStats(model) as stats:
        model(x)
    return np.array([float((h.abs() > threshold).double().mean()) for h in stats.activations.values()])


def plot_activation_stds(stds: dict, title: str = "Activation std per layer"):
    """One line per initialization: the standard deviation of :math:`h_k` over the layers
    :math:`k = 1, 2, \\dots`, on a logarithmic axis.

    Args:
        stds: ``{label: 1-D array of positive standard deviations}``, one entry per initialization
            (labels are msgids, translated with ``_``).
        title: the figure's title (an English msgid, translated with ``_``).

    Returns:
        the matplotlib ``Figure``.
    """
    check_type(stds, "plot_activation_stds", "stds", dict, "a dict {label: per-layer standard deviations}")
    check_type(title, "plot_activation_stds", "title", str, "a str")
    if not stds:
        raise ValueError("plot_activation_stds: expected at least one initialization (got {})")
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    for (label, values), marker in zip(stds.items(), "osd^v<>"):
        values = np.asarray(values, dtype=np.float64)
        if values.ndim != 1 or not values.size or not (values > 0).all():
            raise ValueError(
                f"plot_activation_stds: expected a 1-D array of positive stds for {label!r} (got {values.tolist()!r})"
            )
        ax.plot(np.arange(1, values.size + 1), values, marker=marker, label=_(label))
    ax.set_yscale("log")
    ax.set_xlabel(_("layer k"))
    ax.set_ylabel(_("standard deviation of the activations h_k"))
    ax.set_title(_(title))
    ax.set_xticks(np.arange(1, max(len(v) for v in stds.values()) + 1))
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    return finish(fig)
