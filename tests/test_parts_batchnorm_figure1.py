"""trainlab.parts.batchnorm.figure1: Ioffe & Szegedy's Figure 1 experiment and its stored full run,
which the lesson bn-mnist-figure1 prints exactly as the file gives it."""

import json

import pytest
import torch

import trainlab
from conftest import LANGS, ROOT, bad_input_test
from trainlab.data import load_mnist
from trainlab.parts.batchnorm import figure1 as F
from trainlab.training import StepHistory


@pytest.fixture(scope="module")
def full():
    return F.load_results()


def small_results():
    run = {
        "steps": [1, 2],
        "test_acc": [0.5, 0.6],
        "percentiles": [[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0]],
        "train_acc": 0.7,
        "test_acc_lr_high": 0.6,
        "train_acc_lr_high": 0.7,
    }
    settings = {"steps": 2, "train_size": 8, "batch_size": 4, "lr": 0.1, "lr_high": 0.5, "percentiles": [15, 50, 85]}
    return {"settings": settings, "runs": {"without BN": dict(run), "with BN": dict(run)}}


def test_stored_full_run_has_the_schema_and_the_papers_settings(full):
    s = full["settings"]
    assert s["steps"] == F.FULL_STEPS == 50_000 and s["batch_size"] == 60 and s["checkpoints"] == 30
    assert s["sizes"] == [784, 100, 100, 100, 10] and s["train_size"] == 8000 and s["test_size"] == 2000
    for run in full["runs"].values():
        assert run["steps"] == [F.FULL_STEPS // 30 * (i + 1) for i in range(30)]
        assert all(lo <= mid <= hi for lo, mid, hi in run["percentiles"])
    assert set(full["run"]) >= {"command", "seconds", "torch", "python"} and full["run"]["seconds"] > 0
    assert "--full" in full["run"]["command"]


@pytest.mark.parametrize("lang", LANGS)
def test_the_lesson_prints_exactly_what_the_stored_file_gives(lang, full):
    cells = json.loads((ROOT / "notebooks" / lang / "bn-mnist-figure1.ipynb").read_text(encoding="utf-8"))["cells"]
    (cell,) = [c for c in cells if c["cell_type"] == "code" and "load_results()" in "".join(c["source"])]
    printed = "".join("".join(o["text"]) for o in cell["outputs"] if o.get("name") == "stdout")
    trainlab.set_language(lang)
    assert printed == F.summary(full) + "\n"
    assert any("image/png" in o.get("data", {}) for o in cell["outputs"]), "the full run's figure is drawn"


def test_epochs_of_each_run():
    assert F.epochs(F.DEFAULT_STEPS, 8000) == 45
    assert F.epochs(F.FULL_STEPS, 8000) == 375
    assert F.epochs(F.FULL_STEPS, F.PAPER_TRAIN_SIZE) == 50


def test_train_mode_percentiles_use_batch_statistics_and_leave_running_ones_alone():
    net = F.paper_net("batch")
    bn = net[1]
    before = bn.running_mean.clone(), bn.running_var.clone(), int(bn.num_batches_tracked)
    x = torch.rand(120, 784)
    lo, mid, hi = F.train_mode_percentiles(net, x, net[2], unit=0, q=(0, 50, 100), batch_size=60)
    assert torch.equal(bn.running_mean, before[0]) and torch.equal(bn.running_var, before[1])
    assert int(bn.num_batches_tracked) == before[2] and net.training
    # the sigmoid's input is BN's output: normalized per mini-batch (gamma = 1, beta = 0 at init)
    seen = torch.cat([net[1].train()(net[0](c)) for c in x.split(60)])[:, 0]
    assert lo == pytest.approx(seen.min().item(), abs=1e-5) and hi == pytest.approx(seen.max().item(), abs=1e-5)


def test_results_round_trip_and_summary_translates(tmp_path):
    r = small_results()
    path = F.save_results(r, tmp_path / "r.json")
    assert F.load_results(path) == r
    hist = F.as_histories(r)
    assert isinstance(hist["with BN"], StepHistory) and hist["with BN"].probes[1] == [-2.0, 0.0, 2.0]
    trainlab.set_language("cs")
    text = F.summary(r, compare_step=2)
    assert "bez BN" in text and "0,500" in text


def test_run_figure1_on_a_few_steps():
    data = load_mnist()
    r = F.run_figure1(data, 30)
    F.check_results(r)
    assert r["runs"]["with BN"]["steps"] == list(range(1, 31))


def _without(key):
    r = small_results()
    del r["runs"]["with BN"][key]
    return r


BAD = [
    (lambda: F.paper_net("layer"), ValueError, 'paper_net: expected norm to be None or "batch"'),
    (
        lambda: F.train_mode_percentiles("net", torch.ones(4, 2), torch.nn.Sigmoid()),
        TypeError,
        "train_mode_percentiles: expected model to be a torch.nn.Module",
    ),
    (
        lambda: F.train_mode_percentiles(F.paper_net(), torch.ones(4, 784), torch.nn.Sigmoid()),
        ValueError,
        "train_mode_percentiles: expected layer to be a submodule of model",
    ),
    (
        lambda: F.train_mode_percentiles(F.paper_net(), torch.ones(4, 784), F.paper_net()[1], batch_size=1),
        ValueError,
        "train_mode_percentiles: expected batch_size >= 2",
    ),
    (lambda: F.epochs(0, 10), ValueError, "epochs: expected steps >= 1 (got 0)"),
    (lambda: F.run_figure1({"x": 1}), TypeError, "run_figure1: expected data to be a trainlab.data.Split"),
    (lambda: F.check_results([]), TypeError, "check_results: expected results to be a dict"),
    (
        lambda: F.check_results(_without("train_acc")),
        ValueError,
        "check_results: expected run 'with BN' to have train_acc",
    ),
    (lambda: F.save_results(small_results(), 3), TypeError, "save_results: expected path to be a file path"),
    (lambda: F.load_results(3), TypeError, "load_results: expected path to be None or a file path"),
    (lambda: F.as_histories({"settings": {}}), ValueError, "check_results: expected results['runs'] to be a dict"),
    (lambda: F.as_histories([]), TypeError, "as_histories: expected results to be a dict"),
    (lambda: F.summary(small_results(), compare_step=0), ValueError, "summary: expected compare_step >= 1 (got 0)"),
]
test_bad_input_names_the_problem = bad_input_test(BAD)
