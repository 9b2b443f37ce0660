r"""The activation explorer: pick an activation of the registry and an input distribution, see
:math:`f`, :math:`f'`, the distribution of :math:`f(x)`, and the per-layer activation spread and
gradient norm of a deep stack of that activation (ipywidgets), with the static figure that
stands in for it on the web page.  Both call :func:`stack_statistics`, so the numbers agree.

Example:
    >>> stats = stack_statistics("relu", "N(0, 1)", depth=4, width=8, batch=16)
    >>> stats.activation_std.shape, stats.gradient_norm.shape
    ((4,), (4,))
"""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np
import torch
from torch import nn

from ... import registry
from ..._checks import check_choice, check_int
from ...figures import finish
from ...i18n import _
from .catalogue import display_name

#: The input distributions the explorer offers, by the name it shows.
DISTRIBUTIONS = ("N(0, 1)", "N(0, 5²)", "U(0, 1)")


def sample_inputs(distribution: str, shape, generator: torch.Generator | None = None) -> torch.Tensor:
    """A float32 tensor of ``shape`` drawn from ``distribution`` (one of :data:`DISTRIBUTIONS`)."""
    check_choice(distribution, "sample_inputs", "distribution", DISTRIBUTIONS)
    if not isinstance(shape, (tuple, list)) or not all(isinstance(s, int) and s >= 1 for s in shape):
        raise TypeError(f"sample_inputs: expected shape to be a tuple of positive ints (got {shape!r})")
    if distribution == "U(0, 1)":
        return torch.rand(*shape, generator=generator)
    scale = 5.0 if distribution == "N(0, 5²)" else 1.0
    return scale * torch.randn(*shape, generator=generator)


@dataclass
class StackStats:
    """What :func:`stack_statistics` returns (arrays over the layers 1..depth)."""

    activation_std: np.ndarray  # std of h_k over the batch and the units
    gradient_norm: np.ndarray  # ||dL/dW_k||, L = mean over the batch of sum(h_depth)


def stack_statistics(
    activation: str, distribution: str, depth: int = 20, width: int = 64, batch: int = 256, seed: int = 0
) -> StackStats:
    r"""Push ``batch`` inputs of ``width`` features drawn from ``distribution`` through ``depth``
    layers :math:`h_k = f(W_k h_{k-1} + b_k)` (``nn.Linear`` with torch's default initialization,
    seeded with ``seed``), and measure per layer the std of :math:`h_k` and
    :math:`\lVert \partial L/\partial W_k\rVert` for :math:`L = \frac1m \sum_i \sum_j h_{n,ij}`."""
    entry = registry.get(activation, "stack_statistics")
    check_choice(distribution, "stack_statistics", "distribution", DISTRIBUTIONS)
    depth = check_int(depth, "stack_statistics", "depth", minimum=1)
    width = check_int(width, "stack_statistics", "width", minimum=1)
    batch = check_int(batch, "stack_statistics", "batch", minimum=2)
    seed = check_int(seed, "stack_statistics", "seed", minimum=0)
    torch.manual_seed(seed)
    layers = [nn.Linear(width, width) for _k in range(depth)]
    f = entry.make()
    h = sample_inputs(distribution, (batch, width), torch.Generator().manual_seed(seed))
    stds = []
    for layer in layers:
        h = f(layer(h))
        stds.append(float(h.detach().std()))
    grads = torch.autograd.grad(h.sum() / batch, [layer.weight for layer in layers])
    return StackStats(np.array(stds), np.array([float(g.norm()) for g in grads]))


def plot_explorer(activation: str = "sigmoid", distribution: str = "N(0, 1)", depth: int = 20, seed: int = 0):
    """Four panels: :math:`f` and :math:`f'` on [-6, 6]; histograms of the inputs and of
    :math:`f(x)`; per-layer std of :math:`h_k`; per-layer :math:`\\lVert\\partial L/\\partial W_k\\rVert`
    (from :func:`stack_statistics`)."""
    entry = registry.get(activation, "plot_explorer")
    check_choice(distribution, "plot_explorer", "distribution", DISTRIBUTIONS)
    depth = check_int(depth, "plot_explorer", "depth", minimum=1)
    stats = stack_statistics(activation, distribution, depth=depth, seed=seed)
    x = torch.linspace(-6.0, 6.0, 601, requires_grad=True)
    y = entry.make()(x)
    (dy,) = torch.autograd.grad(y.sum(), x)
    inputs = sample_inputs(distribution, (5000,), torch.Generator().manual_seed(seed))
    outputs = entry.make()(inputs)
    fig, axes = plt.subplots(1, 4, figsize=(15, 3.4))
    ax = axes[0]
    ax.plot(x.detach(), y.detach(), label="f")
    ax.plot(x.detach(), dy, "--", label="f′")
    ax.set_title(display_name(activation))
    ax.set_xlabel("x")
    ax.legend()
    ax.grid(True, alpha=0.3)
    ax = axes[1]
    ax.hist(outputs.numpy(), bins=50, color="tab:orange")
    ax.set_title(_("Output distribution"))
    ax.set_xlabel("f(x), " + _("input x ~ {d}").format(d=distribution))
    layers = np.arange(1, depth + 1)
    for ax, values, title in (
        (axes[2], stats.activation_std, "Std of h_k per layer"),
        (axes[3], stats.gradient_norm, "‖∂L/∂W_k‖ per layer"),
    ):
        positive = values > 0
        if positive.all():
            ax.semilogy(layers, values, marker="o", markersize=3)
        else:  # log scale needs positive values (a dead stack has zeros)
            ax.plot(layers, values, marker="o", markersize=3)
        ax.set_title(_(title))
        ax.set_xlabel(_("layer k (1 = nearest the input)"))
        ax.grid(True, alpha=0.3)
    return finish(fig)


def activation_explorer(depth: int = 20):
    """Drop-downs for the activation (every entry of :data:`trainlab.registry.ACTIVATIONS`) and
    the input distribution, redrawing :func:`plot_explorer` when one changes (needs a running
    kernel: Jupyter, Colab).  Nothing is drawn until a control changes: the lesson's next cell
    draws a static figure for the web page."""
    depth = check_int(depth, "activation_explorer", "depth", minimum=1)
    import ipywidgets as w
    from IPython.display import display

    controls = {
        "activation": w.Dropdown(
            options=[(display_name(n), n) for n in registry.ACTIVATIONS], value="sigmoid", description=_("activation")
        ),
        "distribution": w.Dropdown(options=list(DISTRIBUTIONS), value="N(0, 1)", description="x ~"),
    }
    out = w.Output()

    def redraw(change=None):
        out.clear_output(wait=True)
        with out:
            display(plot_explorer(controls["activation"].value, controls["distribution"].value, depth))

    for control in controls.values():
        control.observe(redraw, names="value")
    hint = w.Label(_("Change a choice to redraw the figure."))
    return w.VBox([hint, *controls.values(), out])
