r"""The initialization explorer: depth, width, scheme, activation and gain as controls; the per-layer
standard deviations of the activations and of the back-propagated gradients of a deep stack,
measured and as the variance recursion predicts them (ipywidgets), with the static figure that
stands in for it on the web page.  Both call :func:`explorer_data`, so the numbers agree.

Example:
    >>> data = explorer_data("tanh", "xavier", depth=4, width=16)
    >>> sorted(data), data["measured_activation_std"].shape
    (['layers', 'measured_activation_std', 'measured_gradient_std', 'predicted_activation_std', 'predicted_gradient_std'], (4,))
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.ticker import MaxNLocator

from ... import registry
from ..._checks import check_choice, check_int, check_number
from ...figures import finish
from ...i18n import _, fmt
from .practice import SCHEME_LABELS, SCHEMES, init_stack, layer_statistics, predicted_statistics, recommended_gain

#: The activations the explorer offers (those with a smooth or piecewise-linear derivative).
ACTIVATIONS = ("tanh", "relu", "leaky_relu", "selu", "sigmoid", "gelu")
#: The widths the explorer offers.
WIDTHS = (64, 128, 256, 512)


def explorer_data(activation: str, scheme: str, depth: int = 20, width: int = 256, gain=None, seed: int = 0) -> dict:
    r"""Measured (:func:`~trainlab.parts.initialization.practice.layer_statistics`, one network
    seeded with ``seed``, 256 inputs :math:`\mathcal N(0, 1)`) and predicted
    (:func:`~trainlab.parts.initialization.practice.predicted_statistics`) per-layer std of
    :math:`h_k` and of :math:`\partial L/\partial z_k`, arrays of shape ``(depth,)``;
    ``gain=None`` takes :func:`~trainlab.parts.initialization.practice.recommended_gain`."""
    check_choice(activation, "explorer_data", "activation", ACTIVATIONS)
    check_choice(scheme, "explorer_data", "scheme", SCHEMES)
    depth = check_int(depth, "explorer_data", "depth", minimum=1, maximum=200)
    width = check_int(width, "explorer_data", "width", minimum=2, maximum=2048)
    if gain is not None:
        gain = check_number(gain, "explorer_data", "gain", low=0.0)
    stats = layer_statistics(init_stack(activation, scheme, depth, width, gain, seed), seed=seed)
    act, grad = predicted_statistics(activation, scheme, depth, width, gain)
    return {
        "layers": np.arange(1, depth + 1),
        "measured_activation_std": stats.activation_std,
        "measured_gradient_std": stats.gradient_std,
        "predicted_activation_std": act,
        "predicted_gradient_std": grad,
    }


def _log_plot(ax, x, y, **kwargs):
    """Plot on a log axis, leaving out values that are 0 (a log scale cannot show them)."""
    y = np.asarray(y, dtype=float)
    keep = y > 0
    ax.plot(x[keep], y[keep], **kwargs)


def plot_init_explorer(activation="tanh", scheme="xavier", depth=20, width=256, gain=None, seed=0):
    """Two panels over the layers: std of :math:`h_k` and std of :math:`\\partial L/\\partial z_k`,
    measured (dots) and predicted by the variance recursion (line), log scale."""
    check_choice(activation, "plot_init_explorer", "activation", ACTIVATIONS)
    check_choice(scheme, "plot_init_explorer", "scheme", SCHEMES)
    data = explorer_data(activation, scheme, depth, width, gain, seed)
    shown_gain = recommended_gain(activation, scheme) if gain is None else gain
    fig, axes = plt.subplots(1, 2, figsize=(11, 3.8))
    x = data["layers"]
    panels = (
        (axes[0], "activation", "Std of h_k per layer"),
        (axes[1], "gradient", "Std of ∂L/∂z_k per layer"),
    )
    for ax, key, title in panels:
        _log_plot(ax, x, data[f"predicted_{key}_std"], color="tab:gray", linewidth=2, label=_("formula (prediction)"))
        _log_plot(
            ax,
            x,
            data[f"measured_{key}_std"],
            color="tab:blue",
            marker="o",
            markersize=4,
            linestyle="none",
            label=_("measured (one network)"),
        )
        ax.set_yscale("log")
        values = np.concatenate([data[f"predicted_{key}_std"], data[f"measured_{key}_std"]])
        values = values[values > 0]
        if values.size:  # at least a decade, so the log axis has labelled ticks
            low, high = values.min(), values.max()
            middle = np.sqrt(low * high)
            ax.set_ylim(min(low / 1.5, middle / 4), max(high * 1.5, middle * 4))
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(_(title))
        ax.set_xlabel(_("layer k (1 = nearest the input)"))
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
    fig.suptitle(
        _("{activation}, {scheme}, gain {gain}, width {width}").format(
            activation=activation, scheme=_(SCHEME_LABELS[scheme]), gain=fmt(shown_gain, 2), width=width
        )
    )
    fig.tight_layout()
    return finish(fig)


def init_explorer(depth: int = 20):
    """Controls for depth, width, scheme, activation and gain, redrawing :func:`plot_init_explorer`
    (needs a running kernel: Jupyter, Colab).  Changing the activation or the scheme resets the
    gain to :func:`~trainlab.parts.initialization.practice.recommended_gain`.  Nothing is drawn
    until a control changes: the lesson's next cell draws a static figure for the web page."""
    depth = check_int(depth, "init_explorer", "depth", minimum=1, maximum=200)
    import ipywidgets as w
    from IPython.display import display

    controls = {
        "depth": w.IntSlider(value=depth, min=2, max=60, description=_("depth n")),
        "width": w.Dropdown(options=list(WIDTHS), value=256, description=_("width d")),
        "scheme": w.Dropdown(
            options=[(_(SCHEME_LABELS[s]), s) for s in SCHEMES], value="xavier", description=_("init scheme")
        ),
        "activation": w.Dropdown(options=list(ACTIVATIONS), value="tanh", description=_("activation")),
        "gain": w.FloatSlider(value=1.0, min=0.0, max=3.0, step=0.05, description=_("init gain")),
    }
    out = w.Output()

    def redraw(change=None):
        out.clear_output(wait=True)
        c = {k: v.value for k, v in controls.items()}
        with out:
            display(plot_init_explorer(c["activation"], c["scheme"], c["depth"], c["width"], c["gain"]))

    def reset_gain(change=None):
        controls["gain"].value = recommended_gain(controls["activation"].value, controls["scheme"].value)

    controls["activation"].observe(reset_gain, names="value")
    controls["scheme"].observe(reset_gain, names="value")
    for control in controls.values():
        control.observe(redraw, names="value")
    hint = w.Label(_("Change a choice to redraw the figure."))
    return w.VBox([hint, *controls.values(), out])


def _registry_check():  # every explorer activation is a registry entry (import-time guard)
    for name in ACTIVATIONS:
        registry.get(name, "trainlab.parts.initialization.explorer")


_registry_check()
