"""trainlab.parts.activations.explorer: the per-layer statistics of a deep stack, the static
figure and the explorer widget."""

import matplotlib

matplotlib.use("Agg")

import pytest
import torch
from torch import nn

from conftest import bad_input_test
from trainlab.parts.activations import explorer as E
from trainlab.parts.activations.catalogue import display_name
from trainlab.registry import ACTIVATIONS


@pytest.mark.parametrize("distribution", E.DISTRIBUTIONS)
def test_sample_inputs_has_the_named_moments(distribution):
    x = E.sample_inputs(distribution, (200_000,), torch.Generator().manual_seed(0))
    mean, std = {"N(0, 1)": (0.0, 1.0), "N(0, 5²)": (0.0, 5.0), "U(0, 1)": (0.5, 12**-0.5)}[distribution]
    assert x.mean().item() == pytest.approx(mean, abs=0.03)
    assert x.std().item() == pytest.approx(std, rel=0.01)


def test_stack_statistics_agrees_with_a_hand_written_stack():
    stats = E.stack_statistics("tanh", "N(0, 1)", depth=3, width=5, batch=7, seed=3)
    torch.manual_seed(3)
    layers = [nn.Linear(5, 5) for _k in range(3)]
    h = E.sample_inputs("N(0, 1)", (7, 5), torch.Generator().manual_seed(3))
    stds = []
    for layer in layers:
        h = torch.tanh(layer(h))
        stds.append(h.std().item())
    (h.sum() / 7).backward()
    assert stats.activation_std == pytest.approx(stds, rel=1e-5)
    assert stats.gradient_norm == pytest.approx([layer.weight.grad.norm().item() for layer in layers], rel=1e-5)


def test_sigmoid_stack_gradient_vanishes_towards_the_input():
    stats = E.stack_statistics("sigmoid", "N(0, 1)", depth=10)
    assert stats.gradient_norm[0] < 1e-4 * stats.gradient_norm[-1]


def test_plot_and_explorer_offer_every_activation():
    fig = E.plot_explorer("relu", "U(0, 1)", depth=4)
    assert len(fig.axes) == 4
    explorer = E.activation_explorer(depth=3)
    menus = [c for c in explorer.children if hasattr(c, "options")]
    assert [value for _label, value in menus[0].options] == list(ACTIVATIONS)
    assert [label for label, _value in menus[0].options][:2] == [display_name("sigmoid"), "tanh"]
    assert list(menus[1].options) == list(E.DISTRIBUTIONS)


BAD = [
    (lambda: E.sample_inputs("N(0, 2)", (3,)), ValueError, "sample_inputs: expected distribution to be one of"),
    (lambda: E.sample_inputs("N(0, 1)", 3), TypeError, "sample_inputs: expected shape to be a tuple"),
    (lambda: E.stack_statistics("swish", "N(0, 1)"), ValueError, "stack_statistics: expected activation to be one of"),
    (
        lambda: E.stack_statistics("relu", "N(0, 1)", batch=1),
        ValueError,
        "stack_statistics: expected batch >= 2 (got 1)",
    ),
    (lambda: E.plot_explorer("relu", "N(0, 1)", depth=0), ValueError, "plot_explorer: expected depth >= 1 (got 0)"),
    (lambda: E.activation_explorer(depth=2.0), TypeError, "activation_explorer: expected depth to be an int"),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
