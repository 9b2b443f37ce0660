"""Figures of the lessons.  Every title, axis label and legend goes through
:func:`trainlab.i18n._`, so it reads in the language the lesson set.

Each function returns its ``Figure`` already closed in pyplot: in a notebook, the figure
shows exactly once, as the value of the cell (write the call last, without ``;``); in a
script, call ``fig.savefig(...)``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from .i18n import _


def _to_numpy(a) -> np.ndarray:
    return a.detach().cpu().numpy() if hasattr(a, "detach") else np.asarray(a)


def plot_activations(before, after, units=(0, 1, 2), bins: int = 30):
    """Histograms of a few units of a layer, before and after batch normalization.

    Args:
        before: ``(N, C)`` activations entering the batch norm.
        after: ``(N, C)`` activations leaving it.
        units: which of the ``C`` units to draw. Default: ``(0, 1, 2)``.
        bins: histogram bins. Default: ``30``.

    Returns:
        the matplotlib ``Figure`` (two panels sharing the y axis).
    """
    before, after = _to_numpy(before), _to_numpy(after)
    if before.ndim != 2 or before.shape != after.shape:
        raise ValueError(
            f"plot_activations: expected before and after of the same (N, C) shape (got {before.shape} and {after.shape})"
        )
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
    for ax, values, title in zip(axes, (before, after), (_("Before batch normalization"), _("After batch normalization"))):
        for u in units:
            ax.hist(values[:, u], bins=bins, alpha=0.55, label=f"{_('unit')} {u}")
        ax.set_title(title)
        ax.set_xlabel(_("activation value"))
    axes[0].set_ylabel(_("count"))
    axes[1].legend()
    fig.tight_layout()
    plt.close(fig)
    return fig


def plot_histories(histories: dict):
    """Training loss and test accuracy per epoch of several runs, side by side.

    Args:
        histories: ``{label: History}``; each label is translated if the catalog knows it.

    Returns:
        the matplotlib ``Figure``.
    """
    if not histories:
        raise ValueError("plot_histories: expected at least one {label: History} entry (got none)")
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.2))
    for label, h in histories.items():
        epochs = np.arange(1, len(h.train_loss) + 1)
        ax_loss.plot(epochs, h.train_loss, marker="o", ms=3, label=_(label))
        ax_acc.plot(epochs, h.test_acc, marker="o", ms=3, label=_(label))
    ax_loss.set(title=_("Training loss"), xlabel=_("epoch"), ylabel=_("cross-entropy"))
    ax_acc.set(title=_("Test accuracy"), xlabel=_("epoch"), ylabel=_("accuracy"))
    ax_loss.legend()
    fig.tight_layout()
    plt.close(fig)
    return fig
