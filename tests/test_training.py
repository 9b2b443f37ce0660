"""trainlab.training: the training loops, evaluation and reading a sweep."""

import pytest
import torch

from conftest import bad_input_test
from trainlab.data import load_digits
from trainlab.models import mlp
from trainlab.training import evaluate, settings_that_train, train, train_steps


def test_training_reduces_the_loss_and_is_reproducible():
    data = load_digits()
    runs = []
    for _ in range(2):
        torch.manual_seed(0)
        runs.append(train(mlp([64, 32, 10], norm="batch"), data, epochs=3, lr=0.1))
    assert runs[0].train_loss == runs[1].train_loss
    assert runs[0].train_loss[-1] < runs[0].train_loss[0] < 2.5
    assert runs[0].test_acc[-1] > 0.8


def test_evaluate_restores_the_training_mode():
    net = mlp([64, 10])
    data = load_digits()
    evaluate(net, data.x_test, data.y_test)
    assert net.training


@pytest.mark.parametrize("kwargs", [dict(epochs=0), dict(batch_size=1), dict(lr=0.0)])
def test_train_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="train: expected"):
        train(mlp([64, 10]), load_digits(), **kwargs)


def test_progress_bar_obeys_the_environment(monkeypatch):
    from trainlab.training import progress_enabled

    monkeypatch.setenv("TRAINLAB_PROGRESS", "0")
    assert not progress_enabled()
    monkeypatch.setenv("TRAINLAB_PROGRESS", "1")
    assert progress_enabled()


