"""trainlab.parts.batchnorm.running_stats: the running-statistics simulation, figure and explorer."""

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest

from conftest import bad_input_test
from trainlab.parts.batchnorm import plot_running_stats, running_stats_explorer, simulate_running_stats


def test_running_stats_simulation_follows_pytorchs_update_rule():
    sim = simulate_running_stats(batch_size=4, momentum=1.0, shift=0.0, steps=3, seed=0)
    assert sim.running_mean.shape == (3,)
    shifted = simulate_running_stats(batch_size=64, momentum=0.1, shift=3.0, steps=300)
    assert abs(shifted.eval_outputs.mean() - 1.0) < 0.1  # a shift of one std shows up as +1 after BN
    with pytest.raises(ValueError, match="simulate_running_stats: expected batch_size"):
        simulate_running_stats(batch_size=1)
    with pytest.raises(ValueError, match="simulate_running_stats: expected momentum in"):
        simulate_running_stats(momentum=0.0)
    assert len(plot_running_stats(8, 0.5, 1.0).axes) == 2


def test_explorer_redraws_only_when_a_slider_moves():
    explorer = running_stats_explorer()
    sliders = [c for c in explorer.children if hasattr(c, "value") and not isinstance(c.value, str)]
    assert [s.description for s in sliders] == ["batch_size", "momentum", "shift"]


def test_running_stats_histogram_covers_all_the_outputs(capsys):
    # a shift of ten standard deviations puts the outputs around +10, outside the old fixed range (-5, 5)
    args = dict(batch_size=8, momentum=0.5, shift=30.0, seed=0)
    outputs = simulate_running_stats(**args).eval_outputs
    bars = plot_running_stats(**args).axes[1].patches
    left, right = bars[0].get_x(), bars[-1].get_x() + bars[-1].get_width()
    assert left <= -5 and right >= 5
    assert left <= outputs.min() and right >= outputs.max()
    counts = np.array([b.get_height() * b.get_width() for b in bars])
    assert counts.sum() == pytest.approx(1.0)
    assert capsys.readouterr().out == ""  # prints nothing


def test_running_stats_histogram_keeps_its_bins_when_the_data_fit():
    bars = plot_running_stats(batch_size=32, momentum=0.1, shift=0.0).axes[1].patches
    assert len(bars) == 40 and bars[0].get_x() == -5 and bars[-1].get_x() + bars[-1].get_width() == pytest.approx(5)


BAD = [
    (lambda: simulate_running_stats(steps=0), ValueError, "simulate_running_stats: expected steps >= 1 (got 0)"),
    (
        lambda: simulate_running_stats(steps=2.0),
        TypeError,
        "simulate_running_stats: expected steps to be an int (got float 2.0)",
    ),
    (
        lambda: simulate_running_stats(batch_size=1),
        ValueError,
        "simulate_running_stats: expected batch_size >= 2 (got 1)",
    ),
    (
        lambda: simulate_running_stats(batch_size=32.0),
        TypeError,
        "simulate_running_stats: expected batch_size to be an int",
    ),
    (
        lambda: simulate_running_stats(momentum=0.0),
        ValueError,
        "simulate_running_stats: expected momentum in (0, 1] (got 0.0)",
    ),
    (
        lambda: simulate_running_stats(shift="3"),
        TypeError,
        "simulate_running_stats: expected shift to be a number (got str '3')",
    ),
    (
        lambda: simulate_running_stats(std=-1.0),
        ValueError,
        "simulate_running_stats: expected std to be a finite number >= 0 (got -1.0)",
    ),
    (lambda: simulate_running_stats(mean=float("nan")), ValueError, "simulate_running_stats: expected mean"),
    (lambda: simulate_running_stats(seed=-1), ValueError, "simulate_running_stats: expected seed >= 0 (got -1)"),
    (lambda: plot_running_stats(momentum=2.0), ValueError, "plot_running_stats: expected momentum in (0, 1] (got 2.0)"),
    (
        lambda: plot_running_stats(batch_size="8"),
        TypeError,
        "plot_running_stats: expected batch_size to be an int (got str '8')",
    ),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
