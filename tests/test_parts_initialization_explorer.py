"""trainlab.parts.initialization.explorer: the data behind the figure, the static figure and the widget."""

import matplotlib

matplotlib.use("Agg")

import pytest

from conftest import bad_input_test
from trainlab.parts.initialization import explorer as E
from trainlab.parts.initialization import practice as P
from trainlab.registry import ACTIVATIONS


def test_every_explorer_activation_is_registered():
    assert set(E.ACTIVATIONS) <= set(ACTIVATIONS)


def test_explorer_data_is_what_the_practice_functions_measure_and_predict():
    data = E.explorer_data("relu", "he", depth=4, width=32, seed=3)
    stats = P.layer_statistics(P.init_stack("relu", "he", 4, 32, seed=3), seed=3)
    act, grad = P.predicted_statistics("relu", "he", 4, 32)
    assert data["layers"].tolist() == [1, 2, 3, 4]
    assert data["measured_activation_std"] == pytest.approx(stats.activation_std)
    assert data["measured_gradient_std"] == pytest.approx(stats.gradient_std)
    assert data["predicted_activation_std"] == pytest.approx(act)
    assert data["predicted_gradient_std"] == pytest.approx(grad)


def test_gain_changes_the_measurement():
    small = E.explorer_data("tanh", "he", depth=5, width=64, gain=0.5)["measured_activation_std"][-1]
    large = E.explorer_data("tanh", "he", depth=5, width=64, gain=2.0)["measured_activation_std"][-1]
    assert small < large


def test_plot_init_explorer_draws_two_panels_with_both_curves():
    fig = E.plot_init_explorer("tanh", "xavier", depth=6, width=32)
    axes = fig.axes
    assert len(axes) == 2
    assert all(len(ax.get_lines()) == 2 for ax in axes)


def test_init_explorer_builds_a_widget_and_resets_the_gain():
    pytest.importorskip("ipywidgets")
    box = E.init_explorer(depth=5)
    controls = {c.description: c for c in box.children if getattr(c, "description", "")}
    assert len(controls) == 5
    activation = next(c for c in box.children if getattr(c, "options", None) and "relu" in c.options)
    gain = next(c for c in box.children if type(c).__name__ == "FloatSlider")
    scheme = next(c for c in box.children if getattr(c, "options", None) and ("He (Kaiming)", "he") in c.options)
    scheme.value = "he"
    activation.value = "relu"
    assert gain.value == pytest.approx(2**0.5, abs=0.05)


BAD = [
    (lambda: E.explorer_data("swish", "he"), ValueError, "explorer_data: expected activation to be one of"),
    (lambda: E.explorer_data("relu", "he", depth=0), ValueError, "explorer_data: expected depth >= 1 (got 0)"),
    (lambda: E.plot_init_explorer("relu", "kaiming"), ValueError, "plot_init_explorer: expected scheme to be one of"),
    (lambda: E.init_explorer(depth=2.0), TypeError, "init_explorer: expected depth to be an int"),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