def test_train_steps_records_the_mean_training_loss_of_each_interval_without_changing_the_run():
    data = load_digits()
    torch.manual_seed(0)
    net = mlp([64, 16, 10], norm="batch")
    h = train_steps(net, data, steps=30, lr=0.1, eval_every=10)
    # the same run, recomputing the interval means by hand from the same batches
    torch.manual_seed(0)
    net2 = mlp([64, 16, 10], norm="batch")
    gen, opt, losses = torch.Generator().manual_seed(0), torch.optim.SGD(net2.parameters(), lr=0.1), []
    for _ in range(30):
        idx = torch.randint(0, len(data.x_train), (60,), generator=gen)
        loss = torch.nn.functional.cross_entropy(net2(data.x_train[idx]), data.y_train[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    assert len(h.train_loss) == 3
    assert h.train_loss == pytest.approx([sum(losses[i : i + 10]) / 10 for i in (0, 10, 20)], rel=1e-12)
    assert all(torch.equal(a, b) for a, b in zip(net.state_dict().values(), net2.state_dict().values()))


def test_train_steps_measures_every_eval_every_steps_and_calls_the_probe():
    data = load_digits()
    torch.manual_seed(0)
    net = mlp([64, 16, 10], norm="batch")
    calls = []
    h = train_steps(net, data, steps=50, lr=0.1, eval_every=10, probe=lambda m: calls.append(m.training) or len(calls))
    assert h.steps == [10, 20, 30, 40, 50] and len(h.test_acc) == 5
    assert h.probes == [1, 2, 3, 4, 5] and calls == [False] * 5  # probed in evaluation mode
    assert net.training
    with pytest.raises(ValueError, match="train_steps: expected eval_every >= 1"):
        train_steps(net, data, steps=5, eval_every=0)


def test_settings_that_train_reads_the_claim_off_the_sweep():
    assert settings_that_train([0.1, 1.0, 10.0], [0.95, 0.89, 0.91]) == [0.1, 10.0]
    assert settings_that_train([0.1, 1.0], [0.5, 0.6]) == []
    assert settings_that_train([0.1, 1.0], [0.5, 0.6], threshold=0.55) == [1.0]
    with pytest.raises(ValueError, match="settings_that_train: expected one accuracy per value"):
        settings_that_train([0.1, 1.0], [0.5])
    with pytest.raises(ValueError, match="settings_that_train: expected threshold in"):
        settings_that_train([0.1], [0.5], threshold=90)


def test_train_steps_refuses_to_measure_nothing():
    with pytest.raises(
        ValueError, match=r"train_steps: expected eval_every <= steps, 5, so that at least one measurement"
    ):
        train_steps(mlp([64, 10]), _digits(), steps=5, eval_every=10)
    assert train_steps(mlp([64, 10]), _digits(), steps=5, eval_every=5).steps == [5]


def test_settings_that_train_refuses_percentages():
    with pytest.raises(
        ValueError,
        match=r"settings_that_train: expected accuracies\[0\] in \[0, 1\], a fraction "
        r"\(for percentages, divide by 100\) \(got 95.0\)",
    ):
        settings_that_train([0.1, 1.0], [95.0, 89.0])
    assert settings_that_train([0.1, 1.0], [0.0, 1.0], threshold=1) == [1.0]


def test_train_names_a_feature_mismatch_and_a_wrong_data_type():
    with pytest.raises(ValueError, match="train: expected data with 784 features per example.*got 64 features"):
        train(mlp([784, 10]), _digits(), epochs=1)
    d = _digits()
    with pytest.raises(
        TypeError, match=r"train: expected data to be a trainlab.data.Split .*Split\(x_train, y_train, x_test, y_test\)"
    ):
        train(mlp([64, 10]), (d.x_train, d.y_train), epochs=1)


_cache = {}


def _digits():
    if "d" not in _cache:
        _cache["d"] = load_digits()
    return _cache["d"]


def _x():
    return _digits().x_test


def _y():
    return _digits().y_test


def _net():
    return mlp([64, 10])


BAD = [
    (
        lambda: train(mlp([784, 10]), _digits()),
        ValueError,
        "train: expected data with 784 features per example, as the model's first layer Linear(in_features=784",
    ),
    (lambda: train(_net(), (_x(), _y())), TypeError, "train: expected data to be a trainlab.data.Split (got tuple"),
    (lambda: train("mlp", _digits()), TypeError, "train: expected model to be a torch.nn.Module (got str 'mlp')"),
    (lambda: train(_net(), _digits(), epochs=1.5), TypeError, "train: expected epochs to be an int (got float 1.5)"),
    (lambda: train(_net(), _digits(), epochs=0), ValueError, "train: expected epochs >= 1 (got 0)"),
    (lambda: train(_net(), _digits(), batch_size=1), ValueError, "train: expected batch_size >= 2 (got 1)"),
    (lambda: train(_net(), _digits(), lr="0.1"), TypeError, "train: expected lr to be a number (got str '0.1')"),
    (lambda: train(_net(), _digits(), lr=0.0), ValueError, "train: expected lr to be a finite number > 0 (got 0.0)"),
    (lambda: train(_net(), _digits(), seed="0"), TypeError, "train: expected seed to be an int"),
    (
        lambda: evaluate(_net(), _x().numpy(), _y().numpy()),
        TypeError,
        "evaluate: expected x to be a torch.Tensor (got ndarray)",
    ),
    (
        lambda: evaluate(_net(), _x(), _y().numpy()),
        TypeError,
        "evaluate: expected y to be a torch.Tensor of int64 class labels (got ndarray); convert it with torch.from_numpy(y).long()",
    ),
    (
        lambda: evaluate(_net(), _x(), _y().int()),
        TypeError,
        "evaluate: expected y of dtype torch.int64, class labels (got torch.int32); convert it with y.long()",
    ),
    (
        lambda: evaluate(_net(), _x(), _y()[:5]),
        ValueError,
        "evaluate: expected one label in y per example of x, 360 (got 5)",
    ),
    (lambda: evaluate(mlp([784, 10]), _x(), _y()), ValueError, "evaluate: expected x with 784 features per example"),
    (lambda: evaluate(None, _x(), _y()), TypeError, "evaluate: expected model to be a torch.nn.Module (got None)"),
    (
        lambda: train_steps(_net(), _digits(), steps=5, eval_every=10),
        ValueError,
        "train_steps: expected eval_every <= steps, 5",
    ),
    (lambda: train_steps(_net(), _digits(), steps=0), ValueError, "train_steps: expected steps >= 1 (got 0)"),
    (
        lambda: train_steps(_net(), _digits(), steps=5, eval_every=5, probe="loss"),
        TypeError,
        "train_steps: expected probe to be None or a function of the model (got str 'loss')",
    ),
    (
        lambda: train_steps(_net(), (_x(), _y()), steps=5),
        TypeError,
        "train_steps: expected data to be a trainlab.data.Split",
    ),
    (lambda: settings_that_train([0.1, 1.0], [95.0, 89.0]), ValueError, "for percentages, divide by 100"),
    (
        lambda: settings_that_train([0.1], [0.5], threshold=90),
        ValueError,
        "settings_that_train: expected threshold in [0, 1], a fraction (for percentages, divide by 100) (got 90.0)",
    ),
    (
        lambda: settings_that_train([0.1], ["0.5"]),
        TypeError,
        "settings_that_train: expected accuracies[0] to be a number",
    ),
    (
        lambda: settings_that_train(0.1, [0.5]),
        TypeError,
        "settings_that_train: expected values to be a list of numbers (got float 0.1)",
    ),
    (
        lambda: settings_that_train([0.1, 1.0], [0.5]),
        ValueError,
        "settings_that_train: expected one accuracy per value",
    ),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
