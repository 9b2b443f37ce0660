"""trainlab.parts.dropout.why: the quadratic dropout penalty agrees with a Monte-Carlo estimate of
what input dropout adds to the logistic loss, the fits and the MC averaging behave as derived, and
the checkers accept right answers and reject the usual slips."""

import math

import torch
from torch import nn

from conftest import bad_input_test
from trainlab.i18n import set_language
from trainlab.parts.dropout.why import (
    adaptive_vs_l2,
    check_dropout_penalty,
    check_thinned_count,
    dropout_penalty,
    feature_data,
    fit_logistic,
    hidden_activations,
    mc_vs_weight_scaling,
    plot_mc,
    plot_sparsity,
    print_adaptive,
    print_mc,
    print_sparsity,
    sparsity_stats,
    train_mnist_mlp,
)


def test_penalty_matches_monte_carlo_expectation_for_small_weights():
    # E_r[A(x̃w)] − A(xw) ≈ R^q(w) when the second-order expansion is accurate (small w)
    g = torch.Generator().manual_seed(0)
    x = torch.randn(50, 5, generator=g, dtype=torch.float64)
    w = 0.1 * torch.randn(5, generator=g, dtype=torch.float64)
    p = 0.3
    r = (torch.rand(200_000, *x.shape[1:], generator=g, dtype=torch.float64) >= p).double()
    softplus = nn.functional.softplus
    mc = sum(float(softplus((x[i] * r / (1 - p)) @ w).mean() - softplus(x[i] @ w)) for i in range(len(x)))
    assert math.isclose(mc, float(dropout_penalty(x, w, p)), rel_tol=0.05)


def test_penalty_is_the_explicit_double_sum():
    g = torch.Generator().manual_seed(3)
    x = torch.randn(7, 3, generator=g, dtype=torch.float64)
    w = torch.randn(3, generator=g, dtype=torch.float64)
    total = 0.0
    for i in range(7):
        pi = 1 / (1 + math.exp(-float(x[i] @ w) - 0.2))
        total += pi * (1 - pi) * sum(float(x[i, j]) ** 2 * float(w[j]) ** 2 for j in range(3))
    assert math.isclose(float(dropout_penalty(x, w, 0.25, 0.2)), 0.5 * 0.25 / 0.75 * total, rel_tol=1e-12)


def test_dropout_fit_is_close_to_adaptive_and_far_from_plain_l2():
    res = adaptive_vs_l2(n=1000)
    d_adaptive = float((res["dropout"] - res["adaptive"]).abs().max())
    d_plain = float((res["dropout"] - res["l2"]).abs().max())
    assert d_adaptive < d_plain
    assert float(res["coef"][res["rare"]].mean()) < float(res["coef"][res["common"]].mean())


def test_fit_without_penalty_is_the_maximum_likelihood():
    x, y, _, _ = feature_data(500, seed=1)
    w, b = fit_logistic(x, y, "none")
    wb = torch.cat([w, torch.tensor([b], dtype=torch.float64)]).requires_grad_(True)
    loss = nn.functional.binary_cross_entropy_with_logits(x @ wb[:-1] + wb[-1], y, reduction="sum")
    (grad,) = torch.autograd.grad(loss, wb)
    assert float(grad.abs().max()) < 1e-5


def test_mc_with_dropout_off_equals_weight_scaling():
    # a net without dropout: every thinned network is the net itself
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.0), nn.Linear(8, 3))
    x, y = torch.randn(40, 4), torch.randint(0, 3, (40,))
    r = mc_vs_weight_scaling(net, x, y, ks=(1, 3), repeats=2)
    assert r["mc_mean"] == [r["weight_scaling"]] * 2 and r["mc_std"] == [0.0, 0.0]


def test_mc_one_hidden_layer_tends_to_the_geometric_mean():
    # one hidden layer + softmax: averaged logits over masks = logits of the eval net (Hinton et al. 2012)
    torch.manual_seed(0)
    net = nn.Sequential(nn.Linear(3, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 2))
    x = torch.randn(5, 3)
    net.train()
    with torch.no_grad():
        mean_logits = torch.stack([net(x) for _ in range(20000)]).mean(0)
    net.eval()
    assert torch.allclose(mean_logits, net(x).detach(), atol=0.05)


def test_sparsity_stats_and_hidden_activations_against_direct_computation():
    h = torch.tensor([[0.0, 0.5, 2.0], [0.0005, 3.0, 0.0]])
    s = sparsity_stats(h)
    assert math.isclose(s["near_zero"], 3 / 6) and math.isclose(s["mean"], 5.5005 / 6, rel_tol=1e-6)
    assert math.isclose(s["above_one"], 1.0)
    net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Dropout(0.5), nn.Linear(4, 4), nn.ReLU())
    x = torch.randn(6, 3)
    assert torch.equal(hidden_activations(net, x, 2), torch.relu(net[3](torch.relu(net[0](x)))).detach())


