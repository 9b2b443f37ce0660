"""Figures of the batch-normalization part: BN's effect on a layer's histograms, Ioffe &
Szegedy's (2015) Figure 1, Wu & He's (2018) batch-size sweep and Santurkar et al.'s (2018)
Figure 4.  Shared plumbing (and :func:`~trainlab.figures.plot_histories`,
:func:`~trainlab.figures.plot_sweep`) lives in :mod:`trainlab.figures`."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from ..._checks import check_int, check_type
from ...figures import check_runs, finish, to_numpy
from ...i18n import _, fmt


def plot_bn_histograms(before, after, units=(0, 1, 2), bins: int = 30):
    """Histograms of a few units of a layer, before and after batch normalization.

    Args:
        before: ``(N, C)`` activations entering the batch norm.
        after: ``(N, C)`` activations leaving it.
        units: which of the ``C`` units to draw. Default: ``(0, 1, 2)``.
        bins: histogram bins. Default: ``30``.

    Returns:
        the matplotlib ``Figure`` (two panels sharing the y axis).
    """
    before, after = to_numpy(before), to_numpy(after)
    if before.ndim != 2 or before.shape != after.shape:
        raise ValueError(
            f"plot_bn_histograms: expected before and after of the same (N, C) shape (got {before.shape} and {after.shape})"
        )
    check_type(units, "plot_bn_histograms", "units", (tuple, list, range), "a tuple of unit indices")
    for u in units:
        check_int(u, "plot_bn_histograms", "every unit", minimum=0, maximum=before.shape[1] - 1)
    check_int(bins, "plot_bn_histograms", "bins", minimum=1)
    fig, axes = plt.subplots(1, 2, figsize=(9, 3.2), sharey=True)
    for ax, values, title in zip(
        axes, (before, after), (_("Before batch normalization"), _("After batch normalization"))
    ):
        for u in units:
            ax.hist(values[:, u], bins=bins, alpha=0.55, label=f"{_('unit')} {u}")
        ax.set_title(title)
        ax.set_xlabel(_("activation value"))
    axes[0].set_ylabel(_("count"))
    axes[1].legend()
    return finish(fig)


def plot_ioffe_figure1(histories: dict, q=(15, 50, 85)):
    """Ioffe & Szegedy (2015), Figure 1: (a) test accuracy against training steps for each run;
    then, per run, panels (b), (c), ... with the percentiles ``q`` of one sigmoid's input over
    training (its ``probes``).  Legends sit where they cover no curve.

    Args:
        histories: ``{label: StepHistory}`` whose ``probes`` are percentile triples.

    Returns:
        the matplotlib ``Figure`` (1 + number of runs panels).
    """
    check_runs(histories, "plot_ioffe_figure1", "StepHistory", ("steps", "test_acc", "probes"))
    fig, axes = plt.subplots(1, 1 + len(histories), figsize=(4 * (1 + len(histories)), 3.8))
    ax = axes[0]
    for label, h in histories.items():
        ax.plot(h.steps, h.test_acc, label=_(label))
    ax.set(title="(a) " + _("Test accuracy"), xlabel=_("training steps"), ylabel=_("accuracy"))
    ax.legend(loc="lower right")  # the curves rise early and end high: the lower right is empty
    lows, highs = [], []
    for panel, ax, (label, h) in zip("bcdefgh", axes[1:], histories.items()):
        p = np.asarray(h.probes)
        for i, pct in enumerate(q):
            ax.plot(
                h.steps,
                p[:, i],
                color="C0",
                lw=1.5 if pct == 50 else 0.9,
                ls="-" if pct == 50 else "--",
                label=fmt(pct / 100, 0, percent=True),
            )
        lows.append(p.min())
        highs.append(p.max())
        ax.set(title=f"({panel}) " + _("Sigmoid input, {label}").format(label=_(label)), xlabel=_("training steps"))
        # below the panel, so that it covers no curve
        ax.legend(title=_("percentile"), fontsize=8, ncol=len(q), loc="upper center", bbox_to_anchor=(0.5, -0.2))
    for ax in axes[1:]:
        ax.set_ylim(min(lows) - 0.2, max(highs) + 0.2)
    axes[1].set_ylabel(_("input to the sigmoid"))
    return finish(fig)


def plot_batch_size_sweep(results: dict):
    """Test accuracy against batch size (log scale), one line per normalization.

    Args:
        results: ``{label: {batch_size: accuracy}}``; the x axis is marked at every batch size run.
    """
    check_runs(results, "plot_batch_size_sweep", "{batch_size: accuracy}")
    for label, by_size in results.items():
        check_type(by_size, "plot_batch_size_sweep", f"results[{label!r}]", dict, "a {batch_size: accuracy} dict")
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for label, by_size in results.items():
        sizes = sorted(by_size)
        ax.plot(sizes, [by_size[s] for s in sizes], marker="o", label=_(label))
    ax.set_xscale("log", base=2)
    every_size = sorted({s for by_size in results.values() for s in by_size})
    ax.set_xticks(every_size, [str(s) for s in every_size])  # the batch sizes run, not powers of 2
    ax.minorticks_off()
    ax.set(title=_("Normalization and batch size"), xlabel=_("batch size"), ylabel=_("test accuracy"))
    ax.legend()
    return finish(fig)


def plot_santurkar_figure4(histories: dict, smooth_labels=("without BN", "with BN")):
    """Santurkar et al. (2018, Fig. 4) style: (a) test accuracy of every run against steps; for
    the runs named in ``smooth_labels`` (their ``probes`` are
    :func:`trainlab.parts.batchnorm.landscape.probe_along_gradient` dicts), (b) the loss's variation along the
    gradient, (c) the gradient's change along it and (d) the effective smoothness constant K
    (key ``"smoothness"``)."""
    check_runs(histories, "plot_santurkar_figure4", "StepHistory", ("steps", "test_acc", "probes"))
    fig, (ax_acc, ax_loss, ax_grad, ax_k) = plt.subplots(1, 4, figsize=(14, 3.2))
    for label, h in histories.items():
        ax_acc.plot(h.steps, h.test_acc, label=_(label))
        if label in smooth_labels:
            for ax, key in ((ax_loss, "loss_range"), (ax_grad, "grad_change"), (ax_k, "smoothness")):
                values = [p[key] for p in h.probes]
                ax.plot(h.steps, values, label=_(label))
    ax_acc.set(title="(a) " + _("Test accuracy"), xlabel=_("training steps"), ylabel=_("accuracy"))
    ax_loss.set(title="(b) " + _("Loss variation along the gradient"), xlabel=_("training steps"), yscale="log")
    ax_grad.set(title="(c) " + _("Gradient change along the gradient"), xlabel=_("training steps"), yscale="log")
    ax_k.set(title="(d) " + _("Effective smoothness K"), xlabel=_("training steps"), yscale="log")
    for ax in (ax_acc, ax_loss, ax_grad, ax_k):
        ax.legend(fontsize=8)
    return finish(fig)
