"""trainlab.parts.dropout.basics: apply_mask is inverted dropout (checked against torch's dropout
with the same seed), accuracy_curves records what evaluate measures, the figure draws every curve."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import pytest
import torch

from conftest import bad_input_test
from trainlab.data import Split, load_digits
from trainlab.models import mlp
from trainlab.parts.dropout.basics import accuracy_curves, apply_mask, plot_accuracy_curves
from trainlab.training import evaluate


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_apply_mask_with_torchs_mask_is_torchs_dropout(p):
    h = torch.rand(50, 40, generator=torch.Generator().manual_seed(3)) + 0.1  # no zeros in h
    torch.manual_seed(0)
    ref = torch.nn.functional.dropout(h, p=p)
    r = (ref != 0).float()
    assert torch.allclose(apply_mask(h, r, p), ref)
    assert torch.equal(apply_mask(h, torch.ones_like(h), 0.0), h)


def test_apply_mask_keeps_the_expectation():
    h = torch.linspace(0.5, 2.0, 8, dtype=torch.float64)
    r = (torch.rand(20000, 8, generator=torch.Generator().manual_seed(0), dtype=torch.float64) >= 0.3).double()
    mean = apply_mask(h.expand(20000, 8), r, 0.3).mean(dim=0)
    assert torch.allclose(mean, h, rtol=0.03)


def test_accuracy_curves_records_what_evaluate_measures():
    d = load_digits()
    data = Split(d.x_train[:200], d.y_train[:200], d.x_test[:100], d.y_test[:100])
    torch.manual_seed(0)
    net = mlp([64, 16, 10], activation="relu", dropout=0.5)
    curves = accuracy_curves(net, data, epochs=2, lr=0.1, batch_size=32)
    assert len(curves["train"]) == len(curves["test"]) == 2
    assert curves["train"][-1] == evaluate(net, data.x_train, data.y_train)[1]
    assert curves["test"][-1] == evaluate(net, data.x_test, data.y_test)[1]
    assert net.training  # the mode is restored


def test_plot_accuracy_curves_draws_two_lines_per_run():
    runs = {"without dropout": {"train": [0.5, 0.9], "test": [0.4, 0.8]}, "x": {"train": [0.1], "test": [0.2]}}
    fig = plot_accuracy_curves(runs)
    assert len(fig.axes[0].lines) == 4
    plt.close(fig)


BAD = [
    (lambda: apply_mask([1.0], torch.ones(1), 0.5), TypeError, "apply_mask: expected h to be a torch.Tensor"),
    (lambda: apply_mask(torch.ones(2), torch.ones(3), 0.5), ValueError, "apply_mask: expected h of the same shape"),
    (lambda: apply_mask(torch.ones(2), torch.ones(2), 1.0), ValueError, "apply_mask: expected p to be a probability"),
    (lambda: apply_mask(torch.ones(2), torch.full((2,), 0.5), 0.5), ValueError, "apply_mask: expected a mask r"),
    (lambda: accuracy_curves("net", load_digits(), 1), TypeError, "accuracy_curves: expected model to be"),
    (lambda: accuracy_curves(mlp([64, 10]), load_digits(), 0), ValueError, "accuracy_curves: expected epochs >= 1"),
    (lambda: plot_accuracy_curves({}), ValueError, "plot_accuracy_curves: expected at least one run"),
    (lambda: plot_accuracy_curves({"a": [0.5]}), ValueError, "plot_accuracy_curves: expected {'train'"),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
