r"""The catalogue figure of the activation-functions part: every activation :math:`f` of
:data:`trainlab.registry.ACTIVATIONS` and its derivative :math:`f'` on one grid of small panels,
computed from the registry's NumPy reference (value and derivative side by side, derivatives at
kinks as PyTorch's: ReLU'(0) = 0), and the numbers behind it (:func:`activation_values`).

PReLU is drawn at its initial slope :math:`a = 0.25` (``torch.nn.PReLU``'s default, He et al.,
2015), leaky ReLU at torch's default :math:`a = 0.01`.
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

from ... import registry
from ..._checks import check_array, check_bool, check_int, check_type
from ...figures import finish
from ...i18n import _, fmt

__all__ = ["display_name", "plot_activations", "activation_values", "format_activation_values"]

#: The default grid: wide enough that sigmoid and tanh are flat at its ends and ReLU6 reaches 6.
X_DEFAULT = np.linspace(-7.0, 7.0, 561)


def display_name(name: str) -> str:
    """The course's name of a registry entry, as a reader sees it (in the lesson's language),
    with the default parameter where it has one: ``"leaky_relu"`` -> ``"leaky ReLU (a = 0,01)"``.

    Example:
        >>> display_name("silu")
        'SiLU (Swish)'
    """
    registry.get(name, "display_name", "name")
    names = {
        "sigmoid": _("sigmoid"),
        "tanh": "tanh",
        "relu": "ReLU",
        "leaky_relu": f"leaky ReLU (a = {fmt(0.01, 2)})",
        "prelu": f"PReLU (a = {fmt(registry.PRELU_INIT, 2)})",
        "elu": f"ELU (α = {fmt(1)})",
        "selu": "SELU",
        "relu6": "ReLU6",
        "silu": "SiLU (Swish)",
        "mish": "Mish",
        "gelu": "GELU",
        "softplus": "softplus",
    }
    return names.get(name, name)


def _names(names, func):
    if names is None:
        return list(registry.ACTIVATIONS)
    check_type(names, func, "names", (list, tuple), "a list of activation names")
    if not names:
        raise ValueError(f"{func}: expected at least one activation name (got {names!r})")
    return [registry.get(n, func, "every name").name for n in names]


def _grid(x, func):
    x = check_array(x, func, "x", ndims=(1,))
    if x.size < 2 or not np.all(np.isfinite(x)):
        raise ValueError(f"{func}: expected x to hold at least 2 finite points (got {x.size} points)")
    return x


def plot_activations(names=None, x=None, derivative: bool = True, ncols: int = 4):
    r"""Small panels, one per activation: :math:`f` solid and (``derivative=True``) :math:`f'`
    dashed on the same axes, from the registry's NumPy reference.

    Args:
        names: registry names (``["sigmoid", "relu"]``), in the order to draw them. Default:
            ``None``, every entry of :data:`trainlab.registry.ACTIVATIONS` in its order.
        x: the 1-D float grid of inputs. Default: ``None``, 561 points on :math:`[-7, 7]`.
        derivative: also draw :math:`f'`. Default: ``True``.
        ncols: panels per row. Default: ``4``.

    Returns:
        the matplotlib ``Figure``; each panel's y-range covers :math:`[-1.2, 1.2]` and the
        curves, so a flat (saturated) stretch shows as flat.
    """
    func = "plot_activations"
    names = _names(names, func)
    x = _grid(X_DEFAULT if x is None else x, func)
    check_bool(derivative, func, "derivative")
    check_int(ncols, func, "ncols", minimum=1)
    ncols = min(ncols, len(names))
    nrows = math.ceil(len(names) / ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(2.9 * ncols, 2.4 * nrows), squeeze=False)
    for ax in axes.flat[len(names) :]:
        ax.set_visible(False)
    for ax, name in zip(axes.flat, names):
        y, cache = registry.ACTIVATIONS[name].numpy_forward(x)
        ax.axhline(0.0, color="0.8", lw=0.8)
        ax.axvline(0.0, color="0.8", lw=0.8)
        ax.plot(x, y, color="C0", lw=2, label="$f(x)$")
        curves = [y]
        if derivative:
            ax.plot(x, cache["dydx"], color="C3", lw=1.6, ls="--", label="$f'(x)$")
            curves.append(cache["dydx"])
        low = min(-1.2, min(float(c.min()) for c in curves) - 0.2)
        high = max(1.2, max(float(c.max()) for c in curves) + 0.2)
        ax.set_ylim(low, high)
        ax.set_xlim(float(x[0]), float(x[-1]))
        ax.set_title(display_name(name))
        ax.grid(alpha=0.3)
    for ax in axes[-1]:
        ax.set_xlabel("$x$")
    axes.flat[0].legend(loc="upper left", fontsize=9)
    return finish(fig)


def activation_values(names=None, points=(-3.0, 0.0, 3.0)):
    r"""The numbers behind :func:`plot_activations`: :math:`f` and :math:`f'` at ``points``.

    Returns:
        ``[{"name", "display", "x", "f", "df"}]``, one dict per activation, ``"f"`` and ``"df"``
        NumPy arrays of the shape of ``points`` (from the registry's NumPy reference; at a kink
        the derivative is PyTorch's, e.g. ReLU'(0) = 0).

    Example:
        >>> row = activation_values(["sigmoid"], points=(0.0,))[0]
        >>> float(row["f"][0]), float(row["df"][0])
        (0.5, 0.25)
    """
    func = "activation_values"
    names = _names(names, func)
    check_type(points, func, "points", (list, tuple, np.ndarray), "a sequence of numbers")
    try:
        x = np.asarray(points, dtype=np.float64).reshape(-1)
    except (TypeError, ValueError):
        raise TypeError(f"{func}: expected points to be a sequence of numbers (got {points!r})") from None
    x = _grid(x, func) if x.size >= 2 else x
    if x.size == 0 or not np.all(np.isfinite(x)):
        raise ValueError(f"{func}: expected points to hold at least one finite number (got {points!r})")
    rows = []
    for name in names:
        y, cache = registry.ACTIVATIONS[name].numpy_forward(x)
        rows.append({"name": name, "display": display_name(name), "x": x, "f": y, "df": cache["dydx"]})
    return rows


def format_activation_values(rows, digits: int = 3) -> str:
    r"""The rows of :func:`activation_values` as a plain-text table, numbers in the lesson's
    language: one line per activation, :math:`f(x)` then :math:`f'(x)` at each point."""
    func = "format_activation_values"
    check_type(rows, func, "rows", list, "the list that activation_values returned")
    if not rows or not all(isinstance(r, dict) and {"display", "x", "f", "df"} <= set(r) for r in rows):
        raise ValueError(f"{func}: expected rows to be the list that activation_values returned (got {rows!r:.60})")
    check_int(digits, func, "digits", minimum=0)

    def point(v):
        return fmt(int(v)) if float(v).is_integer() else fmt(float(v))

    xs = rows[0]["x"]
    head = [_("activation")] + [f"f({point(v)})" for v in xs] + [f"f′({point(v)})" for v in xs]
    table = [head] + [[r["display"]] + [fmt(float(v) + 0.0, digits) for v in (*r["f"], *r["df"])] for r in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(head))]
    return "\n".join(
        "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(line, widths))) for line in table
    )
