"""Figure plumbing shared by every course part, and the figures two parts use.

Every title, axis label and legend goes through :func:`trainlab.i18n._`, so it reads in the
language the lesson set, and every tick label writes numbers as that language does (decimal
comma in Czech and Vietnamese: :func:`localize_axes`).  Each function returns its ``Figure`` already closed in pyplot: in a
notebook, the figure shows exactly once, as the value of the cell (write the call last,
without ``;``); in a script, call ``fig.savefig(...)``.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import ticker

from ._checks import check_number, check_type, got
from .i18n import _, localize_number_text


def to_numpy(a) -> np.ndarray:
    """A tensor (detached, on the CPU) or anything array-like, as a NumPy array."""
    return a.detach().cpu().numpy() if hasattr(a, "detach") else np.asarray(a)


class LocalizedFormatter(ticker.Formatter):
    """Wraps an axis' tick formatter and writes its numbers with the lesson language's decimal
    mark (``0.5`` -> ``0,5`` in Czech and Vietnamese); the wrapped formatter picks the ticks."""

    def __init__(self, inner: ticker.Formatter):
        self.inner = inner

    def set_axis(self, axis):
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def set_locs(self, locs):
        self.inner.set_locs(locs)

    def __call__(self, x, pos=None):
        return localize_number_text(self.inner(x, pos))

    def format_ticks(self, values):
        return [localize_number_text(t) for t in self.inner.format_ticks(values)]

    def get_offset(self):
        return localize_number_text(self.inner.get_offset())


def localize_axes(fig) -> None:
    """Make every axis of ``fig`` write its tick numbers in the current language (idempotent)."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            for get, put in (
                (axis.get_major_formatter, axis.set_major_formatter),
                (axis.get_minor_formatter, axis.set_minor_formatter),
            ):
                if not isinstance(get(), LocalizedFormatter):
                    put(LocalizedFormatter(get()))


def finish(fig):
    """Write the numbers in the lesson's language, lay ``fig`` out and close it in pyplot, so a
    notebook shows it once, as the cell's value."""
    localize_axes(fig)
    fig.tight_layout()
    plt.close(fig)
    return fig


def check_runs(runs, func: str, what: str, attributes=()) -> None:
    """``runs`` must be a non-empty ``{label: run}`` dict, each run having ``attributes``;
    ``what`` names the kind of run (``"History"``) for the message."""
    if not isinstance(runs, dict):
        if attributes and all(hasattr(runs, a) for a in attributes):  # one run, not a dict of runs
            raise TypeError(
                f"{func}: expected a {{label: {what}}} dict (got {type(runs).__name__}); "
                f"wrap a single run as {{'label': run}}"
            )
        raise TypeError(f"{func}: expected a {{label: {what}}} dict (got {got(runs)})")
    if not runs:
        raise ValueError(f"{func}: expected at least one {{label: {what}}} entry (got none)")
    for label, run in runs.items():
        missing = [a for a in attributes if not hasattr(run, a)]
        if missing:
            raise TypeError(
                f"{func}: expected every value to be a {what} with {', '.join(attributes)} "
                f"(got {type(run).__name__} for {label!r})"
            )


def plot_histories(histories: dict):
    """Training loss and test accuracy per epoch of several runs, side by side.

    Args:
        histories: ``{label: History}``; each label is translated if the catalog knows it.

    Returns:
        the matplotlib ``Figure``.
    """
    check_runs(histories, "plot_histories", "History", ("train_loss", "test_acc"))
    fig, (ax_loss, ax_acc) = plt.subplots(1, 2, figsize=(9, 3.2))
    for label, h in histories.items():
        epochs = np.arange(1, len(h.train_loss) + 1)
        ax_loss.plot(epochs, h.train_loss, marker="o", ms=3, label=_(label))
        ax_acc.plot(epochs, h.test_acc, marker="o", ms=3, label=_(label))
    ax_loss.set(title=_("Training loss"), xlabel=_("epoch"), ylabel=_("cross-entropy"))
    ax_acc.set(title=_("Test accuracy"), xlabel=_("epoch"), ylabel=_("accuracy"))
    ax_loss.legend()
    return finish(fig)


def plot_sweep(values, results: dict, xlabel: str, title: str, ylabel: str = "test accuracy"):
    """One line per run label of a metric against a hyperparameter swept on a log scale.

    Args:
        values: the hyperparameter values (x axis, logarithmic), each > 0.
        results: ``{label: [metric per value]}``; labels, ``xlabel``, ``title`` and ``ylabel``
            are translated if the catalog knows them.
    """
    if isinstance(values, (str, bytes)) or not hasattr(values, "__len__"):
        raise TypeError(f"plot_sweep: expected values to be a list of numbers (got {got(values)})")
    for i, v in enumerate(values):
        check_number(v, "plot_sweep", f"values[{i}]", low=0.0, low_open=True, hint=" (the x axis is logarithmic)")
    check_type(results, "plot_sweep", "results", dict, "a {label: [metric per value]} dict")
    for arg, text in (("xlabel", xlabel), ("title", title), ("ylabel", ylabel)):
        check_type(text, "plot_sweep", arg, str, "a str")
    if not results or any(not hasattr(v, "__len__") or len(v) != len(values) for v in results.values()):
        raise ValueError(
            f"plot_sweep: expected one metric per value of {list(values)} for every label (got {results!r})"
        )
    fig, ax = plt.subplots(figsize=(5, 3.2))
    for label, metric in results.items():
        ax.plot(values, metric, marker="o", label=_(label))
    ax.set_xscale("log")
    ax.set(title=_(title), xlabel=_(xlabel), ylabel=_(ylabel))
    ax.legend()
    return finish(fig)
