"""trainlab.parts.foundations.gradient_descent: the hand-written gradient against autograd, the
three ways of training, the mini-batch gradient noise against an independent Monte Carlo, the
stored timings against the lesson's printed outputs, and the exercise checkers."""

import json
import math

import numpy as np
import pytest
import torch

import trainlab
from conftest import LANGS, ROOT, bad_input_test
from trainlab.parts.foundations.gradient_descent import (
    NEIGHBOURS,
    TIME_SIZES,
    WAYS,
    check_minibatch_gradient,
    check_record,
    check_updates_per_epoch,
    compare_on_digits,
    fitted_slope,
    format_digits_comparison,
    format_time_to_loss,
    format_timing_header,
    gradient_noise,
    make_regression,
    measure,
    mse_gradient,
    mse_loss,
    per_example_table,
    plot_gradient_noise,
    plot_loss,
    plot_time_per_example,
    powers_of_two_verdict,
    stored_timing,
    train_linear,
    train_three_ways,
    updates_per_epoch,
)

RESULTS = ROOT / "src" / "trainlab" / "parts" / "foundations" / "results" / "minibatch-gd-timing.json"


def test_hand_written_gradient_matches_autograd_on_full_and_mini_batches():
    x, y = make_regression(n=50, features=4, seed=2)
    w = torch.randn(4, dtype=torch.float64, requires_grad=True)
    b = torch.randn((), dtype=torch.float64, requires_grad=True)
    for idx in (torch.arange(50), torch.tensor([3, 7, 11])):
        w.grad = b.grad = None
        mse_loss(x[idx], y[idx], w, b).backward()
        gw, gb = mse_gradient(x[idx], y[idx], w.detach(), b.detach())
        torch.testing.assert_close(gw, w.grad)
        torch.testing.assert_close(gb, b.grad)


def test_make_regression_is_seeded_and_its_least_squares_loss_is_near_the_noise():
    x, y = make_regression()
    x2, y2 = make_regression()
    assert torch.equal(x, x2) and torch.equal(y, y2) and x.shape == (1000, 8)
    design = torch.cat([x, torch.ones(len(x), 1, dtype=x.dtype)], dim=1)
    solution = torch.linalg.lstsq(design, y[:, None]).solution[:, 0]
    best = mse_loss(x, y, solution[:-1], solution[-1]).item()
    assert abs(best - 0.25) < 0.05


def test_full_batch_training_is_exactly_plain_gradient_descent():
    x, y = make_regression(n=40, features=3)
    run = train_linear(x, y, None, epochs=5, lr=0.1)
    w, b = torch.zeros(3, dtype=torch.float64), torch.zeros((), dtype=torch.float64)
    for _ in range(5):
        gw, gb = mse_gradient(x, y, w, b)
        w, b = w - 0.1 * gw, b - 0.1 * gb
    torch.testing.assert_close(run["w"], w)
    assert run["updates"] == [0, 1, 2, 3, 4, 5] and len(run["loss"]) == 6


def test_the_three_ways_count_their_updates_and_minibatch_gets_near_the_noise():
    runs = train_three_ways(epochs=3)
    assert list(runs) == list(WAYS)
    assert [r["updates"][1] for r in runs.values()] == [1, 32, 1000]
    assert runs["mini-batch, m = 32"]["loss"][-1] < 0.3 < runs["full batch"]["loss"][-1]


def test_updates_per_epoch_against_a_count_of_slices():
    for n, m in ((1797, 64), (10, 3), (64, 64), (5, 10)):
        slices = [range(n)[s : s + m] for s in range(0, n, m)]
        assert updates_per_epoch(n, m) == len(slices)
        assert updates_per_epoch(n, m, drop_last=True) == sum(len(s) == m for s in slices)


def test_gradient_noise_matches_the_sampling_formula_and_the_slope():
    noise = gradient_noise(sizes=[1, 4, 16, 64], draws=2000, seed=1)
    for measured, theory in zip(noise["std"], noise["theory_fpc"]):
        assert abs(measured / theory - 1) < 0.08
    assert abs(fitted_slope(noise["sizes"], noise["theory"]) + 0.5) < 1e-9
    assert fitted_slope([1, 10, 100], [1.0, 10.0**-0.5, 0.1]) == pytest.approx(-0.5)


