"""trainlab.parts.activations.krizhevsky: Krizhevsky et al.'s Figure 1 in small, its stored full
run (which the lesson act-krizhevsky prints exactly as the file gives it) and the exercise checker."""

import json

import numpy as np
import pytest
import torch

import trainlab
from conftest import LANGS, ROOT, bad_input_test
from trainlab.data import load_mnist
from trainlab.parts.activations import krizhevsky as K


@pytest.fixture(scope="module")
def full():
    return K.load_results()


def small_results():
    curve_r, curve_t = [0.9, 0.5, 0.2, 0.1], [0.9, 0.8, 0.3, 0.2]
    settings = {**K.DEFAULT, "epochs": 3, "seeds": 2, "lrs": [0.1], "train_size": 20, "image_shape": [1, 14, 14],
                "thresholds": [0.25, 0.05]}  # fmt: skip
    return {
        "settings": settings,
        "grid": {"relu": {"0.1": curve_r}, "tanh": {"0.1": curve_t}},
        "lr": {"relu": 0.1, "tanh": 0.1},
        "curves": {"relu": [curve_r, curve_r], "tanh": [curve_t, [0.9, 0.9, 0.9, 0.9]]},
    }


def independent_crossing(errors, threshold):
    """The first crossing by a different route: np.interp on the descending segment."""
    e = np.asarray(errors, dtype=float)
    below = np.flatnonzero(e <= threshold)
    if len(below) == 0:
        return None
    i = below[0]
    if i == 0:
        return 0.0
    return float(np.interp(threshold, [e[i], e[i - 1]], [i, i - 1]))


@pytest.mark.parametrize("seed", range(20))
def test_epochs_to_threshold_matches_an_independent_interpolation(seed):
    rng = np.random.default_rng(seed)
    errors = list(np.round(rng.uniform(0, 1, size=rng.integers(1, 8)), 3))
    threshold = float(rng.uniform(0.05, 0.6))
    want = independent_crossing(errors, threshold)
    got = K.epochs_to_threshold(errors, threshold)
    assert (got is None and want is None) or got == pytest.approx(want, abs=1e-12)


def test_the_cnn_has_four_weight_layers_and_the_chosen_activation():
    net = K.four_layer_cnn("tanh")
    weights = [m for m in net.modules() if isinstance(m, (torch.nn.Conv2d, torch.nn.Linear))]
    assert len(weights) == 4
    assert sum(isinstance(m, torch.nn.Tanh) for m in net.modules()) == 3
    assert not any(isinstance(m, (torch.nn.Dropout, torch.nn.BatchNorm2d)) for m in net.modules())


def test_training_subset_is_stratified_and_pooled():
    data = load_mnist()
    x, y, shape = K.training_subset(data, 7, 2)
    assert torch.bincount(y).tolist() == [7] * 10 and shape == (1, 14, 14)
    first = torch.nonzero(data.y_train == 0).flatten()[0]
    i = int(torch.nonzero(y == 0).flatten()[0])
    img = data.x_train[first].view(28, 28)
    assert torch.allclose(x[i].view(14, 14), img.view(14, 2, 14, 2).mean(dim=(1, 3)))


def test_training_error_counts_mistakes():
    net = torch.nn.Linear(2, 2, bias=False)
    with torch.no_grad():
        net.weight.copy_(torch.eye(2))
    x = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 0.0], [0.0, 3.0]])
    assert K.training_error(net, x, torch.tensor([0, 1, 1, 1])) == 0.25


def test_a_short_run_learns_and_is_reproducible():
    data = load_mnist()
    x, y, shape = K.training_subset(data, 10)
    a = K.train_curve("relu", 0.05, x, y, shape, epochs=2, seed=1)
    b = K.train_curve("relu", 0.05, x, y, shape, epochs=2, seed=1)
    assert a == b and len(a) == 3 and all(0 <= e <= 1 for e in a)


def test_speedups_and_summary_on_small_results():
    r = small_results()
    sp = K.speedups(r, 0.25)
    t_relu = K.epochs_to_threshold([0.9, 0.5, 0.2, 0.1], 0.25)
    t_tanh = K.epochs_to_threshold([0.9, 0.8, 0.3, 0.2], 0.25)
    assert sp["relu"]["ratios"] == [1.0, 1.0]
    assert sp["tanh"]["ratios"][0] == pytest.approx(t_tanh / t_relu) and sp["tanh"]["ratios"][1] is None
    trainlab.set_language("cs")
    text = K.summary(r)
    assert "1 z 2" in text or "(1 z 2" in text
    trainlab.set_language("en")


