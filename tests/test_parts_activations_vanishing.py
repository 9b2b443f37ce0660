"""trainlab.parts.activations.vanishing: the product bound, the deep MLPs and their per-layer
gradient norms, the clipping demo and the exercise checkers of lesson act-vanishing."""

import math

import matplotlib

matplotlib.use("Agg")

import numpy as np
import pytest
import torch
from torch import nn

from conftest import bad_input_test
from trainlab.i18n import set_language
from trainlab.parts.activations import vanishing as V


@pytest.fixture
def batch():
    g = torch.Generator().manual_seed(0)
    return torch.randn(32, 8, generator=g), torch.randint(0, 3, (32,), generator=g)


def test_product_bound_and_sci():
    assert V.product_bound(20) == pytest.approx(math.pow(0.25, 20), rel=1e-15)
    assert V.product_bound(3, 0.5, 3.0) == pytest.approx(1.5**3)
    set_language("en")
    assert V.sci(V.product_bound(20), 1) == f"{0.25**20:.1e}".replace("e-13", " · 10⁻¹³")
    set_language("cs")
    assert V.sci(0.00123, 2) == "1,23 · 10⁻³"
    set_language("en")


@pytest.mark.parametrize("name, want", [("sigmoid", 0.25), ("tanh", 1.0), ("relu", 1.0)])
def test_max_derivative_matches_the_closed_form(name, want):
    assert V.max_derivative(name) == pytest.approx(want, abs=1e-9)


def test_factor_per_layer_is_the_geometric_mean():
    norms = np.array([1e-4, 3e-3, 1e-2, 1.0])
    assert V.factor_per_layer(norms) == pytest.approx(np.prod(norms[:-1] / norms[1:]) ** (1 / 3))


@pytest.mark.parametrize("scheme", V.SCHEMES)
def test_init_weights_draws_the_stated_variance(scheme):
    layer = nn.Linear(400, 300)
    V.init_weights(layer, scheme, torch.Generator().manual_seed(0))
    var = {"default": 1 / (3 * 400), "xavier": 2 / (400 + 300), "he": 2 / 400}[scheme]
    assert layer.weight.var().item() == pytest.approx(var, rel=0.02)
    if scheme != "default":
        assert torch.all(layer.bias == 0)


def test_weight_gradient_norms_agree_with_autograd(batch):
    x, y = batch
    net = V.deep_mlp("tanh", "xavier", depth=4, width=8, inputs=8, classes=3)
    norms = V.weight_gradient_norms(net, x, y)
    nn.functional.cross_entropy(net(x), y).backward()
    want = [m.weight.grad.norm().item() for m in net if isinstance(m, nn.Linear)]
    assert norms == pytest.approx(want, rel=1e-6)
    assert len(norms) == 4


def test_residual_mlp_is_the_plain_one_plus_skips(batch):
    x, _y = batch
    net = V.deep_mlp("sigmoid", depth=3, width=8, inputs=8, classes=3, residual=True)
    h = torch.sigmoid(net.hidden[0](x))
    h = h + torch.sigmoid(net.hidden[1](h))
    assert torch.allclose(net(x), net.out(h))


def test_gradient_norm_table_averages_over_seeds(batch):
    x, y = batch
    table = V.gradient_norm_table(x, y, activations=("relu",), schemes=("he",), depth=3, width=8, seeds=(0, 1))
    single = [V.weight_gradient_norms(V.deep_mlp("relu", "he", 3, 8, 8, 3, seed=s), x, y) for s in (0, 1)]
    assert table[("relu", "he")] == pytest.approx(np.mean(single, axis=0))
    assert len(V.plot_gradient_norms(table).axes) == 1


def test_sigmoid_vanishes_more_than_tanh(batch):
    x, y = batch
    table = V.gradient_norm_table(x, y, activations=("sigmoid", "tanh"), schemes=("xavier",), depth=10, width=16)
    ratio = {a: v[0] / v[-1] for (a, _s), v in table.items()}
    assert ratio["sigmoid"] < 1e-3 < ratio["tanh"]


