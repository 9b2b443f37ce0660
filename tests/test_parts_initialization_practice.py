"""trainlab.parts.initialization.practice: deep stacks under several initializations, the variance
recursion, torch's default init, LSUV, Jacobian spectra, dead ReLUs at init, and the exercise checker."""

import math

import numpy as np
import pytest
import torch
from torch import nn

from conftest import bad_input_test
from trainlab.parts.initialization import practice as P


def test_gain_table_agrees_with_torch_and_the_formulas():
    rows = P.gain_table()
    for _name, _param, g_torch, g_ours in rows:
        assert g_ours == pytest.approx(g_torch, abs=0, rel=1e-15)
    gains = {(n, p): g for n, p, g, _g in rows}
    assert gains[("relu", None)] == pytest.approx(math.sqrt(2))
    assert gains[("leaky_relu", 0.2)] == pytest.approx(math.sqrt(2 / 1.04))
    assert gains[("tanh", None)] == pytest.approx(5 / 3)


@pytest.mark.parametrize("scheme", P.SCHEMES)
def test_init_stack_weight_variance_matches_the_scheme(scheme):
    width = 512
    net = P.init_stack("relu", scheme, depth=2, width=width, seed=1)
    w = net[0].weight.detach()
    want = {
        "default": 1 / (3 * width),
        "xavier": 1 / width,
        "he": 2 / width,
        "lecun": 1 / width,
        "orthogonal": 2 / width,
        "small": 1e-4,
    }[scheme]
    assert w.var().item() == pytest.approx(want, rel=0.02)
    if scheme != "default":
        assert torch.count_nonzero(net[0].bias) == 0
    if scheme == "orthogonal":  # W W^T = gain^2 I
        gram = w @ w.T / 2
        assert torch.allclose(gram, torch.eye(width), atol=1e-4)


def test_init_stack_linear_has_no_activation_and_is_reproducible():
    a = P.init_stack("linear", "lecun", depth=3, width=4, seed=2)
    b = P.init_stack("linear", "lecun", depth=3, width=4, seed=2)
    assert all(isinstance(m, nn.Linear) for m in a)
    assert all(torch.equal(p, q) for p, q in zip(a.parameters(), b.parameters()))


def test_layer_statistics_agrees_with_a_hand_computation():
    net = P.init_stack("tanh", "xavier", depth=3, width=5, seed=3)
    x = torch.randn(7, 5, generator=torch.Generator().manual_seed(4))
    stats = P.layer_statistics(net, x=x, seed=0)
    h, zs, hs = x, [], []
    for k in range(3):
        z = net[2 * k](h)
        z.retain_grad()
        h = torch.tanh(z)
        zs.append(z)
        hs.append(h)
    r = torch.randn(h.shape, generator=torch.Generator().manual_seed(P._DATA_SEED))
    (h * r).sum().backward()
    assert stats.preactivation_std == pytest.approx([z.std().item() for z in zs], rel=1e-5)
    assert stats.activation_mean == pytest.approx([a.mean().item() for a in hs], rel=1e-5, abs=1e-7)
    assert stats.activation_std == pytest.approx([a.std().item() for a in hs], rel=1e-5)
    assert stats.gradient_std == pytest.approx([z.grad.std().item() for z in zs], rel=1e-5)


def test_predicted_statistics_match_closed_forms():
    # ReLU with He: E[h^2] stays 1, std(h) = sqrt(1 - 1/pi), gradient std sqrt(1/2) at every layer
    act, grad = P.predicted_statistics("relu", "he", depth=5, width=100)
    assert act == pytest.approx([math.sqrt(1 - 1 / math.pi)] * 5, rel=1e-6)
    assert grad == pytest.approx([math.sqrt(0.5)] * 5, rel=1e-6)
    # ReLU with gain 1: the second moment halves per layer
    act, _grad = P.predicted_statistics("relu", "lecun", depth=4, width=100)
    assert act[1:] / act[:-1] == pytest.approx([math.sqrt(0.5)] * 3, rel=1e-6)


def test_predicted_statistics_agree_with_a_wide_tanh_stack():
    stats = P.median_statistics("tanh", "xavier", depth=6, width=512, seeds=(0, 1, 2))
    act, grad = P.predicted_statistics("tanh", "xavier", depth=6, width=512)
    assert stats.activation_std == pytest.approx(act, rel=0.05)
    assert stats.gradient_std == pytest.approx(grad, rel=0.1)


def test_default_layer_moments_of_torch_layers():
    torch.manual_seed(0)
    m = P.default_layer_moments(nn.Linear(2000, 300))
    assert m["fan_in"] == 2000
    assert m["var_times_fan_in"] == pytest.approx(1 / 3, rel=0.02)
    assert m["max_w_sqrt_fan_in"] <= 1 and m["max_b_sqrt_fan_in"] <= 1
    conv = P.default_layer_moments(nn.Conv2d(16, 32, 3))
    assert conv["fan_in"] == 16 * 9


