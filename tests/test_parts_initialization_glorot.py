"""trainlab.parts.initialization.glorot: the initialization schemes, the symmetry measurement,
the per-layer statistics of deep tanh MLPs, the variance argument and the exercise checkers
of lesson init-glorot."""

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch
from torch import nn

from conftest import bad_input_test
from trainlab.data import load_digits
from trainlab.i18n import set_language
from trainlab.parts.initialization import glorot as G


@pytest.fixture(scope="module")
def digits():
    return load_digits(standardize=True)


@pytest.mark.parametrize("n_in, n_out", [(64, 64), (784, 256), (3, 500)])
def test_glorot_bound_gives_the_stated_variance_and_matches_torch(n_in, n_out):
    a = G.glorot_bound(n_in, n_out)
    assert G.uniform_variance(a) == pytest.approx(2 / (n_in + n_out), rel=1e-12)
    w = torch.empty(n_out, n_in)
    nn.init.xavier_uniform_(w)
    assert w.abs().max().item() <= a + 1e-7
    # the uniform variance against a large sample
    sample = np.random.default_rng(0).uniform(-a, a, 1_000_000)
    assert sample.var() == pytest.approx(G.uniform_variance(a), rel=0.01)


@pytest.mark.parametrize("scheme", G.SCHEMES)
def test_init_mlp_draws_the_stated_distribution(scheme):
    layer = nn.Linear(400, 300)
    G.init_mlp(layer, scheme, torch.Generator().manual_seed(0))
    w = layer.weight.detach()
    var = {
        "zeros": 0.0,
        "constant": 0.0,
        "small": 1e-4,
        "unit": 1.0,
        "standard": 1 / (3 * 400),
        "normalized": 2 / (400 + 300),
    }[scheme]
    assert w.var().item() == pytest.approx(var, rel=0.02, abs=1e-12)
    assert torch.all(layer.bias == 0)
    if scheme == "constant":
        assert torch.all(w == 0.1)
    if scheme == "normalized":  # bit for bit torch's xavier_uniform_ for the same generator
        want = torch.empty(300, 400)
        nn.init.xavier_uniform_(want, generator=torch.Generator().manual_seed(0))
        assert torch.equal(w, want)


def test_unit_spread_is_zero_for_copies_and_positive_otherwise():
    net = G.tanh_mlp(1, 5, "constant", inputs=4, classes=3)
    assert G.unit_spread(net) == 0.0
    with torch.no_grad():
        net[0].weight[2, 1] += 0.5
    assert G.unit_spread(net) == pytest.approx(0.5)


def test_symmetry_run_keeps_zeros_identical_and_random_units_apart(digits):
    zeros = G.symmetry_run(digits, "zeros", hidden=4, steps=5)
    assert zeros.spread == [0.0] * 6
    # only the output bias learns: the loss is that of the class frequencies at best
    assert zeros.train_loss >= 2.2
    random = G.symmetry_run(digits, "normalized", hidden=4, steps=5)
    assert min(random.spread) > 0.1


def test_layer_values_match_autograd_and_the_forward_pass():
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(16, 6, generator=g), torch.randint(0, 3, (16,), generator=g)
    net = G.tanh_mlp(3, 5, "normalized", inputs=6, classes=3)
    values = G.layer_values(net, x, y)
    assert len(values.h) == len(values.grad) == 3
    # independent computation: the hidden layers by hand, gradients by torch.autograd.grad
    zs, h = [], x
    for k in range(3):
        z = net[2 * k](h)
        zs.append(z)
        h = torch.tanh(z)
    loss = nn.functional.cross_entropy(net[-1](h), y)
    grads = torch.autograd.grad(loss, zs)
    for k in range(3):
        np.testing.assert_allclose(values.h[k], torch.tanh(zs[k]).detach().numpy().ravel(), rtol=1e-6)
        np.testing.assert_allclose(values.grad[k], grads[k].numpy().ravel(), rtol=1e-5, atol=1e-9)
    assert values.std("h")[0] == pytest.approx(float(torch.tanh(zs[0]).detach().std(unbiased=False)), rel=1e-5)
    assert values.saturated(0.0)[0] == pytest.approx(float((torch.tanh(zs[0]) != 0).float().mean()))
    assert values.zero_gradients()[0] == pytest.approx(float((grads[0] == 0).float().mean()))


