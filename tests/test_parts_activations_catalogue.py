"""trainlab.parts.activations.catalogue: the f/f' figure of the registry and the numbers behind it."""

import matplotlib
import numpy as np
import pytest
import torch

from conftest import bad_input_test
from trainlab import registry
from trainlab.i18n import catalog, set_language
from trainlab.parts.activations.catalogue import (
    activation_values,
    display_name,
    format_activation_values,
    plot_activations,
)


@pytest.fixture
def lang():
    yield
    set_language("en")


def test_every_entry_is_drawn_with_its_derivative_by_default():
    fig = plot_activations()
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == [display_name(n) for n in registry.ACTIVATIONS]
    for ax, name in zip(axes, registry.ACTIVATIONS):
        solid, dashed = [line for line in ax.get_lines() if line.get_label().startswith("$f")]
        x = torch.tensor(solid.get_xdata(), dtype=torch.float64, requires_grad=True)
        y = registry.ACTIVATIONS[name].torch_module().double()(x)  # independent: torch's module and autograd
        (dy,) = torch.autograd.grad(y.sum(), x)
        np.testing.assert_allclose(solid.get_ydata(), y.detach().numpy(), rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(dashed.get_ydata(), dy.numpy(), rtol=1e-10, atol=1e-12)
        assert dashed.get_linestyle() == "--" and solid.get_linestyle() == "-"
        low, high = ax.get_ylim()
        assert low <= min(-1.2, y.min().item()) and high >= max(1.2, y.max().item())


def test_a_subset_without_derivatives_in_its_own_order():
    fig = plot_activations(["relu", "sigmoid"], x=np.linspace(-2, 2, 5), derivative=False)
    axes = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in axes] == ["ReLU", "sigmoid"]
    assert all(len([ln for ln in ax.get_lines() if ln.get_label().startswith("$f")]) == 1 for ax in axes)
    assert isinstance(fig, matplotlib.figure.Figure)


def test_values_match_torch_at_the_points():
    rows = activation_values(points=(-3.0, 0.0, 3.0))
    assert [r["name"] for r in rows] == list(registry.ACTIVATIONS)
    for row in rows:
        x = torch.tensor([-3.0, 0.0, 3.0], dtype=torch.float64, requires_grad=True)
        y = registry.ACTIVATIONS[row["name"]].torch_module().double()(x)
        (dy,) = torch.autograd.grad(y.sum(), x)
        np.testing.assert_allclose(row["f"], y.detach().numpy(), rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(row["df"], dy.numpy(), rtol=1e-12, atol=1e-15)


def test_table_is_written_in_the_lessons_language(lang):
    rows = activation_values(["sigmoid", "leaky_relu"], points=(0.0, 3.0))
    set_language("cs")
    text = format_activation_values(activation_values(["sigmoid", "leaky_relu"], points=(0.0, 3.0)), digits=3)
    lines = text.splitlines()
    assert lines[0].split()[:3] == ["aktivační", "funkce", "f(0)"]
    assert lines[1].split() == ["sigmoida", "0,500", "0,953", "0,250", "0,045"]
    assert "leaky ReLU (a = 0,01)" in lines[2]
    assert float(rows[0]["f"][1]) == pytest.approx(1 / (1 + np.exp(-3.0)))
    for lang_ in ("vi", "cs"):
        assert {"sigmoid", "activation"} <= set(catalog(lang_))


BAD = [
    (lambda: plot_activations("relu"), TypeError, "plot_activations: expected names to be a list of activation names"),
    (lambda: plot_activations(["swish"]), ValueError, "plot_activations: expected every name to be one of 'sigmoid'"),
    (lambda: plot_activations([]), ValueError, "plot_activations: expected at least one activation name (got [])"),
    (
        lambda: plot_activations(x=[0.0, 1.0]),
        TypeError,
        "plot_activations: expected x to be a numpy.ndarray (got list)",
    ),
    (
        lambda: plot_activations(x=np.array([0.0])),
        ValueError,
        "plot_activations: expected x to hold at least 2 finite points (got 1 points)",
    ),
    (
        lambda: plot_activations(derivative="yes"),
        TypeError,
        "plot_activations: expected derivative to be True or False (got str 'yes')",
    ),
    (
        lambda: activation_values(points="0"),
        TypeError,
        "activation_values: expected points to be a sequence of numbers (got str '0')",
    ),
    (
        lambda: activation_values(points=[np.nan]),
        ValueError,
        "activation_values: expected points to hold at least one finite number (got [nan])",
    ),
    (lambda: display_name("swish"), ValueError, "display_name: expected name to be one of 'sigmoid'"),
    (
        lambda: format_activation_values([]),
        ValueError,
        "format_activation_values: expected rows to be the list that activation_values returned (got [])",
    ),
    (
        lambda: format_activation_values(activation_values(["relu"]), digits=-1),
        ValueError,
        "format_activation_values: expected digits >= 0 (got -1)",
    ),
]
test_bad_input_names_the_problem = bad_input_test(BAD)