def test_lsuv_gives_unit_variance_outputs():
    x = torch.randn(128, 32, generator=torch.Generator().manual_seed(0))
    net = P.lsuv_(P.init_stack("relu", "xavier", depth=6, width=32), x, tol=0.01)
    stats = P.layer_statistics(net, x=x)
    assert stats.preactivation_std**2 == pytest.approx([1.0] * 6, abs=0.011)


def test_jacobian_singular_values_of_orthogonal_linear_stack_are_one():
    x = torch.randn(16)
    s = P.jacobian_singular_values(P.init_stack("linear", "orthogonal", depth=10, width=16, gain=1.0), x)
    assert s == pytest.approx(np.ones(16), abs=1e-5)
    net = P.init_stack("linear", "lecun", depth=2, width=16)
    product = (net[1].weight @ net[0].weight).detach().double()
    assert s.shape == (16,)
    assert P.jacobian_singular_values(net, x) == pytest.approx(torch.linalg.svdvals(product).numpy(), rel=1e-5)


def test_dead_fraction_at_init_counts_units_dead_for_every_row():
    net = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    with torch.no_grad():
        net[0].weight.copy_(torch.tensor([[1.0, 0.0], [-1.0, 0.0], [0.0, 0.0]]))
        net[0].bias.zero_()
    x = torch.tensor([[1.0, 0.0], [2.0, 1.0]])
    assert P.dead_fraction_at_init(net, x).tolist() == pytest.approx([2 / 3])
    fr = P.dead_fractions(torch.randn(32, 8), "he", 0.0, depth=3, width=8, seeds=(0, 1))
    assert fr.shape == (3,) and ((fr >= 0) & (fr <= 1)).all()


def test_train_deep_lowers_the_loss_of_a_good_net():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(200, 4, generator=g)
    y = (x[:, 0] > 0).long()
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Linear(16, 2))
    losses = P.train_deep(net, x, y, steps=100, lr=0.5, batch=32)
    assert len(losses) == 100 and np.mean(losses[-10:]) < 0.5 * losses[0]


def test_check_default_variance_accepts_the_right_answer_and_names_slips(capsys):
    assert P.check_default_variance(1 / 900, fan_in=300)
    assert "✓" in capsys.readouterr().out
    assert not P.check_default_variance(1 / 300, fan_in=300)
    assert "b²/3" in capsys.readouterr().out
    result = P.check_default_variance(2 / 300, fan_in=300, verbose=False)
    assert not result and "He" in str(result)
    assert not P.check_default_variance("1/900", verbose=False)
    torch.manual_seed(0)
    measured = nn.Linear(300, 4000).weight.detach().var().item()
    assert P.check_default_variance(measured, fan_in=300, verbose=False) == (abs(measured * 900 - 1) <= 0.005)


def test_num_formats_plain_and_scientific():
    assert P.num(0.8288) == "0.83"
    assert P.num(12.34) == "12"
    assert P.num(5.1e-4).startswith("5.1 · 10")


BAD = [
    (lambda: P.recommended_gain("relu", "kaiming"), ValueError, "recommended_gain: expected scheme to be one of"),
    (lambda: P.init_stack("relu", "he", depth=0), ValueError, "init_stack: expected depth >= 1 (got 0)"),
    (lambda: P.init_stack("relu", "he", gain=-1.0), ValueError, "init_stack: expected gain"),
    (lambda: P.layer_statistics(nn.Linear(2, 2)), TypeError, "layer_statistics: expected net to be an nn.Sequential"),
    (lambda: P.layer_statistics(nn.Sequential(nn.ReLU())), ValueError, "layer_statistics: expected net to contain"),
    (lambda: P.predicted_statistics("relu", "he", width=0), ValueError, "predicted_statistics: expected width >= 1"),
    (lambda: P.default_layer_moments(nn.ReLU()), TypeError, "default_layer_moments: expected layer to be"),
    (lambda: P.lsuv_(P.init_stack("relu", "he", 2, 4), torch.ones(3, 4), tol=0), ValueError, "lsuv_: expected tol"),
    (
        lambda: P.jacobian_singular_values(P.init_stack("relu", "he", 2, 4), torch.ones(2, 4)),
        ValueError,
        "jacobian_singular_values: expected x of shape",
    ),
    (
        lambda: P.dead_fraction_at_init(nn.Sequential(nn.Linear(2, 2)), torch.ones(1, 2)),
        ValueError,
        "dead_fraction_at_init: expected net to contain at least one nn.ReLU",
    ),
    (
        lambda: P.dead_fractions(torch.ones(2, 4), "he", "0.01"),
        TypeError,
        "dead_fractions: expected bias to be a number",
    ),
    (
        lambda: P.train_deep(nn.Linear(2, 2), torch.ones(4, 2), torch.zeros(4).long(), lr=0),
        ValueError,
        "train_deep: expected lr",
    ),
    (lambda: P.check_default_variance(0.1, fan_in=0), ValueError, "check_default_variance: expected fan_in >= 1"),
    (lambda: P.num("0.1"), TypeError, "num: expected value to be a number"),
    (lambda: P.median_statistics("relu", "he", seeds=()), ValueError, "median_statistics: expected at least one seed"),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