def test_printers_and_plots_run(capsys):
    set_language("en")
    net, data = train_mnist_mlp(0.5, config={"hidden": 8, "steps": 3})
    r = mc_vs_weight_scaling(net, data.x_test[:50], data.y_test[:50], ks=(1, 2), repeats=1)
    print_mc(r)
    acts = {"a": hidden_activations(net, data.x_test[:20])}
    print_sparsity(acts)
    print_adaptive(adaptive_vs_l2(n=200))
    out = capsys.readouterr().out
    assert "weight scaling" in out and "near-zero" in out and "plain L2" in out
    plot_mc(r)
    plot_sparsity(acts)


def test_penalty_checker(capsys):
    set_language("en")
    assert check_dropout_penalty(lambda x, w, p: dropout_penalty(x, w, p))
    assert "✓" in capsys.readouterr().out
    half = check_dropout_penalty(lambda x, w, p: 2 * dropout_penalty(x, w, p), verbose=False)
    assert not half and "1/2" in str(half)
    keep = check_dropout_penalty(lambda x, w, p: dropout_penalty(x, w, 1 - p), verbose=False)
    assert not keep and "keep probability" in str(keep)
    crash = check_dropout_penalty(lambda x, w, p: 1 / 0, verbose=False)
    assert not crash and "ZeroDivisionError" in str(crash)


def test_thinned_count_checker():
    set_language("en")
    assert check_thinned_count(512, verbose=False)
    assert not check_thinned_count(784 + 512, verbose=False)
    assert not check_thinned_count("512", verbose=False)
    # the count itself: one network per subset of the dropped-out hidden units
    net = nn.Sequential(
        nn.Linear(784, 256), nn.ReLU(), nn.Dropout(0.5), nn.Linear(256, 256), nn.ReLU(), nn.Dropout(0.5)
    )
    assert sum(m.out_features for m in net if isinstance(m, nn.Linear)) == 512


x2 = torch.zeros(3, 2)
BAD = [
    (lambda: dropout_penalty(x2, torch.zeros(3), 0.5), ValueError, "dropout_penalty: expected w with one weight"),
    (lambda: dropout_penalty(x2, torch.zeros(2), 1.0), ValueError, "dropout_penalty: expected p"),
    (lambda: dropout_penalty(x2, torch.zeros(2), 0.5, "b"), TypeError, "dropout_penalty: expected b"),
    (lambda: feature_data(5), ValueError, "feature_data: expected n >= 10"),
    (lambda: fit_logistic(x2, torch.zeros(3), "ridge"), ValueError, "fit_logistic: expected penalty"),
    (lambda: fit_logistic(x2, torch.zeros(2), "none"), ValueError, "fit_logistic: expected one label"),
    (lambda: adaptive_vs_l2(p=1.0), ValueError, "adaptive_vs_l2: expected p"),
    (lambda: train_mnist_mlp(0.5, config={"width": 3}), ValueError, "train_mnist_mlp: expected config keys"),
    (lambda: train_mnist_mlp(1.0), ValueError, "train_mnist_mlp: expected p"),
    (
        lambda: mc_vs_weight_scaling(nn.Linear(2, 2), x2, torch.zeros(3, dtype=torch.long), ks=(2, 1)),
        ValueError,
        "mc_vs_weight_scaling: expected ks increasing",
    ),
    (lambda: mc_vs_weight_scaling("net", x2, torch.zeros(3)), TypeError, "mc_vs_weight_scaling: expected model"),
    (lambda: plot_mc([1]), TypeError, "plot_mc: expected result"),
    (lambda: print_mc([1]), TypeError, "print_mc: expected result"),
    (lambda: print_adaptive([1]), TypeError, "print_adaptive: expected result"),
    (lambda: hidden_activations(nn.Linear(2, 2), x2), TypeError, "hidden_activations: expected model"),
    (lambda: sparsity_stats(torch.zeros(3)), ValueError, "sparsity_stats: expected 2D h"),
    (lambda: plot_sparsity([1]), TypeError, "plot_sparsity: expected acts"),
    (lambda: print_sparsity([1]), TypeError, "print_sparsity: expected acts"),
    (lambda: check_dropout_penalty(3), TypeError, "check_dropout_penalty: expected func"),
    (lambda: check_thinned_count(512, verbose="yes"), TypeError, "check_thinned_count: expected verbose"),
]
test_bad_input_names_the_problem = bad_input_test(BAD)


def test_mc_equals_a_plain_loop_over_thinned_networks():
    torch.manual_seed(1)
    net = nn.Sequential(
        nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 3)
    )
    x, y = torch.randn(30, 4), torch.randint(0, 3, (30,))
    r = mc_vs_weight_scaling(net, x, y, ks=(1, 4), repeats=1, seed=5)
    net.train()
    torch.manual_seed(5)
    with torch.no_grad():
        net(x[:1])  # the function draws one pass on one row first (to size the output)
        probs = [torch.softmax(net(x), 1) for _ in range(4)]
    for k, err in zip((1, 4), r["mc_mean"]):
        assert err == float((sum(probs[:k]).argmax(1) != y).float().mean())
