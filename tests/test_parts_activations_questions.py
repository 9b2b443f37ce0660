"""trainlab.parts.activations.questions: sigmoid gradients, one-sign rows, the zig-zag toy, dead units."""

import numpy as np
import pytest
import torch
from torch import nn

import trainlab
from conftest import bad_input_test
from trainlab.data import load_digits
from trainlab.models import mlp
from trainlab.parts.activations.questions import (
    check_dead_fraction,
    dead_fraction,
    dead_relu_runs,
    one_sign_fraction,
    plot_dead_fractions,
    plot_sign_sharing,
    plot_zigzag,
    relu_derivatives_at_zero,
    sigmoid_unit_gradients,
    sign_sharing,
    zigzag,
)


@pytest.fixture(scope="module")
def digits():
    return load_digits()


def test_sigmoid_gradients_match_the_closed_form():
    for row in sigmoid_unit_gradients((-10.0, -1.0, 0.0, 3.0), x_in=2.0):
        s = 1 / (1 + np.exp(-row["z"]))
        assert row["sigmoid"] == pytest.approx(s, rel=1e-12)
        assert row["dsigmoid"] == pytest.approx(s * (1 - s), rel=1e-12)
        assert row["dw"] == pytest.approx(2.0 * s * (1 - s), rel=1e-12)


def test_one_sign_fraction_counts_rows_and_skips_zero_rows():
    g = torch.tensor([[1.0, 0.0, 2.0], [-1.0, 1.0, 0.0], [0.0, 0.0, 0.0], [-3.0, -1.0, 0.0]])
    assert one_sign_fraction(g) == pytest.approx(2 / 3)
    # one example, non-negative inputs: every row is one-signed (the outer product delta h^T)
    delta, h = torch.randn(5), torch.rand(7)
    assert one_sign_fraction(torch.outer(delta, h)) == 1.0


def test_sign_sharing_is_complete_for_one_example_after_a_positive_layer(digits):
    result = sign_sharing(digits, ("sigmoid", "tanh"), (1, 32), batches=3)
    assert result["sigmoid"][0] == 1.0
    assert result["tanh"][0] < 0.5
    assert plot_sign_sharing(result, (1, 32)).axes


def test_zigzag_positive_inputs_give_same_sign_updates():
    pos, cen = zigzag(False, 0.5, steps=50), zigzag(True, 0.5, steps=50)
    assert pos["same_sign"] == 1.0 and cen["same_sign"] < 1.0
    assert pos["path"].shape == (51, 2)
    x = np.random.default_rng(0).uniform(0.5, 1.5, size=(200, 2))
    assert np.allclose(pos["eigenvalues"], np.linalg.eigvalsh(x.T @ x / 200))
    assert zigzag(True, 2.0, steps=400)["steps_to_target"] is not None
    assert zigzag(False, 5.0, steps=400)["steps_to_target"] is None  # diverges, stops early
    assert plot_zigzag({"a": pos, "b": cen}).axes


def test_dead_fraction_against_an_independent_count():
    torch.manual_seed(0)
    net = mlp([4, 6, 5, 2])
    with torch.no_grad():
        net[0].bias[:2] = -50.0  # two dead units in the first layer
    x = torch.rand(30, 4)
    h1 = net[0](x)
    h2 = net[2](torch.relu(h1))
    dead = [int((h1 <= 0).all(0).sum()), int((h2 <= 0).all(0).sum())]
    assert dead[0] >= 2
    assert dead_fraction(net, x) == pytest.approx(sum(dead) / 11)
    assert dead_fraction(net, x, per_layer=True) == pytest.approx([dead[0] / 6, dead[1] / 5])


def test_dead_relu_runs_first_layer_relu_units_never_revive(digits):
    runs = dead_relu_runs(digits, lrs=(1.0,), seeds=(0,), steps=50, every=10, sizes=(16, 16))
    assert set(runs) == {("ReLU", 1.0), ("ReLU, bias 0.01", 1.0), ("leaky ReLU", 1.0)}
    run = runs[("ReLU", 1.0)][0]
    assert run["steps"] == [10, 20, 30, 40, 50] and len(run["dead"]) == 5
    assert run["revived"][0] == 0  # a dead first-layer ReLU unit gets no gradient: its weights never move
    assert all(0.0 <= d <= 1.0 for d in run["dead"])
    assert plot_dead_fractions(runs).axes


def test_relu_derivative_at_zero_is_zero_in_torch_and_trainlab():
    rows = dict(relu_derivatives_at_zero())
    for name in ("torch.relu", "F.relu", "nn.ReLU()", "trainlab.functional.relu", "trainlab.nn.ReLU()", "torch.abs"):
        assert rows[name] == 0.0
    assert rows["F.leaky_relu"] == pytest.approx(0.01)


def test_checker_accepts_the_right_answer_and_hints_at_the_zero_output_rate(capsys):
    right = check_dead_fraction(lambda m, x: dead_fraction(m, x))
    assert right == True  # noqa: E712 - the result compares equal to a bool

    def zero_rate(model, x):  # the usual slip: how often units output 0, not units always 0
        h, zeros, count = x, 0, 0
        for layer in model:
            if isinstance(layer, nn.ReLU):
                zeros, count = zeros + int((h <= 0).sum()), count + h.numel()
            h = layer(h)
        return zeros / count

    assert not check_dead_fraction(zero_rate)
    out = capsys.readouterr().out
    assert "✓" in out and "Hint" in out
    assert not check_dead_fraction(lambda m, x: 1 / 0)
    trainlab.set_language("vi")
    check_dead_fraction(lambda m, x: dead_fraction(m, x))
    assert "nơ-ron" in capsys.readouterr().out
    trainlab.set_language("en")


BAD = [
    (lambda: sigmoid_unit_gradients(0.0), TypeError, "sigmoid_unit_gradients: expected points"),
    (lambda: sigmoid_unit_gradients((0.0,), x_in=0.0), ValueError, "sigmoid_unit_gradients: expected x_in"),
    (lambda: one_sign_fraction([[1.0]]), TypeError, "one_sign_fraction: expected grad"),
    (lambda: one_sign_fraction(torch.ones(3)), ValueError, "one_sign_fraction: expected grad of shape"),
    (lambda: sign_sharing("digits"), TypeError, "sign_sharing: expected data"),
    (lambda: plot_sign_sharing([], (1,)), TypeError, "plot_sign_sharing: expected result"),
    (lambda: zigzag(1, 0.1), TypeError, "zigzag: expected centred"),
    (lambda: zigzag(True, -0.1), ValueError, "zigzag: expected lr"),
    (lambda: plot_zigzag([]), TypeError, "plot_zigzag: expected runs"),
    (lambda: dead_fraction(nn.Linear(2, 2), torch.ones(3, 2)), TypeError, "dead_fraction: expected model"),
    (lambda: dead_fraction(mlp([2, 3, 2]), torch.ones(2)), ValueError, "dead_fraction: expected x of shape"),
    (lambda: dead_relu_runs(None), TypeError, "dead_relu_runs: expected data"),
    (lambda: plot_dead_fractions(None), TypeError, "plot_dead_fractions: expected runs"),
    (lambda: check_dead_fraction(0.3), TypeError, "check_dead_fraction: expected fn"),
]
test_bad_input_names_the_problem = bad_input_test(BAD)