def test_clipping_bounds_the_step(batch):
    x, y = batch
    net = V.deep_mlp("relu", "he", depth=3, width=8, inputs=8, classes=3)
    before = [p.detach().clone() for p in net.parameters()]
    losses = V.train_losses(net, x, y, lr=0.1, steps=1, clip=1e-3)
    step = torch.sqrt(sum(((p.detach() - b) ** 2).sum() for p, b in zip(net.parameters(), before)))
    assert len(losses) == 1 and step.item() <= 0.1 * 1e-3 * (1 + 1e-4)


def test_bound_checker_accepts_the_bound_and_hints_at_slips(capsys):
    set_language("en")
    assert V.check_bound_function(lambda n, d, w: (w * d) ** n)
    assert not V.check_bound_function(lambda n, d, w: d**n)
    assert "weights enter" in capsys.readouterr().out
    assert not V.check_bound_function(lambda n, d, w: n * d * w, verbose=False)
    assert not V.check_bound_function(lambda n, d, w: 1 / 0, verbose=False)


def test_tanh_gain_checker(capsys):
    from trainlab.data import load_digits

    d = load_digits(standardize=True)
    x, y = d.x_train[:64], d.y_train[:64]
    assert V.check_tanh_gain(1.0, x, y)
    assert not V.check_tanh_gain(4.0, x, y)
    assert not V.check_tanh_gain(0.3, x, y)  # ratio near 1, gradient tiny everywhere
    out = capsys.readouterr().out
    assert "smaller g" in out and "tiny in every layer" in out


BAD = [
    (lambda: V.sci("1", 1), TypeError, "sci: expected value to be a number (got str '1')"),
    (lambda: V.product_bound(-1), ValueError, "product_bound: expected n >= 0 (got -1)"),
    (lambda: V.product_bound(2, -0.1), ValueError, "product_bound: expected max_derivative"),
    (lambda: V.max_derivative("swish"), ValueError, "max_derivative: expected activation to be one of"),
    (lambda: V.max_derivative("relu", 1.0, 0.0), ValueError, "max_derivative: expected high > low"),
    (lambda: V.factor_per_layer([1.0]), ValueError, "factor_per_layer: expected at least two positive norms"),
    (lambda: V.init_weights("net", "he"), TypeError, "init_weights: expected model to be a torch.nn.Module"),
    (lambda: V.init_weights(nn.Linear(2, 2), "lecun"), ValueError, "init_weights: expected scheme to be one of"),
    (lambda: V.scaled_normal_init(nn.Linear(2, 2), -1.0), ValueError, "scaled_normal_init: expected gain"),
    (lambda: V.ResidualMLP("relu", depth=1), ValueError, "ResidualMLP: expected depth >= 2 (got 1)"),
    (lambda: V.deep_mlp("relu", residual=1), TypeError, "deep_mlp: expected residual to be True or False"),
    (
        lambda: V.weight_gradient_norms(nn.Linear(2, 2), torch.zeros(2, dtype=torch.long), None),
        TypeError,
        "weight_gradient_norms: expected x of a floating dtype",
    ),
    (
        lambda: V.gradient_norm_table(torch.zeros(4, 2), torch.zeros(4, dtype=torch.long), seeds=()),
        ValueError,
        "gradient_norm_table: expected at least one seed",
    ),
    (lambda: V.plot_gradient_norms({}), ValueError, "plot_gradient_norms: expected a non-empty table"),
    (
        lambda: V.train_losses(nn.Linear(2, 2), torch.zeros(4, 2), torch.zeros(4, dtype=torch.long), lr=0.0),
        ValueError,
        "train_losses: expected lr to be a finite number > 0",
    ),
    (lambda: V.check_bound_function(3), TypeError, "check_bound_function: expected fn to be a function (got int)"),
    (
        lambda: V.tanh_gradient_norms(0.0, torch.zeros(4, 2), torch.zeros(4, dtype=torch.long)),
        ValueError,
        "tanh_gradient_norms: expected gain",
    ),
    (
        lambda: V.check_tanh_gain("1", torch.zeros(4, 2), torch.zeros(4, dtype=torch.long)),
        TypeError,
        "check_tanh_gain: expected gain to be a number",
    ),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