def test_lr_rule_picks_the_lowest_final_error_and_breaks_ties_by_the_earlier_crossing():
    curves = {0.01: [0.9, 0.5, 0.2], 0.1: [0.9, 0.2, 0.1], 1.0: [0.9, 0.2, 0.05]}
    assert K._pick_lr(curves, 2) == 1.0
    assert K._pick_lr({0.01: [0.9, 0.8, 0.7], 0.1: [0.9, 0.9, 0.9]}, 2) == 0.01
    assert K._pick_lr({0.1: [0.9, 0.2, 0.9], 0.03: [0.9, 0.5, 0.1]}, 2) == 0.03  # crossed first, then diverged
    assert K._pick_lr({0.1: [0.9, 0.2, 0.1], 0.03: [0.9, 0.5, 0.1]}, 2) == 0.1


def test_results_round_trip(tmp_path):
    r = small_results()
    assert K.load_results(K.save_results(r, tmp_path / "r.json")) == r


def test_checker_accepts_the_reference_and_rejects_a_rounded_answer(capsys):
    trainlab.set_language("vi")
    assert K.check_epochs_to_threshold(K.epochs_to_threshold)
    assert "✓" in capsys.readouterr().out

    def first_epoch_below(errors, threshold):
        return next((float(i) for i, e in enumerate(errors) if e <= threshold), None)

    result = K.check_epochs_to_threshold(first_epoch_below)
    assert not result and "✗" in capsys.readouterr().out
    trainlab.set_language("en")


def test_stored_full_run_has_the_full_settings(full):
    s = full["settings"]
    assert {k: s[k] for k in K.FULL} == K.FULL
    assert s["train_size"] == 10 * K.FULL["per_class"]
    assert "--full" in full["run"]["command"] and full["run"]["seconds"] > 0
    for act in s["activations"]:
        assert full["curves"][act][0] == full["grid"][act][str(full["lr"][act])]
        assert full["lr"][act] == K._pick_lr({float(k): v for k, v in full["grid"][act].items()}, s["epochs"])


@pytest.mark.parametrize("lang", LANGS)
def test_the_lesson_prints_exactly_what_the_stored_file_gives(lang, full):
    cells = json.loads((ROOT / "notebooks" / lang / "act-krizhevsky.ipynb").read_text(encoding="utf-8"))["cells"]
    (cell,) = [c for c in cells if c["cell_type"] == "code" and "load_results()" in "".join(c["source"])]
    printed = "".join("".join(o["text"]) for o in cell["outputs"] if o.get("name") == "stdout")
    trainlab.set_language(lang)
    assert printed == K.summary(full) + "\n"
    assert any("image/png" in o.get("data", {}) for o in cell["outputs"]), "the full run's figure is drawn"


BAD = [
    (lambda: K.four_layer_cnn("elu"), ValueError, "four_layer_cnn: expected activation to be one of"),
    (lambda: K.four_layer_cnn("relu", (1, 4, 4)), ValueError, "four_layer_cnn: expected images of at least 8x8"),
    (lambda: K.training_subset("mnist"), TypeError, "training_subset: expected data to be a trainlab.data.Split"),
    (lambda: K.training_error("net", torch.ones(2, 2), torch.ones(2)), TypeError, "training_error: expected model"),
    (
        lambda: K.train_curve("relu", 0.0, torch.ones(2, 196), torch.zeros(2).long(), (1, 14, 14)),
        ValueError,
        "train_curve: expected lr",
    ),
    (lambda: K.epochs_to_threshold("0.5"), TypeError, "epochs_to_threshold: expected errors to be a list"),
    (lambda: K.epochs_to_threshold([0.5], 25), ValueError, "epochs_to_threshold: expected threshold"),
    (lambda: K.epochs_to_threshold([]), ValueError, "epochs_to_threshold: expected at least one error"),
    (lambda: K.run_experiment([1, 2]), TypeError, "run_experiment: expected data to be a trainlab.data.Split"),
    (lambda: K.check_results([]), TypeError, "check_results: expected results to be a dict"),
    (lambda: K.check_results({"settings": {}}), ValueError, "check_results: expected results['grid'] to be a dict"),
    (lambda: K.save_results(small_results(), 3), TypeError, "save_results: expected path to be a file path"),
    (lambda: K.load_results(3), TypeError, "load_results: expected path to be None or a file path"),
    (lambda: K.speedups(small_results(), 0.0), ValueError, "speedups: expected threshold"),
    (lambda: K.summary([]), TypeError, "check_results: expected results to be a dict"),
    (lambda: K.plot_figure1(small_results(), 1.5), ValueError, "plot_figure1: expected threshold"),
    (lambda: K.check_epochs_to_threshold(3), TypeError, "check_epochs_to_threshold: expected fn to be a function"),
]
test_bad_input_names_the_problem = bad_input_test(BAD)
