"""The computational graph of batch normalization that the backward-pass lesson draws."""

from __future__ import annotations

import matplotlib.pyplot as plt

from ..._checks import check_bool
from ...figures import finish
from ...i18n import _

#: Where each node of one channel's graph sits (x, y), and its symbol.
NODES = {
    "x": ((0.0, 0.5), r"$x_i$"),
    "mu": ((2.2, 2.6), r"$\mu$"),
    "var": ((4.4, 2.6), r"$\sigma^2$"),
    "x_hat": ((5.8, 0.5), r"$\hat x_i$"),
    "gamma": ((7.0, 2.0), r"$\gamma$"),
    "beta": ((7.0, -1.0), r"$\beta$"),
    "y": ((8.0, 0.5), r"$y_i$"),
    "loss": ((9.6, 0.5), r"$L$"),
}

#: The edges, each with the path from x to x_hat it belongs to (None: after x_hat). The edge
#: mu -> var has local derivative 0 (the deviations sum to 0), as the lesson says.
EDGES = [
    ("x", "x_hat", "direct"),
    ("x", "mu", "mean"),
    ("mu", "x_hat", "mean"),
    ("x", "var", "variance"),
    ("mu", "var", "variance"),
    ("var", "x_hat", "variance"),
    ("x_hat", "y", None),
    ("gamma", "y", None),
    ("beta", "y", None),
    ("y", "loss", None),
]

_COLORS = {"direct": "C0", "mean": "C1", "variance": "C2", None: "0.35"}


def plot_bn_graph(show_gradients: bool = True):
    r"""The computational graph of batch normalization for one channel:
    :math:`\mu = \frac1m\sum_i x_i`, :math:`\sigma^2 = \frac1m\sum_i (x_i-\mu)^2`,
    :math:`\hat x_i = (x_i-\mu)/\sqrt{\sigma^2+\epsilon}`, :math:`y_i = \gamma\hat x_i + \beta`,
    then the loss :math:`L`.

    The three paths from :math:`x_i` to :math:`\hat x_i` (direct, through :math:`\mu`, through
    :math:`\sigma^2`) are drawn in three colours; with ``show_gradients`` each edge also carries
    the local derivative the backward pass multiplies by.  Labels are in the lesson's language.

    Args:
        show_gradients: write the local derivative on each edge. Default: ``True``.

    Returns:
        the matplotlib ``Figure``.
    """
    check_bool(show_gradients, "plot_bn_graph", "show_gradients")
    # (label, where it is written, horizontal alignment)
    local = {
        ("x", "x_hat"): (r"$\frac{1}{\sqrt{\sigma^2+\epsilon}}$", (2.9, 0.38), "center", "top"),
        ("x", "mu"): (r"$\frac{1}{m}$", (0.95, 1.7), "right", "center"),
        ("mu", "var"): (r"$-\frac{2}{m}\sum_j (x_j-\mu) = 0$", (3.3, 2.72), "center", "bottom"),
        ("x", "var"): (r"$\frac{2(x_i-\mu)}{m}$", (2.1, 1.35), "left", "top"),
        ("mu", "x_hat"): (r"$\frac{-1}{\sqrt{\sigma^2+\epsilon}}$", (4.1, 1.2), "right", "center"),
        ("var", "x_hat"): (r"$-\frac{x_i-\mu}{2(\sigma^2+\epsilon)^{3/2}}$", (5.25, 1.9), "left", "center"),
        ("x_hat", "y"): (r"$\gamma$", (6.9, 0.62), "center", "bottom"),
        ("gamma", "y"): (r"$\hat x_i$", (7.6, 1.35), "left", "center"),
        ("beta", "y"): (r"$1$", (7.6, -0.3), "left", "center"),
    }
    captions = {
        "x": _("input"),
        "mu": _("batch mean"),
        "var": _("batch variance"),
        "x_hat": _("normalized"),
        "y": _("output"),
        "loss": _("loss"),
    }
    fig, ax = plt.subplots(figsize=(9.5, 4.2))
    for start, end, path in EDGES:
        (x0, y0), (x1, y1) = NODES[start][0], NODES[end][0]
        ax.annotate(
            "",
            xy=(x1, y1),
            xytext=(x0, y0),
            arrowprops=dict(arrowstyle="-|>", color=_COLORS[path], lw=1.8, shrinkA=16, shrinkB=16),
        )
        if show_gradients and (start, end) in local:
            label, (tx, ty), ha, va = local[(start, end)]
            ax.text(tx, ty, label, color=_COLORS[path], fontsize=10, ha=ha, va=va)
    for name, ((x, y), symbol) in NODES.items():
        ax.text(x, y, symbol, fontsize=15, ha="center", va="center", bbox=dict(boxstyle="circle", fc="white", ec="0.2"))
        if name in captions:
            if name in ("mu", "var"):  # beside the node: the edges leave room there
                left = name == "mu"
                ax.text(
                    x + (-0.4 if left else 0.4),
                    y,
                    captions[name],
                    fontsize=8,
                    ha="right" if left else "left",
                    va="center",
                    color="0.25",
                )
            else:
                ax.text(x, y - 0.4, captions[name], fontsize=8, ha="center", va="top", color="0.25")
    for path, label in [
        ("direct", _("direct path")),
        ("mean", _("path through the mean")),
        ("variance", _("path through the variance")),
    ]:
        ax.plot([], [], color=_COLORS[path], lw=2, label=label)
    ax.legend(loc="lower left", fontsize=8, frameon=False)
    ax.set_title(_("Batch normalization, one channel: forward along the arrows, gradients against them"), fontsize=10)
    ax.set_xlim(-0.6, 10.2)
    ax.set_ylim(-1.6, 3.5)
    ax.axis("off")
    return finish(fig)
