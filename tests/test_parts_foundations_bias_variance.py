"""trainlab.parts.foundations.bias_variance: the model is least squares (checked against NumPy's
pseudo-inverse and an augmented system), the measured decomposition adds up and meets its limits
(no noise, huge λ), double descent interpolates past K = N, the diagnosis and the checkers."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pytest

from conftest import bad_input_test
from trainlab.i18n import catalog
from trainlab.parts.foundations.bias_variance import (
    DIAGNOSIS_CASES,
    check_bias_variance,
    check_diagnosis,
    column,
    decompose,
    diagnose,
    exercise_predictions,
    fit_least_squares,
    legendre_features,
    plot_curves,
    print_table,
    random_features_errors,
    sig,
    target,
)

X = np.linspace(-1.0, 1.0, 7)


def test_legendre_features_evaluate_legendre_series():
    c = np.array([0.5, -1.0, 2.0, 0.25])
    assert np.allclose(legendre_features(X, 3) @ c, np.polynomial.legendre.legval(X, c))
    assert legendre_features(X, 0).shape == (7, 1)


def test_fit_least_squares_is_the_pseudo_inverse_and_ridge():
    rng = np.random.default_rng(0)
    for n, p in ((20, 5), (8, 30)):  # over- and under-determined
        phi, y = rng.standard_normal((n, p)), rng.standard_normal(n)
        assert np.allclose(fit_least_squares(phi, y), np.linalg.pinv(phi) @ y)
        lam = 0.3  # ridge == least squares on the system augmented by sqrt(n lam) I
        aug_phi = np.vstack([phi, np.sqrt(n * lam) * np.eye(p)])
        aug_y = np.concatenate([y, np.zeros(p)])
        assert np.allclose(fit_least_squares(phi, y, lam), np.linalg.lstsq(aug_phi, aug_y, rcond=None)[0])


def test_decomposition_adds_up_to_the_measured_test_error():
    for row in decompose([0, 2, 5], n_sets=40, seed=1):
        total = row["bias2"] + row["variance"] + row["noise"]
        assert abs(row["test_error"] - total) < 0.05 * row["test_error"]
        assert 0.06 < row["noise"] < 0.12  # sigma = 0.3: about 0.09


def test_without_noise_the_decomposition_is_exact():
    row = decompose([3], sigma=0.0, n_sets=10)[0]
    assert row["noise"] == 0.0
    assert np.isclose(row["test_error"], row["bias2"] + row["variance"], rtol=1e-10)


def test_huge_lambda_predicts_zero_so_bias_is_the_mean_square_of_f():
    row = decompose([5], lam=1e9, n_sets=10, n_test=2000)[0]
    want = 0.5 - np.sin(6.0) / 12.0  # E[sin^2(3x)], x ~ U[-1, 1]
    assert abs(row["bias2"] - want) < 0.03
    assert row["variance"] < 1e-12


def test_training_error_never_grows_with_the_degree():
    rows = decompose(list(range(8)), n_sets=20)
    errors = column(rows, "train_error")
    assert all(b <= a + 1e-12 for a, b in zip(errors, errors[1:]))


def test_random_features_interpolate_past_n():
    rows = random_features_errors([5, 40], n_train=20, reps=1)
    assert column(rows, "features") == [5, 40]
    assert rows[0]["train_mse"] > 0.01 and rows[1]["train_mse"] < 1e-12
    assert all(0.0 <= r["test_error"] <= 1.0 for r in rows)


def test_diagnose_reads_the_table():
    assert [diagnose(t, v) for t, v in DIAGNOSIS_CASES] == ["high variance", "high bias", "both", "neither"]
    assert diagnose(0.3, 0.31, target_error=0.29) == "neither"


def test_column_filters_rows():
    rows = [{"a": 1, "b": 2}, {"a": 2, "b": 3}, {"a": 1, "b": 4}]
    assert column(rows, "b", a=1) == [2, 4] and column(rows, "a") == [1, 2, 1]


def test_sig_and_print_table(capsys):
    assert sig(0.123456) == "0.123" and sig(1234.5) == "1,234" and sig(1e-20) == "0.00"
    print_table([{"n": 3, "v": 0.5}], {"n": "n", "v": "value"})
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["n", "value"] and out[1].split() == ["3", "0.500"]


def test_plot_curves_draws_one_line_per_series_on_white():
    fig = plot_curves([1, 2, 3], {"a": [1, 2, 3], "b": [3, 2, 1]}, "x", "y", "t", logx=True, vline=2)
    assert len(fig.axes[0].get_lines()) == 3  # two series and the vertical line
    assert fig.get_facecolor()[:3] == (1.0, 1.0, 1.0)
    plt.close(fig)


def test_checkers_accept_the_right_answers_and_refuse_slips(capsys):
    assert check_diagnosis(["high variance", "high bias", "both", "neither"], verbose=False)
    assert not check_diagnosis(["high bias"] * 4, verbose=False)
    assert not check_diagnosis("high bias", verbose=False)
    f0, preds = exercise_predictions()
    assert check_bias_variance((np.mean(preds) - f0) ** 2, float(np.var(preds)), verbose=False)
    slip = check_bias_variance(abs(np.mean(preds) - f0), float(np.var(preds, ddof=1)), verbose=False)
    assert not slip and sum("Hint" in line for line in slip.lines) == 2
    assert not check_bias_variance("0.04", None, verbose=False)


def test_lesson_labels_are_translated():
    labels = ["training MSE", "validation MSE", "test MSE", "bias²", "variance", "noise", "sum", "difference"]
    labels += ["polynomial degree d", "mean squared error", "Learning curves", "random features P", "test error rate"]
    labels += ["Training and validation error vs model size", "Bias², variance and noise, measured"]
    labels += ["Double descent: N = 100 images of load_digits", "training points N", "training images N", "features P"]
    labels += ["high bias", "high variance", "both", "neither", "degree", "λ"]
    for lang in ("vi", "cs"):
        assert not set(labels) - set(catalog(lang))


BAD = [
    (lambda: target([0.1]), TypeError, "target: expected x to be a numpy.ndarray"),
    (lambda: legendre_features(X, -1), ValueError, "legendre_features: expected degree >= 0"),
    (lambda: legendre_features(X[None], 2), ValueError, "legendre_features: expected 1D x"),
    (lambda: fit_least_squares(np.ones((3, 2)), np.ones(3), -1.0), ValueError, "fit_least_squares: expected lam"),
    (lambda: fit_least_squares(np.ones((3, 2)), np.ones(4)), ValueError, "fit_least_squares: expected y with 3 rows"),
    (lambda: decompose(3), TypeError, "decompose: expected degrees to be a list of ints"),
    (lambda: decompose([2], n_sets=1), ValueError, "decompose: expected n_sets >= 2"),
    (lambda: decompose([2], sigma=-0.1), ValueError, "decompose: expected sigma"),
    (lambda: random_features_errors([0]), ValueError, "random_features_errors: expected width >= 1"),
    (lambda: random_features_errors([5], n_train=5000), ValueError, "random_features_errors: expected n_train <= 1437"),
    (lambda: diagnose("0.1", 0.2), TypeError, "diagnose: expected train_error to be a number"),
    (lambda: diagnose(0.1, 0.2, tol=-1.0), ValueError, "diagnose: expected tol"),
    (lambda: sig(float("nan")), ValueError, "sig: expected value"),
    (lambda: column({"a": 1}, "a"), TypeError, "column: expected rows to be a list of dicts"),
    (lambda: print_table([], ["a"]), TypeError, "print_table: expected columns to be a dict"),
    (lambda: plot_curves([1], [1], "x", "y", "t"), TypeError, "plot_curves: expected series to be a dict"),
    (lambda: plot_curves([1, 2], {"a": [1]}, "x", "y", "t"), ValueError, "plot_curves: expected 2 values for 'a'"),
    (lambda: check_diagnosis([], verbose=1), TypeError, "check_diagnosis: expected verbose to be True or False"),
    (lambda: check_bias_variance(0, 0, verbose=None), TypeError, "check_bias_variance: expected verbose"),
]
test_bad_input_names_the_problem = bad_input_test(BAD)


@pytest.mark.parametrize("lang", ["vi", "cs"])
def test_feedback_is_translated(lang):
    from trainlab.i18n import set_language

    set_language(lang)
    try:
        lines = check_diagnosis(["x", "high bias", "both", "neither"], verbose=False).lines
        assert not any("Hint:" in line for line in lines)
    finally:
        set_language("en")