def test_stored_timing_file_is_complete_and_is_the_shipped_copy():
    stored = stored_timing()
    assert stored == stored_timing(RESULTS)
    assert set(stored["per_example"]) == {str(m) for m in TIME_SIZES}
    assert set(stored["neighbours"]) == {str(m) for m in NEIGHBOURS}
    assert set(WAYS) | {"digits, full batch", "digits, m = 64"} <= set(stored["epoch"])
    assert stored["settings"]["threads"] == 1 and stored["settings"]["repeats"] >= 11
    assert {"torch", "machine", "cpu", "date"} <= set(stored["machine"])


def test_measure_records_settings_and_the_verdicts_follow_the_numbers():
    record = check_record(measure(repeats=1, inner=1))
    assert record["settings"]["repeats"] == 1
    fake = json.loads(json.dumps(record))
    for m in NEIGHBOURS:
        fake["neighbours"][str(m)] = {"median": m * 1.0, "q1": m * 0.99, "q3": m * 1.01}
    fake["neighbours"]["64"] = {"median": 64 * 0.5, "q1": 64 * 0.49, "q3": 64 * 0.51}
    assert not powers_of_two_verdict(fake)[1]  # 128 is not faster than 127, 129
    fake["neighbours"]["128"] = {"median": 128 * 0.5, "q1": 128 * 0.49, "q3": 128 * 0.51}
    assert powers_of_two_verdict(fake)[1]
    fake["per_example"] = {str(m): 1.0 / m for m in TIME_SIZES}
    assert per_example_table(fake).endswith("True")


def _stdout(cell):
    return "".join("".join(o["text"]) for o in cell["outputs"] if o.get("name") == "stdout")


@pytest.mark.parametrize("lang", LANGS)
def test_the_lesson_prints_exactly_what_the_stored_file_gives(lang):
    cells = json.loads((ROOT / "notebooks" / lang / "minibatch-gd.ipynb").read_text(encoding="utf-8"))["cells"]
    code = [c for c in cells if c["cell_type"] == "code"]
    (per_example,) = [c for c in code if "per_example_table(timing)" in "".join(c["source"])]
    (pow2,) = [c for c in code if "powers_of_two_verdict(timing)" in "".join(c["source"])]
    (wall,) = [c for c in code if "format_time_to_loss(" in "".join(c["source"])]
    assert "MEASURE_HERE = False\n" in "".join(per_example["source"])
    stored = stored_timing()
    trainlab.set_language(lang)
    try:
        switch = trainlab.i18n._(
            "MEASURE_HERE = False: set it to True at the top of this cell to time the steps on your machine."
        )
        want = format_timing_header(stored) + "\n" + per_example_table(stored) + "\n\n" + switch + "\n"
        assert _stdout(per_example) == want
        assert _stdout(pow2) == powers_of_two_verdict(stored)[0] + "\n"
        runs = train_three_ways()
        seconds = {label: stored["epoch"][label] for label in runs}
        printed = _stdout(wall)
        assert printed.startswith(format_timing_header(stored) + "\n")
        assert printed.endswith(format_time_to_loss(runs, seconds, target=0.3) + "\n")
    finally:
        trainlab.set_language("en")
    # a live timing only behind MEASURE_HERE
    for c in code:
        src = "".join(c["source"])
        assert "measure(" not in src or "if MEASURE_HERE:" in src


def test_digits_comparison_gives_full_batch_more_epochs_at_equal_time():
    result = compare_on_digits(
        epochs=2, lrs=(1.0,), seconds_per_epoch={"digits, m = 64": 3.0, "digits, full batch": 1.0}
    )
    assert result["equal wall time"]["full batch"]["epochs"] == 6
    assert result["equal epochs"]["m = 64"] is result["equal wall time"]["m = 64"]  # trained once
    assert "460" not in format_digits_comparison(result) and "46 " in format_digits_comparison(result)


