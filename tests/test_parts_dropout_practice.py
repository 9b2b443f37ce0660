"""trainlab.parts.dropout.practice: masks, variance shift, BN placement, MC dropout, float32 mask."""

import matplotlib

matplotlib.use("Agg")

import pytest
import torch

from conftest import bad_input_test
from trainlab.data import load_digits
from trainlab.parts.dropout import practice as P


def test_feature_map_masks_are_torch_masks():
    e, c = P.feature_map_masks(channels=3, size=5, p=0.4, seed=7)
    ones = torch.ones(1, 3, 5, 5)
    torch.manual_seed(7)
    want_e = torch.nn.functional.dropout(ones, 0.4)[0]  # torch's mask from the global generator
    assert torch.equal(e, want_e)
    assert all(v == 0.0 or v == pytest.approx(1 / 0.6) for v in c.unique().tolist())
    assert (c == c[:, :1, :1]).all()  # one value per channel


def test_variance_shift_formula_matches_a_monte_carlo_estimate():
    torch.manual_seed(0)
    x = torch.rand(400_000, dtype=torch.float64) * 2  # E[x] = 1, E[x^2] = 4/3
    r = (torch.rand(400_000, dtype=torch.float64) >= 0.3).double() / 0.7
    mc = (x * r).var() / x.var()
    assert P.variance_shift_formula(0.3, 1.0, 4 / 3) == pytest.approx(mc.item(), rel=1e-2)


def test_measured_variance_shift_is_close_to_the_formula():
    x = torch.rand(20_000, 8, generator=torch.Generator().manual_seed(1))
    measured, predicted = P.measured_variance_shift(x, p=0.5, seed=2)
    assert measured == pytest.approx(predicted, rel=0.03)
    assert predicted > 1


def test_bn_dropout_net_places_the_dropout():
    before = [type(m).__name__ for m in P.bn_dropout_net(4, 3, 2, 0.5, "before")]
    after = [type(m).__name__ for m in P.bn_dropout_net(4, 3, 2, 0.5, "after")]
    assert before.index("Dropout") < before.index("BatchNorm1d")
    assert after.index("Dropout") > after.index("BatchNorm1d")


def test_dropout_before_bn_inflates_the_running_variance():
    data = load_digits()
    out = P.bn_dropout_comparison(data, p=0.5, width=16, epochs=2)
    assert out["before"][1] > out["after"][1]


def test_rotate_digits_is_torch_rot90():
    x = torch.arange(2 * 64.0).reshape(2, 64)
    y = P.rotate_digits(x)
    assert torch.equal(y[0].reshape(8, 8), torch.rot90(x[0].reshape(8, 8)))


def test_mc_dropout_spread_is_zero_without_dropout():
    net = torch.nn.Sequential(torch.nn.Linear(4, 3))
    s = P.mc_dropout_spread(net, torch.randn(5, 4), passes=3)
    assert s["std"] == pytest.approx([0.0] * 5, abs=1e-7)
    assert (s["entropy"] > 0).all() and net.training


def test_float32_mask_differs_and_float64_mask_matches():
    equal, agree = P.float32_mask_vs_torch(size=1000, p=0.5, seed=0)
    assert not equal and 0.3 < agree < 0.7
    ref = torch.empty(1000).bernoulli_(0.5, generator=torch.Generator().manual_seed(0))
    u = torch.rand(1000, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    assert torch.equal((u < 0.5).float(), ref)  # the float64 draw trainlab relies on


def test_check_variance_shift():
    assert P.check_variance_shift(3.0, verbose=False)
    assert not P.check_variance_shift(2.0, verbose=False)
    assert not P.check_variance_shift("three", verbose=False)


def test_plots_draw():
    assert len(P.plot_feature_map_masks(channels=2, size=4).axes) == 4
    s = {"entropy": torch.rand(10).numpy(), "std": torch.rand(10).numpy()}
    assert len(P.plot_mc_spread(s, s).axes) == 1


BAD = [
    (lambda: P.feature_map_masks(channels=0), ValueError, "feature_map_masks: expected channels >= 1"),
    (lambda: P.plot_feature_map_masks(p=1.0), ValueError, "plot_feature_map_masks: expected p"),
    (lambda: P.conv_dropout_comparison("data"), TypeError, "conv_dropout_comparison: expected data"),
    (
        lambda: P.variance_shift_formula(0.5, 1.0, 1.0),
        ValueError,
        "variance_shift_formula: expected second_moment > mean**2",
    ),
    (
        lambda: P.measured_variance_shift(torch.ones(3)),
        ValueError,
        "measured_variance_shift: expected x of shape (N, D)",
    ),
    (
        lambda: P.bn_dropout_net(4, where="middle"),
        ValueError,
        "bn_dropout_net: expected where to be 'before' or 'after'",
    ),
    (lambda: P.bn_dropout_comparison([1]), TypeError, "bn_dropout_comparison: expected data"),
    (lambda: P.rotate_digits(torch.ones(2, 10)), ValueError, "rotate_digits: expected x of shape (N, 64)"),
    (lambda: P.mc_dropout_spread("net", torch.ones(2, 2)), TypeError, "mc_dropout_spread: expected model"),
    (lambda: P.plot_mc_spread([], {}), TypeError, "plot_mc_spread: expected inside"),
    (lambda: P.float32_mask_vs_torch(size=0), ValueError, "float32_mask_vs_torch: expected size >= 1"),
    (lambda: P.check_variance_shift(3.0, verbose=1), TypeError, "check_variance_shift: expected verbose"),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