def test_variance_ratios_of_the_standard_init_are_one_third_in_a_linear_net():
    ratios = G.variance_ratios(depth=4, width=128, activation="identity")
    assert np.allclose(ratios, 1 / 3, rtol=0.1)
    tanh = G.variance_ratios(depth=4, width=128, activation="tanh")
    assert tanh[0] < ratios[0]  # tanh compresses a large signal


def test_product_variance_formula():
    sampled, formula = G.product_variance(2.0, 3.0, 1.0, 0.5, n=200_000)
    assert formula == pytest.approx(2 * 3 + 2 * 0.25 + 3 * 1)
    assert sampled == pytest.approx(formula, rel=0.03)


def test_figures_draw_one_panel_per_scheme_and_quantity():
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(32, 8, generator=g), torch.randint(0, 3, (32,), generator=g)
    runs = {s: G.layer_values(G.tanh_mlp(3, 8, s, inputs=8, classes=3), x, y) for s in ("standard", "normalized")}
    assert len(G.plot_layer_heatmaps(runs).axes) == 4
    assert len(G.plot_glorot_histograms(runs).axes) == 4


def test_checkers_accept_the_answer_and_name_the_slip():
    set_language("en")
    assert G.check_glorot_bound(lambda i, o: math.sqrt(6 / (i + o)), verbose=False)
    result = G.check_glorot_bound(lambda i, o: math.sqrt(2 / (i + o)), verbose=False)
    assert not result and "standard deviation" in str(result)
    result = G.check_glorot_bound(lambda i, o: 1 / 0, verbose=False)
    assert not result and "ZeroDivisionError" in str(result)
    assert G.check_std_ratio(1 / math.sqrt(3), verbose=False)
    result = G.check_std_ratio(1 / 3, verbose=False)
    assert not result and "variance" in str(result)


_NET = nn.Sequential(nn.Linear(2, 2))

BAD = [
    (lambda: G.uniform_variance("1"), TypeError, "uniform_variance: expected a to be a number (got str '1')"),
    (lambda: G.uniform_variance(-1.0), ValueError, "uniform_variance: expected a to be a finite number >= 0"),
    (lambda: G.glorot_bound(0, 3), ValueError, "glorot_bound: expected n_in >= 1 (got 0)"),
    (lambda: G.init_mlp("net", "zeros"), TypeError, "init_mlp: expected model to be a torch.nn.Module"),
    (lambda: G.init_mlp(_NET, "he"), ValueError, "init_mlp: expected scheme to be one of 'zeros'"),
    (lambda: G.tanh_mlp(0, 4, "zeros"), ValueError, "tanh_mlp: expected depth >= 1 (got 0)"),
    (lambda: G.unit_spread(_NET), ValueError, "unit_spread: expected a model with two nn.Linear layers (got 1)"),
    (lambda: G.symmetry_run("data", "zeros"), TypeError, "symmetry_run: expected data to be a trainlab.data.Split"),
    (lambda: G.layer_values(_NET, [[1.0, 2.0]], None), TypeError, "layer_values: expected x to be a torch.Tensor"),
    (lambda: G.variance_ratios(activation="relu"), ValueError, "variance_ratios: expected activation to be one of"),
    (lambda: G.product_variance(-1.0, 1.0), ValueError, "product_variance: expected var_x to be a finite number >= 0"),
    (lambda: G.plot_layer_heatmaps({}), ValueError, "plot_layer_heatmaps: expected runs to be a non-empty dict"),
    (lambda: G.plot_glorot_histograms([]), TypeError, "plot_glorot_histograms: expected runs to be a dict"),
    (lambda: G.check_glorot_bound(3), TypeError, "check_glorot_bound: expected fn to be a function (got int)"),
    (lambda: G.check_std_ratio("0.5"), TypeError, "check_std_ratio: expected value to be a number (got str '0.5')"),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