def test_checkers_accept_right_answers_and_reject_wrong_ones():
    def right(xb, yb, w, b):
        r = xb @ w + b - yb
        return 2 / len(yb) * (xb.T @ r), 2 * r.mean()

    def no_two(xb, yb, w, b):
        r = xb @ w + b - yb
        return (xb.T @ r) / len(yb), r.mean()

    assert check_minibatch_gradient(right, verbose=False)
    result = check_minibatch_gradient(no_two, verbose=False)
    assert not result and "factor 2" in str(result)
    assert not check_minibatch_gradient(lambda *a: 1 / 0, verbose=False)
    assert check_updates_per_epoch(29, verbose=False) and check_updates_per_epoch(28, verbose=False)
    assert not check_updates_per_epoch(28.08, verbose=False) and not check_updates_per_epoch(30, verbose=False)


def test_figures_draw():
    runs = train_three_ways(epochs=2)
    seconds = {label: 1e-3 for label in runs}
    assert len(plot_loss(runs).axes) == 1
    assert len(plot_loss(runs, ("updates", "seconds"), seconds).axes) == 2
    assert plot_gradient_noise(gradient_noise(sizes=[1, 2], draws=10)).axes
    assert plot_time_per_example(stored_timing()).axes
    assert np.isfinite(math.log(stored_timing()["per_example"]["1"]))


BAD = [
    (lambda: make_regression(n=1), ValueError, "make_regression: expected n >= 2"),
    (lambda: mse_loss([1.0], torch.zeros(1), torch.zeros(1), torch.zeros(())), TypeError, "mse_loss: expected x"),
    (
        lambda: mse_gradient(torch.zeros(3, 2), torch.zeros(3), torch.zeros(3), torch.zeros(())),
        ValueError,
        "mse_gradient: expected x (N, d)",
    ),
    (lambda: updates_per_epoch(10, 0), ValueError, "updates_per_epoch: expected batch_size >= 1"),
    (lambda: train_linear(torch.zeros(4, 2), torch.zeros(4), 2, lr=0.0), ValueError, "train_linear: expected lr"),
    (lambda: train_three_ways(epochs=0), ValueError, "train_three_ways: expected epochs >= 1"),
    (lambda: plot_loss({}, x_axis="time"), ValueError, "plot_loss: expected x_axis"),
    (lambda: format_time_to_loss({}, None), TypeError, "format_time_to_loss: expected seconds_per_epoch"),
    (lambda: gradient_noise(sizes=[2000]), ValueError, "gradient_noise: expected batch sizes <= 1000"),
    (lambda: fitted_slope([1], [1.0]), ValueError, "fitted_slope: expected two lists"),
    (lambda: plot_gradient_noise([]), TypeError, "plot_gradient_noise: expected noise"),
    (lambda: measure(repeats=0), ValueError, "measure: expected repeats >= 1"),
    (lambda: check_record([]), TypeError, "check_record: expected record to be a dict"),
    (lambda: stored_timing(3), TypeError, "stored_timing: expected path"),
    (lambda: format_timing_header(stored_timing(), stored="yes"), TypeError, "format_timing_header: expected stored"),
    (lambda: per_example_table({}), ValueError, "per_example_table: expected record['per_example']"),
    (lambda: plot_time_per_example(None), TypeError, "plot_time_per_example: expected record to be a dict"),
    (lambda: powers_of_two_verdict(None), TypeError, "powers_of_two_verdict: expected record to be a dict"),
    (lambda: compare_on_digits(epochs=0), ValueError, "compare_on_digits: expected epochs >= 1"),
    (lambda: format_digits_comparison([]), TypeError, "format_digits_comparison: expected result"),
    (lambda: check_minibatch_gradient(3), TypeError, "check_minibatch_gradient: expected fn to be a function"),
    (lambda: check_updates_per_epoch(29, verbose=1), TypeError, "check_updates_per_epoch: expected verbose"),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
