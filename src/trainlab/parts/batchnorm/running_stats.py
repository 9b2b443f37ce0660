"""BN's running statistics, simulated: the explorer (ipywidgets) and the static figure that
stands in for it on the web page, where no kernel runs.  Both call the same simulation, so the numbers agree."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from ..._checks import check_int, check_number
from ...figures import finish
from ...i18n import _


@dataclass
class RunningStats:
    """What :func:`simulate_running_stats` returns (arrays over the training steps)."""

    running_mean: np.ndarray
    running_var: np.ndarray
    true_mean: float
    true_var: float
    eval_outputs: np.ndarray  # the test inputs normalized with the final running statistics


def _check_args(func, batch_size, momentum, shift, seed):
    check_int(batch_size, func, "batch_size", minimum=2)
    check_number(momentum, func, "momentum", 0.0, 1.0, low_open=True)
    check_number(shift, func, "shift")
    check_int(seed, func, "seed", minimum=0)


def simulate_running_stats(
    batch_size: int = 32,
    momentum: float = 0.1,
    shift: float = 0.0,
    steps: int = 200,
    mean: float = 2.0,
    std: float = 3.0,
    seed: int = 0,
) -> RunningStats:
    """One feature seen by a ``BatchNorm`` layer: training batches of ``batch_size`` values from
    :math:`\\mathcal N(\\text{mean}, \\text{std}^2)` update the running statistics with PyTorch's rule
    (``momentum`` weights the new batch; unbiased batch variance); test values come from the same
    distribution moved by ``shift`` and are normalized with the final running statistics,
    as in ``model.eval()``.

    Args:
        batch_size: values per training batch, >= 2. Default: ``32``.
        momentum: weight of the new batch in the update, in (0, 1]. Default: ``0.1``.
        shift: how far the test distribution's mean moves, in feature units. Default: ``0.0``.
        steps: training steps, >= 1. Default: ``200``.
        mean: the training distribution's mean. Default: ``2.0``.
        std: its standard deviation, >= 0. Default: ``3.0``.
        seed: seed of the random numbers, >= 0. Default: ``0``.
    """
    _check_args("simulate_running_stats", batch_size, momentum, shift, seed)
    check_int(steps, "simulate_running_stats", "steps", minimum=1)
    check_number(mean, "simulate_running_stats", "mean")
    check_number(std, "simulate_running_stats", "std", low=0.0)
    rng = np.random.default_rng(seed)
    r_mean, r_var = 0.0, 1.0  # PyTorch's initial running statistics
    means, variances = [], []
    for _step in range(steps):
        batch = rng.normal(mean, std, size=batch_size)
        r_mean = (1 - momentum) * r_mean + momentum * batch.mean()
        r_var = (1 - momentum) * r_var + momentum * batch.var(ddof=1)
        means.append(r_mean)
        variances.append(r_var)
    test = rng.normal(mean + shift, std, size=2000)
    outputs = (test - r_mean) / np.sqrt(r_var + 1e-5)
    return RunningStats(np.array(means), np.array(variances), mean, std**2, outputs)


def plot_running_stats(batch_size: int = 32, momentum: float = 0.1, shift: float = 0.0, seed: int = 0):
    """Running mean and standard deviation over training against the true values, and the
    evaluation-mode outputs on (possibly shifted) test data against :math:`\\mathcal N(0, 1)`.

    The histogram covers every output: its range is [-5, 5] widened to the outputs' smallest
    and largest values, so a large ``shift`` moves the histogram instead of cutting it off.

    Arguments as :func:`simulate_running_stats`.
    """
    _check_args("plot_running_stats", batch_size, momentum, shift, seed)
    sim = simulate_running_stats(batch_size, momentum, shift, seed=seed)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.6))
    steps = np.arange(1, len(sim.running_mean) + 1)
    ax1.plot(steps, sim.running_mean, label=_("running mean"))
    ax1.plot(steps, np.sqrt(sim.running_var), label=_("running std"))
    ax1.axhline(sim.true_mean, color="C0", ls=":", lw=1)
    ax1.axhline(np.sqrt(sim.true_var), color="C1", ls=":", lw=1)
    ax1.set_title(textwrap.fill(_("Running statistics (dotted: true values)"), 40), fontsize=10)
    ax1.set_xlabel(_("training steps"))
    ax1.legend()
    low, high = min(-5.0, float(sim.eval_outputs.min())), max(5.0, float(sim.eval_outputs.max()))
    bins = int(np.clip(np.ceil((high - low) / 0.25), 40, 200))  # bins 0.25 wide while that is reasonable
    grid = np.linspace(low, high, 200)
    ax2.hist(sim.eval_outputs, bins=bins, range=(low, high), density=True, alpha=0.6, label=_("evaluation-mode output"))
    ax2.plot(grid, np.exp(-(grid**2) / 2) / np.sqrt(2 * np.pi), color="k", lw=1, label="N(0, 1)")
    ax2.set_title(textwrap.fill(_("Test data normalized with the running statistics"), 40), fontsize=10)
    ax2.set_xlabel(_("output value"))
    ax2.legend(fontsize=8)
    return finish(fig)


def running_stats_explorer():
    """Sliders for batch size, momentum and a train/test distribution shift, redrawing
    :func:`plot_running_stats` when one moves (needs a running kernel: Jupyter, Colab).

    Nothing is drawn until a slider moves: a first figure inside the widget's ``Output`` would
    land in the notebook differently under nbconvert and nbval, and the lesson's next cell
    draws the default state as a static figure anyway.
    """
    import ipywidgets as w
    from IPython.display import display

    controls = {
        "batch_size": w.IntSlider(value=32, min=2, max=256, step=2, description="batch_size"),
        "momentum": w.FloatLogSlider(value=0.1, base=10, min=-2, max=0, step=0.1, description="momentum"),
        "shift": w.FloatSlider(value=0.0, min=-6.0, max=6.0, step=0.5, description="shift"),
    }
    out = w.Output()

    def redraw(change=None):
        out.clear_output(wait=True)
        with out:
            display(plot_running_stats(**{name: c.value for name, c in controls.items()}))

    for control in controls.values():
        control.observe(redraw, names="value")
    hint = w.Label(_("Move a slider to redraw the figure."))
    return w.VBox([hint, *controls.values(), out])
