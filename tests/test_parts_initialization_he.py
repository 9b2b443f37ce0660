"""trainlab.parts.initialization.he: the rectifier's second moment, He's std against torch,
the plain deep MLP's initialization, the training curve, the myth check and the exercise checker."""

import math

import pytest
import torch

import trainlab
from conftest import bad_input_test
from trainlab.data import load_digits
from trainlab.parts.initialization import he as H


@pytest.mark.parametrize("a", [0.0, 0.2, 0.5])
def test_second_moment_ratio_is_one_plus_a_squared_over_two(a):
    r = H.rectifier_second_moment(a, samples=400_000, std=2.0, seed=1)
    assert r["ratio"] == pytest.approx((1 + a * a) / 2, rel=0.01)
    # the output is not zero-mean: E[x] = (1 - a) std / sqrt(2 pi)
    assert r["mean"] == pytest.approx((1 - a) * 2.0 / math.sqrt(2 * math.pi), rel=0.01)


@pytest.mark.parametrize(("fan_in", "fan_out", "a", "mode"), [(512, 256, 0.2, "fan_out"), (64, 100, 0.0, "fan_in")])
def test_he_std_is_the_std_torch_draws_with(fan_in, fan_out, a, mode):
    w = torch.empty(fan_out, fan_in)
    torch.nn.init.kaiming_normal_(
        w, a=a, mode=mode, nonlinearity="leaky_relu", generator=torch.Generator().manual_seed(0)
    )
    want = H.he_std(fan_in if mode == "fan_in" else fan_out, a)
    assert float(w.std()) == pytest.approx(want, rel=0.02)
    gain = torch.nn.init.calculate_gain("leaky_relu", a)
    assert want == pytest.approx(gain / math.sqrt(fan_in if mode == "fan_in" else fan_out), rel=1e-12)


def test_plain_mlp_uses_xavier_gain_one_and_he_fan_in():
    gen = torch.Generator().manual_seed(0)
    x = H.plain_mlp(4, width=300, init="xavier", in_features=300, generator=gen)
    h = H.plain_mlp(4, width=300, init="he", in_features=300, generator=gen)
    linears = [m for m in x if isinstance(m, torch.nn.Linear)]
    assert len(linears) == 4 and all(float(m.bias.detach().abs().max()) == 0 for m in linears)
    assert float(linears[1].weight.detach().std()) == pytest.approx(math.sqrt(2 / 600), rel=0.02)
    assert float(h[2].weight.detach().std()) == pytest.approx(math.sqrt(2 / 300), rel=0.02)
    assert isinstance(H.plain_mlp(3, activation="tanh")[1], torch.nn.Tanh)


def test_relu_xavier_halves_the_second_moment_per_layer_and_he_keeps_it():
    gen = torch.Generator().manual_seed(0)
    x = torch.randn(2000, 256, generator=gen)
    y = torch.randint(0, 10, (2000,), generator=gen)
    for init, want in (("xavier", math.sqrt(0.5)), ("he", 1.0)):
        stds = H.layer_stats(H.plain_mlp(12, 256, init, in_features=256, generator=gen), x, y)["std"]
        assert H.per_layer_factor(stds) == pytest.approx(want, rel=0.05)


def test_layer_stats_gradients_match_autograd():
    net = H.plain_mlp(3, 8, "he", in_features=5, classes=3, generator=torch.Generator().manual_seed(2))
    x, y = torch.randn(7, 5), torch.tensor([0, 1, 2, 0, 1, 2, 0])
    st = H.layer_stats(net, x, y)
    torch.nn.functional.cross_entropy(net(x), y).backward()
    assert st["grad"][0] == pytest.approx(float(net[0].weight.grad.norm()), rel=1e-6)
    assert len(st["std"]) == 2 and len(st["grad"]) == 3


def test_short_training_is_reproducible_and_he_learns_where_xavier_stalls():
    d = load_digits(standardize=True)
    cfg = {**H.DEFAULT, "steps": 60, "eval_every": 30}
    a = H.train_curve(30, "he", d.x_train, d.y_train, 0, cfg)
    assert a == H.train_curve(30, "he", d.x_train, d.y_train, 0, cfg)
    assert a["steps"] == [0, 30, 60] and a["error"][-1] < 0.85
    assert H.train_curve(30, "xavier", d.x_train, d.y_train, 0, cfg)["error"][-1] > 0.85


def test_steps_to_error_and_summary():
    curve = {"steps": [0, 20, 40], "error": [0.9, 0.5, 0.2], "loss": [2.3, 1.0, 0.5]}
    assert H.steps_to_error(curve, 0.5) == 20 and H.steps_to_error(curve, 0.1) is None
    results = {
        "settings": {**H.DEFAULT, "steps": 40, "train_size": 10},
        "curves": {30: {"he": [curve], "xavier": [curve]}},
    }
    trainlab.set_language("cs")
    text = H.summary(results)
    trainlab.set_language("en")
    assert "vrstev: 30" in text and "20" in text


def test_myth_check_covers_both_activations_inits_and_depths():
    gen = torch.Generator().manual_seed(0)
    x, y = torch.randn(64, 64, generator=gen), torch.randint(0, 10, (64,), generator=gen)
    r = H.myth_check(x, y, depths=(3, 6), train=())
    assert set(r["init"]) == {(a, i, d) for a in ("relu", "tanh") for i in ("xavier", "he") for d in (3, 6)}
    assert r["init"][("relu", "xavier", 6)]["std_last"] < r["init"][("relu", "he", 6)]["std_last"]
    assert "relu" in H.myth_summary(r)


def test_checker_accepts_he_and_rejects_a_forgotten_slope(capsys):
    trainlab.set_language("vi")
    assert H.check_he_std(lambda fi, fo, a, mode: H.he_std(fi if mode == "fan_in" else fo, a))
    assert "✓" in capsys.readouterr().out
    assert not H.check_he_std(lambda fi, fo, a, mode: math.sqrt(2 / (fi if mode == "fan_in" else fo)))
    assert "✗" in capsys.readouterr().out
    trainlab.set_language("en")


BAD = [
    (lambda: H.rectifier_second_moment(-0.1), ValueError, "rectifier_second_moment: expected a"),
    (lambda: H.he_std(0), ValueError, "he_std: expected fan"),
    (lambda: H.plain_mlp(30, init="orthogonal"), ValueError, "plain_mlp: expected init to be one of"),
    (lambda: H.layer_stats("net", torch.ones(2, 2), torch.ones(2)), TypeError, "layer_stats: expected model"),
    (lambda: H.per_layer_factor([1.0]), ValueError, "per_layer_factor: expected at least two"),
    (
        lambda: H.train_curve(1, "he", torch.ones(2, 64), torch.zeros(2).long()),
        ValueError,
        "train_curve: expected depth",
    ),
    (lambda: H.run_experiment([1]), TypeError, "run_experiment: expected data to be a trainlab.data.Split"),
    (lambda: H.steps_to_error([0.5], 0.5), TypeError, "steps_to_error: expected curve"),
    (lambda: H.summary([]), TypeError, "summary: expected results"),
    (lambda: H.plot_curves({"x": 1}), ValueError, "plot_curves: expected results"),
    (
        lambda: H.myth_check(torch.ones(2, 64), torch.zeros(2).long(), depths=5),
        TypeError,
        "myth_check: expected depths",
    ),
    (lambda: H.myth_summary([]), TypeError, "myth_summary: expected result"),
    (lambda: H.check_he_std(3), TypeError, "check_he_std: expected fn to be a function"),
]
test_bad_input_names_the_problem = bad_input_test(BAD)
