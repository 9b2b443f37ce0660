r"""The experiments of the lesson ``bias-variance``: the bias-variance decomposition measured by
refitting polynomials on many resampled training sets, learning curves, L2 regularization,
double descent of random-feature regression on ``load_digits``, and the exercise checkers.

The toy problem: :math:`x \sim U[-1, 1]`, :math:`y = f(x) + \varepsilon` with
:math:`f(x) = \sin 3x` and :math:`\varepsilon \sim \mathcal N(0, \sigma^2)`. A model is a
polynomial of degree :math:`d` in the Legendre basis, fitted by (ridge) least squares.

* :func:`legendre_features`, :func:`fit_least_squares`: the model;
* :func:`decompose`: bias², variance, noise and the measured test error per (degree, λ);
* :func:`random_features_errors`: min-norm least squares on :math:`P` random ReLU features;
* :func:`diagnose`: the diagnostic table (training vs validation error);
* :func:`column`, :func:`print_table`, :func:`plot_curves`: printed numbers and figures in the lesson's language;
* :func:`check_diagnosis`, :func:`check_bias_variance`: the auto-checked exercises.

Example:
    >>> row = decompose([3], n_sets=50, seed=0)[0]
    >>> abs(row["bias2"] + row["variance"] + row["noise"] - row["test_error"]) < 0.05
    True
    >>> diagnose(0.01, 0.11), diagnose(0.15, 0.16), diagnose(0.15, 0.30), diagnose(0.005, 0.01)
    ('high variance', 'high bias', 'both', 'neither')
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np
from matplotlib import ticker

from ..._checks import check_array, check_bool, check_int, check_number, check_type
from ...exercises import CheckResult
from ...figures import finish
from ...i18n import _, fmt

__all__ = [
    "target",
    "legendre_features",
    "fit_least_squares",
    "decompose",
    "random_features_errors",
    "diagnose",
    "sig",
    "column",
    "print_table",
    "plot_curves",
    "DIAGNOSIS_CASES",
    "check_diagnosis",
    "exercise_predictions",
    "check_bias_variance",
]

DIAGNOSES = ("high bias", "high variance", "both", "neither")


def target(x: np.ndarray) -> np.ndarray:
    r"""The true function of the toy problem, :math:`f(x) = \sin 3x` (any shape)."""
    x = check_array(x, "target", "x")
    return np.sin(3.0 * x)


def legendre_features(x: np.ndarray, degree: int) -> np.ndarray:
    r"""The design matrix :math:`\Phi_{ij} = P_j(x_i)` of Legendre polynomials :math:`P_0..P_d`.

    Args:
        x: inputs in [-1, 1], shape ``(n,)``.
        degree: :math:`d \ge 0`.

    Returns:
        ``(n, d + 1)`` array (well conditioned on [-1, 1], unlike :math:`x^j`).
    """
    x = check_array(x, "legendre_features", "x", ndims=(1,))
    degree = check_int(degree, "legendre_features", "degree", minimum=0)
    return np.polynomial.legendre.legvander(x, degree)


def fit_least_squares(phi: np.ndarray, y: np.ndarray, lam: float = 0.0) -> np.ndarray:
    r"""Coefficients :math:`c` minimising :math:`\tfrac1n\lVert \Phi c - y\rVert^2 + \lambda\lVert c\rVert^2`.

    :math:`\lambda = 0`: the minimum-norm least-squares solution (``np.linalg.lstsq``), which
    interpolates when there are at least as many features as points; :math:`\lambda > 0`:
    ridge regression, :math:`c = (\Phi^\top\Phi + n\lambda I)^{-1}\Phi^\top y`.

    Args:
        phi: ``(n, p)`` features; y: ``(n,)`` or ``(n, k)`` targets; lam: :math:`\lambda \ge 0`.

    Returns:
        ``(p,)`` or ``(p, k)`` coefficients.
    """
    phi = check_array(phi, "fit_least_squares", "phi", ndims=(2,))
    y = check_array(y, "fit_least_squares", "y", ndims=(1, 2))
    lam = check_number(lam, "fit_least_squares", "lam", low=0.0)
    if y.shape[0] != phi.shape[0]:
        raise ValueError(f"fit_least_squares: expected y with {phi.shape[0]} rows like phi (got {y.shape[0]})")
    if lam == 0.0:
        return np.linalg.lstsq(phi, y, rcond=None)[0]
    n, p = phi.shape
    return np.linalg.solve(phi.T @ phi + n * lam * np.eye(p), phi.T @ y)


def decompose(
    degrees,
    lam: float = 0.0,
    n_train: int = 20,
    n_sets: int = 200,
    sigma: float = 0.3,
    n_test: int = 200,
    seed: int = 0,
) -> list[dict]:
    r"""Measure the bias-variance decomposition of polynomial regression on the toy problem.

    For each degree, ``n_sets`` training sets of ``n_train`` points are drawn (the same sets for
    every degree; one input uniform in each of ``n_train`` equal intervals of [-1, 1]), a model :math:`\hat f_s` is fitted on each, and at ``n_test`` fixed test inputs
    :math:`x_t` (uniform in [-1, 1]) with fresh noisy labels :math:`y_{st} = f(x_t) + \varepsilon_{st}`:

    * bias² :math:`= \operatorname{mean}_t (\bar f(x_t) - f(x_t))^2`, with :math:`\bar f = \operatorname{mean}_s \hat f_s`;
    * variance :math:`= \operatorname{mean}_{t,s} (\hat f_s(x_t) - \bar f(x_t))^2`;
    * noise :math:`= \operatorname{mean}_{t,s} (y_{st} - f(x_t))^2` (about :math:`\sigma^2`);
    * test error :math:`= \operatorname{mean}_{t,s} (y_{st} - \hat f_s(x_t))^2`, measured directly;
      it equals bias² + variance + noise up to the cross term
      :math:`2\operatorname{mean}_{t,s}\,\varepsilon_{st}(f(x_t) - \hat f_s(x_t))`, which is 0 in expectation;
    * training error: the mean over the sets of the mean squared error on the training set.

    Returns:
        one dict per degree with keys ``degree, lam, n_train, bias2, variance, noise, test_error,
        train_error``.
    """
    func = "decompose"
    degrees = [
        check_int(d, func, "degree", minimum=0)
        for d in check_type(degrees, func, "degrees", (list, tuple, range), "a list of ints")
    ]
    lam = check_number(lam, func, "lam", low=0.0)
    n_train = check_int(n_train, func, "n_train", minimum=2)
    n_sets = check_int(n_sets, func, "n_sets", minimum=2)
    sigma = check_number(sigma, func, "sigma", low=0.0)
    n_test = check_int(n_test, func, "n_test", minimum=1)
    seed = check_int(seed, func, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    # one input in each of n_train equal intervals of [-1, 1]: no wide gap at an edge, where a
    # high-degree polynomial would extrapolate wildly
    x_sets = -1.0 + (np.arange(n_train) + rng.uniform(0.0, 1.0, (n_sets, n_train))) * (2.0 / n_train)
    y_sets = target(x_sets) + sigma * rng.standard_normal((n_sets, n_train))
    x_test = rng.uniform(-1.0, 1.0, n_test)
    y_test = target(x_test) + sigma * rng.standard_normal((n_sets, n_test))  # fresh labels per set
    f_test = target(x_test)
    rows = []
    for d in degrees:
        phi_test = legendre_features(x_test, d)
        preds, train_errors = np.empty((n_sets, n_test)), np.empty(n_sets)
        for s in range(n_sets):
            phi = legendre_features(x_sets[s], d)
            c = fit_least_squares(phi, y_sets[s], lam)
            preds[s] = phi_test @ c
            train_errors[s] = np.mean((phi @ c - y_sets[s]) ** 2)
        mean_pred = preds.mean(axis=0)
        rows.append(
            {
                "degree": d,
                "lam": lam,
                "n_train": n_train,
                "bias2": float(np.mean((mean_pred - f_test) ** 2)),
                "variance": float(np.mean((preds - mean_pred) ** 2)),
                "noise": float(np.mean((y_test - f_test) ** 2)),
                "test_error": float(np.mean((y_test - preds) ** 2)),
                "train_error": float(train_errors.mean()),
            }
        )
    return rows


def random_features_errors(widths, n_train: int = 100, reps: int = 5, seed: int = 0) -> list[dict]:
    r"""Double descent in small: min-norm least squares on :math:`P` random ReLU features of
    ``load_digits`` (standardized), :math:`\phi(x) = \max(0, W^\top x)` with
    :math:`W_{ij} \sim \mathcal N(0, 1/64)`, fitted to one-hot labels.

    For each repetition, ``n_train`` training images and one :math:`W` of ``max(widths)`` columns
    are drawn; a width :math:`P` uses the first :math:`P` columns. Test: the 360 test images.

    Returns:
        one dict per width with keys ``features, n_train, train_mse, test_error`` (the share of
        misclassified test images, argmax of the output), means over ``reps``.
    """
    from ...data import load_digits

    func = "random_features_errors"
    widths = [
        check_int(p, func, "width", minimum=1)
        for p in check_type(widths, func, "widths", (list, tuple, range), "a list of ints")
    ]
    n_train = check_int(n_train, func, "n_train", minimum=1, maximum=1437)
    reps = check_int(reps, func, "reps", minimum=1)
    seed = check_int(seed, func, "seed", minimum=0)
    d = load_digits(standardize=True)
    x, y = d.x_train.double().numpy(), d.y_train.numpy()
    x_test, y_test = d.x_test.double().numpy(), d.y_test.numpy()
    sums = {p: np.zeros(2) for p in widths}
    for r in range(reps):
        rng = np.random.default_rng(seed + r)
        idx = rng.choice(len(x), n_train, replace=False)
        w = rng.standard_normal((x.shape[1], max(widths))) / math.sqrt(x.shape[1])
        feats, feats_test = np.maximum(0.0, x[idx] @ w), np.maximum(0.0, x_test @ w)
        onehot = np.eye(10)[y[idx]]
        for p in widths:
            c = fit_least_squares(feats[:, :p], onehot)
            train_mse = np.mean(np.sum((feats[:, :p] @ c - onehot) ** 2, axis=1))
            test_error = np.mean((feats_test[:, :p] @ c).argmax(axis=1) != y_test)
            sums[p] += (train_mse, test_error)
    return [
        {"features": p, "n_train": n_train, "train_mse": float(s[0] / reps), "test_error": float(s[1] / reps)}
        for p, s in sums.items()
    ]


def diagnose(train_error: float, val_error: float, target_error: float = 0.0, tol: float = 0.02) -> str:
    r"""The diagnostic table: high bias when the training error exceeds the target (e.g. the
    best achievable) error by more than ``tol``; high variance when the validation error exceeds
    the training error by more than ``tol``.

    Returns:
        ``"high bias"``, ``"high variance"``, ``"both"`` or ``"neither"`` (English msgids).
    """
    func = "diagnose"
    train_error = check_number(train_error, func, "train_error", low=0.0)
    val_error = check_number(val_error, func, "val_error", low=0.0)
    target_error = check_number(target_error, func, "target_error", low=0.0)
    tol = check_number(tol, func, "tol", low=0.0)
    bias, variance = train_error - target_error > tol, val_error - train_error > tol
    return DIAGNOSES[3 if not (bias or variance) else 2 if bias and variance else 0 if bias else 1]


def sig(value: float, digits: int = 3) -> str:
    """``value`` with about ``digits`` significant digits in the lesson's number format (no
    exponent: large values are rounded to an integer)."""
    value = check_number(value, "sig", "value")
    digits = check_int(digits, "sig", "digits", minimum=1)
    if abs(value) < 1e-9:  # a rounding residue of an exact zero (an interpolating fit)
        return fmt(0.0, digits - 1)
    return fmt(value, max(0, digits - 1 - math.floor(math.log10(abs(value)))))


def column(rows: list[dict], key: str, **where) -> list:
    """The values of ``key`` in the rows whose items match ``where``, e.g.
    ``column(rows, "test_error", degree=1)``."""
    check_type(rows, "column", "rows", list, "a list of dicts")
    check_type(key, "column", "key", str, "a str")
    return [r[key] for r in rows if all(r.get(k) == v for k, v in where.items())]


def print_table(rows: list[dict], columns: dict, digits: int = 3) -> None:
    """Print ``rows`` (dicts) as a table: ``columns`` maps a key to its header msgid; ints are
    printed as they are, floats with :func:`sig`."""
    check_type(rows, "print_table", "rows", list, "a list of dicts")
    check_type(columns, "print_table", "columns", dict, "a dict {key: header}")
    heads = [_(h) for h in columns.values()]
    cells = [[fmt(r[k]) if isinstance(r[k], int) else sig(r[k], digits) for k in columns] for r in rows]
    widths = [max([len(h)] + [len(c[i]) for c in cells]) for i, h in enumerate(heads)]
    print("  ".join(h.rjust(w) for h, w in zip(heads, widths)))
    for c in cells:
        print("  ".join(v.rjust(w) for v, w in zip(c, widths)))


def plot_curves(
    x, series: dict, xlabel: str, ylabel: str, title: str, logx: bool = False, logy: bool = True, vline=None
):
    """One line per entry of ``series`` (``{label msgid: y values}``) against ``x``; labels are
    English msgids, translated with ``_``; ``vline``: an x where a dotted vertical line is drawn.

    Returns:
        the matplotlib ``Figure``.
    """
    func = "plot_curves"
    check_type(series, func, "series", dict, "a dict {label: values}")
    for arg, v in (("xlabel", xlabel), ("ylabel", ylabel), ("title", title)):
        check_type(v, func, arg, str, "a str")
    check_bool(logx, func, "logx")
    check_bool(logy, func, "logy")
    x = list(x)
    fig, ax = plt.subplots(figsize=(6.4, 3.8))
    fig.patch.set_facecolor("white")
    for (label, ys), style in zip(series.items(), ("o-", "s--", "^-", "d-.", "v:")):
        ys = list(ys)
        if len(ys) != len(x):
            raise ValueError(f"plot_curves: expected {len(x)} values for {label!r} (got {len(ys)})")
        ax.plot(x, ys, style, label=_(label), markersize=4)
    if vline is not None:
        ax.axvline(check_number(vline, func, "vline"), color="grey", linestyle=":")
    ax.set_xscale("log" if logx else "linear")
    if logx:  # plain numbers at the measured points, no minor-tick labels
        if len(x) <= 8:
            ax.set_xticks(x)
        ax.xaxis.set_major_formatter(ticker.ScalarFormatter())
        ax.xaxis.set_minor_formatter(ticker.NullFormatter())
    ax.set_yscale("log" if logy else "linear")
    ax.set_xlabel(_(xlabel))
    ax.set_ylabel(_(ylabel))
    ax.set_title(_(title))
    ax.grid(True, alpha=0.3)
    ax.legend()
    return finish(fig)


# ------------------------------------------------------------------ exercises
#: (training error, validation error) of four models; the best achievable error is about 0.
DIAGNOSIS_CASES = ((0.01, 0.11), (0.15, 0.16), (0.15, 0.30), (0.005, 0.01))


def check_diagnosis(answers, verbose: bool = True) -> CheckResult:
    """Check the reader's diagnoses of :data:`DIAGNOSIS_CASES`: a list of four of ``"high bias"``,
    ``"high variance"``, ``"both"``, ``"neither"`` (compared with :func:`diagnose`)."""
    check_bool(verbose, "check_diagnosis", "verbose")
    want = [diagnose(t, v) for t, v in DIAGNOSIS_CASES]
    if not isinstance(answers, (list, tuple)) or len(answers) != len(want):
        line = _("answers must be a list of {n} diagnoses (got {what})").format(
            n=len(want), what=type(answers).__name__
        )
        return CheckResult.report(False, ["✗ " + line], verbose)
    lines, ok = [], True
    for i, ((t, v), got, w) in enumerate(zip(DIAGNOSIS_CASES, answers, want), start=1):
        values = {"i": i, "t": fmt(t, 1, percent=True), "v": fmt(v, 1, percent=True)}
        head = _("model {i} (training {t}, validation {v}):").format(**values)
        if got == w:
            lines.append("✓ " + head + " " + _(w))
            continue
        ok = False
        shown = _(got) if got in DIAGNOSES else repr(got)
        lines.append("✗ " + head + " " + _("not {got}").format(got=shown))
        if got not in DIAGNOSES:
            lines.append("  " + _("Hint: write one of 'high bias', 'high variance', 'both', 'neither'."))
        else:
            lines.append(
                "  " + _("Hint: bias = training error − best error; variance = validation error − training error.")
            )
    return CheckResult.report(ok, lines, verbose)


def exercise_predictions() -> tuple[float, np.ndarray]:
    r"""The data of the exercise: the true value :math:`f(x_0) = 1` and the predictions at
    :math:`x_0` of five models fitted on five training sets."""
    return 1.0, np.array([1.3, 0.9, 1.4, 1.1, 1.3])


def check_bias_variance(bias2, variance, verbose: bool = True) -> CheckResult:
    r"""Check the reader's bias² :math:`(\bar f - f)^2` and variance
    :math:`\tfrac15\sum_s(\hat f_s - \bar f)^2` of :func:`exercise_predictions` (to 1e-6), with a
    hint for the usual slips (bias not squared, variance divided by 4)."""
    check_bool(verbose, "check_bias_variance", "verbose")
    f0, preds = exercise_predictions()
    want_b, want_v = (preds.mean() - f0) ** 2, preds.var()
    lines, ok = [], True
    for name, got, want, slips in (
        (
            "bias²",
            bias2,
            want_b,
            {abs(preds.mean() - f0): _("Hint: square the difference between the mean prediction and f(x0).")},
        ),
        (
            "variance",
            variance,
            want_v,
            {preds.var(ddof=1): _("Hint: here the variance is the mean over the five models: divide by 5, not 4.")},
        ),
    ):
        try:
            got = check_number(got, "check_bias_variance", name)
        except (TypeError, ValueError):
            ok = False
            lines.append("✗ " + _("{arg} must be a number (got {what})").format(arg=name, what=type(got).__name__))
            continue
        if abs(got - want) <= 1e-6:
            lines.append("✓ " + _("{name} = {value} is correct").format(name=_(name), value=fmt(want, 3)))
            continue
        ok = False
        lines.append("✗ " + _("{name} = {value} is not right").format(name=_(name), value=sig(got, 4)))
        for slip, hint in slips.items():
            if abs(got - slip) <= 1e-6:
                lines.append("  " + hint)
    return CheckResult.report(ok, lines, verbose)
