"""trainlab.parts.initialization.basics: the three initializations of the lesson, the per-layer
statistics it prints, the copied unit and the figure."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from conftest import bad_input_test
from trainlab.models import mlp
from trainlab.parts.initialization.basics import (
    SCHEMES,
    activation_stds,
    copy_unit,
    init_weights,
    plot_activation_stds,
    saturated_fraction,
)


def _torch_reference(net, scheme, seed):
    """The same initialization through torch.nn.init, layer by layer, with the same generator."""
    g = torch.Generator().manual_seed(seed)
    ref = [torch.empty_like(m.weight) for m in net if isinstance(m, nn.Linear)]
    for w in ref:
        if scheme == "Xavier":
            nn.init.xavier_uniform_(w, gain=1.0, generator=g)
        else:
            nn.init.normal_(w, 0.0, 0.01 if scheme == "N(0, 0.01²)" else 1.0, generator=g)
    return ref


@pytest.mark.parametrize("scheme", SCHEMES)
def test_init_weights_matches_torch_and_zeroes_biases(scheme):
    net = mlp([20, 30, 40, 5], activation="tanh")
    init_weights(net, scheme, torch.Generator().manual_seed(3))
    linears = [m for m in net if isinstance(m, nn.Linear)]
    for layer, want in zip(linears, _torch_reference(net, scheme, 3)):
        torch.testing.assert_close(layer.weight.detach(), want, rtol=0, atol=0)
        assert torch.count_nonzero(layer.bias) == 0


def test_xavier_has_glorots_bound_and_variance():
    layer = nn.Linear(300, 100)
    init_weights(nn.Sequential(layer), "Xavier", torch.Generator().manual_seed(0))
    a = math.sqrt(6 / (300 + 100))  # Glorot & Bengio (2010), eq. 16
    w = layer.weight.detach().double()
    assert float(w.abs().max()) <= a and float(w.abs().max()) > 0.99 * a
    assert abs(float(w.var()) / (2 / 400) - 1) < 0.03


def test_activation_stds_and_saturation_match_a_manual_forward_pass():
    torch.manual_seed(0)
    net = init_weights(mlp([16, 32, 32, 32, 4], activation="tanh"), "N(0, 1)", torch.Generator().manual_seed(1))
    x = torch.randn(64, 16)
    h, stds, sat = x, [], []
    with torch.no_grad():
        for m in net:
            h = m(h)
            if isinstance(m, nn.Tanh):
                stds.append(float(h.std()))
                sat.append(float((h.abs() > 0.9).float().mean()))
    np.testing.assert_allclose(activation_stds(net, x), stds, rtol=1e-6)
    np.testing.assert_allclose(saturated_fraction(net, x, threshold=0.9), sat, rtol=1e-6)
    assert activation_stds(net, x).shape == (3,)


def test_small_init_shrinks_the_signal_by_the_predicted_factor():
    net = init_weights(mlp([128] * 6 + [2], activation="tanh"), "N(0, 0.01²)", torch.Generator().manual_seed(0))
    x = torch.randn(2048, 128, generator=torch.Generator().manual_seed(1))
    stds = activation_stds(net, x)
    ratios = stds[1:] / stds[:-1]
    np.testing.assert_allclose(ratios, math.sqrt(128) * 0.01, rtol=0.05)


def test_copied_unit_gets_the_same_gradient_and_stays_a_copy():
    net = init_weights(mlp([10, 6, 3], activation="tanh"), "Xavier", torch.Generator().manual_seed(0))
    before = net[0].weight.detach().clone()
    copy_unit(net, source=2, target=4)
    w1, w2 = net[0].weight, net[2].weight
    assert torch.equal(w1[4], w1[2]) and torch.equal(w2[:, 4], w2[:, 2]) and net[0].bias[4] == net[0].bias[2]
    others = [0, 1, 2, 3, 5]
    assert torch.equal(w1[others], before[others])
    opt = torch.optim.SGD(net.parameters(), lr=0.5)
    x, y = torch.randn(32, 10), torch.randint(0, 3, (32,))
    for _ in range(5):
        opt.zero_grad()
        nn.functional.cross_entropy(net(x), y).backward()
        torch.testing.assert_close(w1.grad[4], w1.grad[2])
        opt.step()
    torch.testing.assert_close(w1[4], w1[2])
    assert not torch.allclose(w1[0], w1[2])


def test_plot_draws_one_line_per_scheme_on_a_log_axis():
    fig = plot_activation_stds({"N(0, 1)": [1.0, 0.5, 0.25], "Xavier": np.array([0.5, 0.4, 0.3])})
    ax = fig.axes[0]
    assert ax.get_yscale() == "log" and len(ax.get_lines()) == 2
    np.testing.assert_allclose(ax.get_lines()[0].get_ydata(), [1.0, 0.5, 0.25])


BAD = [
    (lambda: init_weights("net", "Xavier"), TypeError, "init_weights: expected model to be a torch.nn.Module"),
    (lambda: init_weights(mlp([2, 2]), "he"), ValueError, "init_weights: expected scheme"),
    (lambda: init_weights(mlp([2, 2]), "Xavier", generator=0), TypeError, "init_weights: expected generator"),
    (
        lambda: init_weights(nn.Sequential(nn.Tanh()), "Xavier"),
        ValueError,
        "init_weights: expected a model with at least one torch.nn.Linear layer (got none)",
    ),
    (lambda: copy_unit([], 0, 1), TypeError, "copy_unit: expected model to be a torch.nn.Module"),
    (
        lambda: copy_unit(mlp([3, 2])),
        ValueError,
        "copy_unit: expected a model with at least two torch.nn.Linear layers (got 1)",
    ),
    (lambda: copy_unit(mlp([3, 2, 2]), 0, 2), ValueError, "copy_unit: expected target <= 1 (got 2)"),
    (lambda: copy_unit(mlp([3, 2, 2]), 0.0, 1), TypeError, "copy_unit: expected source to be an int"),
    (lambda: activation_stds(None, torch.zeros(2, 2)), TypeError, "activation_stds: expected model"),
    (
        lambda: activation_stds(mlp([2, 2, 2]), torch.zeros(2)),
        ValueError,
        "activation_stds: expected 2D x (got 1D x of shape (2,))",
    ),
    (
        lambda: saturated_fraction(mlp([2, 2, 2]), torch.zeros(2, 2), threshold=0),
        ValueError,
        "saturated_fraction: expected threshold to be a finite number > 0 (got 0.0)",
    ),
    (lambda: saturated_fraction("net", torch.zeros(2, 2)), TypeError, "saturated_fraction: expected model"),
    (lambda: plot_activation_stds([1.0]), TypeError, "plot_activation_stds: expected stds to be a dict"),
    (
        lambda: plot_activation_stds({}),
        ValueError,
        "plot_activation_stds: expected at least one initialization (got {})",
    ),
    (
        lambda: plot_activation_stds({"x": [1.0, 0.0]}),
        ValueError,
        "plot_activation_stds: expected a 1-D array of positive stds for 'x' (got [1.0, 0.0])",
    ),
    (
        lambda: plot_activation_stds({"x": [1.0]}, title=3),
        TypeError,
        "plot_activation_stds: expected title to be a str",
    ),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
