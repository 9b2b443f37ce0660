"""Interactive explorers (ipywidgets) and the static figures that stand in for them on the
web page, where no kernel runs.  Both call the same simulation, so the numbers agree."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib.pyplot as plt
import numpy as np

from .i18n import _


@dataclass
class RunningStats:
    """What :func:`simulate_running_stats` returns (arrays over the training steps)."""

    running_mean: np.ndarray
    running_var: np.ndarray
    true_mean: float
    true_var: float
    eval_outputs: np.ndarray        # the test inputs normalized with the final running statistics


def simulate_running_stats(batch_size: int = 32, momentum: float = 0.1, shift: float = 0.0,
                           steps: int = 200, mean: float = 2.0, std: float = 3.0, seed: int = 0) -> RunningStats:
    """One feature seen by a ``BatchNorm`` layer: training batches of ``batch_size`` values from
    :math:`\\mathcal N(\\text{mean}, \\text{std}^2)` update the running statistics with PyTorch's rule
    (``momentum`` weights the new batch; unbiased batch variance); test values come from the same
    distribution moved by ``shift`` and are normalized with the final running statistics,
    as in ``model.eval()``.
    """
    if not isinstance(batch_size, int) or batch_size < 2:
        raise ValueError(f"simulate_running_stats: expected batch_size to be an integer >= 2 (got {batch_size!r})")
    if not 0.0 < momentum <= 1.0:
        raise ValueError(f"simulate_running_stats: expected momentum in (0, 1] (got {momentum!r})")
    rng = np.random.default_rng(seed)
    r_mean, r_var = 0.0, 1.0                                  # PyTorch's initial running statistics
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
    evaluation-mode outputs on (possibly shifted) test data against :math:`\\mathcal N(0, 1)`."""
    sim = simulate_running_stats(batch_size, momentum, shift, seed=seed)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(9, 3.2))
    steps = np.arange(1, len(sim.running_mean) + 1)
    ax1.plot(steps, sim.running_mean, label=_("running mean"))
    ax1.plot(steps, np.sqrt(sim.running_var), label=_("running std"))
    ax1.axhline(sim.true_mean, color="C0", ls=":", lw=1)
    ax1.axhline(np.sqrt(sim.true_var), color="C1", ls=":", lw=1)
    ax1.set(title=_("Running statistics (dotted: true values)"), xlabel=_("training steps"))
    ax1.legend()
    grid = np.linspace(-5, 5, 200)
    ax2.hist(sim.eval_outputs, bins=40, range=(-5, 5), density=True, alpha=0.6, label=_("evaluation-mode output"))
    ax2.plot(grid, np.exp(-grid**2 / 2) / np.sqrt(2 * np.pi), color="k", lw=1, label="N(0, 1)")
    ax2.set(title=_("Test data normalized with the running statistics"), xlabel=_("output value"))
    ax2.legend(fontsize=8)
    fig.tight_layout()
    plt.close(fig)
    return fig


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
