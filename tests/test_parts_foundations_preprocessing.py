"""trainlab.parts.foundations.preprocessing: standardization, PCA and whitening checked against
independent computations (scikit-learn, SciPy, torch autograd), the experiments' building blocks
and the exercise checkers."""

import numpy as np
import pytest
import torch

from conftest import bad_input_test
from trainlab.parts.foundations import preprocessing as P

CLOUD = P.correlated_cloud(300, seed=1)


def test_fit_standardizer_matches_sklearn_and_centres_a_constant_feature():
    from sklearn.preprocessing import StandardScaler

    x = np.c_[CLOUD, np.full(len(CLOUD), 3.0)]
    mu, sd = P.fit_standardizer(x)
    ref = StandardScaler().fit(x)
    np.testing.assert_allclose(mu, ref.mean_)
    np.testing.assert_allclose(sd[:2], ref.scale_[:2])
    assert sd[2] == 1.0


@pytest.mark.parametrize("kind", ["pca_white", "zca"])
def test_whitened_covariance_is_identity(kind):
    z = P.whiten(CLOUD, P.fit_whitening(CLOUD), kind)
    np.testing.assert_allclose(np.cov(z.T, bias=True), np.eye(2), atol=1e-10)
    np.testing.assert_allclose(z.mean(axis=0), 0.0, atol=1e-10)


def test_zca_is_the_inverse_square_root_of_the_covariance():
    from scipy.linalg import fractional_matrix_power

    xc = CLOUD - CLOUD.mean(axis=0)
    w = fractional_matrix_power(xc.T @ xc / len(xc), -0.5).real
    np.testing.assert_allclose(P.whiten(CLOUD, P.fit_whitening(CLOUD), "zca"), xc @ w.T, atol=1e-10)


def test_pca_rotation_matches_sklearn_up_to_sign_and_eps_shrinks_variances():
    from sklearn.decomposition import PCA

    stats = P.fit_whitening(CLOUD)
    ref = PCA().fit(CLOUD)
    np.testing.assert_allclose(np.abs(P.whiten(CLOUD, stats, "pca")), np.abs(ref.transform(CLOUD)), atol=1e-10)
    np.testing.assert_allclose(stats["eigenvalues"], ref.explained_variance_ * (len(CLOUD) - 1) / len(CLOUD))
    lam = stats["eigenvalues"]
    var = P.whiten(CLOUD, stats, "pca_white", eps=0.5).var(axis=0)
    np.testing.assert_allclose(var, lam / (lam + 0.5))


def test_cloud_panels_keep_the_raw_cloud_and_plot():
    panels = P.cloud_panels(CLOUD)
    assert list(panels) == [P.LABELS[k] for k in P.KINDS]
    np.testing.assert_array_equal(panels["raw"], CLOUD)
    fig = P.plot_cloud_panels(panels)
    assert len(fig.axes) == len(P.KINDS)


def test_loss_and_gradient_match_torch_autograd():
    rng = np.random.default_rng(0)
    x, y, w = rng.normal(size=(20, 3)), rng.integers(0, 2, 20).astype(float), rng.normal(size=3)
    loss, gw, gb = P._loss_grad(x, y, w, 0.3)
    wt = torch.tensor(w, requires_grad=True)
    bt = torch.tensor(0.3, dtype=torch.float64, requires_grad=True)
    ref = torch.nn.functional.binary_cross_entropy_with_logits(torch.tensor(x) @ wt + bt, torch.tensor(y))
    ref.backward()
    assert loss == pytest.approx(ref.item())
    np.testing.assert_allclose(gw, wt.grad.numpy())
    assert gb == pytest.approx(bt.grad.item())


def test_logistic_steps_reaches_the_target_and_reports_a_miss():
    x_tr, y_tr, _, _ = P.scaled_digits(seed=0, scaled=False)
    run = P.logistic_steps(x_tr, y_tr, "gd", target=0.3)
    assert run["steps"] is not None and run["loss"] <= 0.3
    assert P.logistic_steps(x_tr, y_tr, "gd", target=0.3, max_steps=run["steps"] - 1)["steps"] is None
    assert P.logistic_steps(x_tr, y_tr, "adam", lr=0.01, target=0.3)["steps"] is not None


def test_components_for_matches_a_brute_force_count():
    lam = np.sort(np.random.default_rng(0).exponential(size=50))[::-1]
    for share in (0.5, 0.9, 0.99):
        brute = next(k for k in range(1, 51) if lam[:k].sum() / lam.sum() >= share)
        assert P.components_for(lam, share) == brute


def test_selection_leak_inflates_only_the_leaky_score():
    acc = P.selection_leak(n=60, d=2000, k=10, repeats=10, seed=1)
    assert acc["leaky"] > 0.7 and 0.35 < acc["honest"] < 0.65


def test_first_layer_sign_share_is_one_for_positive_inputs():
    x = np.random.default_rng(0).uniform(0.1, 1.0, size=(10, 6))
    assert P.first_layer_sign_share(x, hidden=8) == 1.0
    assert P.first_layer_sign_share(x - x.mean(axis=0), hidden=8) < 0.5


def test_covariance_cost():
    cost = P.covariance_cost(224 * 224 * 3)
    assert cost["entries"] == 150528**2 and cost["bytes"] == 4 * 150528**2


def test_checkers_accept_right_answers_and_hint_at_slips():
    assert P.check_standardize(lambda a, b: (b - a.mean(0)) / a.std(0), verbose=False)
    wrong = P.check_standardize(lambda a, b: (b - b.mean(0)) / b.std(0), verbose=False)
    assert not wrong and "x_train" in str(wrong)
    assert P.check_whiten(lambda x: P.whiten(x, P.fit_whitening(x), "zca"), verbose=False)
    assert P.check_whiten(lambda x: P.whiten(x, P.fit_whitening(x), "pca_white"), verbose=False)
    assert not P.check_whiten(lambda x: P.whiten(x, P.fit_whitening(x), "standardized"), verbose=False)
    assert not P.check_whiten(lambda x: P.whiten(x, P.fit_whitening(x), "pca"), verbose=False)
    assert not P.check_whiten(lambda x: 1 / 0, verbose=False)
    assert not P.check_standardize("no", verbose=False)


ONE = np.ones((1, 2))
STATS = P.fit_whitening(CLOUD)
BAD = [
    (lambda: P.fit_standardizer([[1.0]]), TypeError, "fit_standardizer: expected x to be a numpy.ndarray"),
    (lambda: P.fit_standardizer(ONE), ValueError, "fit_standardizer: expected x with at least 2 rows (got 1)"),
    (lambda: P.fit_whitening(np.ones(3)), ValueError, "fit_whitening: expected 2D x"),
    (lambda: P.whiten(CLOUD, {}, "zca"), TypeError, "whiten: expected stats to be the dict of fit_whitening"),
    (lambda: P.whiten(CLOUD, STATS, "pcaa"), ValueError, "whiten: expected kind to be one of"),
    (lambda: P.whiten(CLOUD, STATS, "zca", eps=-1.0), ValueError, "whiten: expected eps"),
    (lambda: P.whiten(np.ones((3, 3)), STATS), ValueError, "whiten: expected x with 2 columns, as stats (got 3)"),
    (lambda: P.correlated_cloud(1), ValueError, "correlated_cloud: expected n >= 2 (got 1)"),
    (lambda: P.cloud_panels(ONE), ValueError, "cloud_panels: expected x with at least 2 rows"),
    (lambda: P.plot_cloud_panels({"x": CLOUD}), TypeError, "plot_cloud_panels: expected panels"),
    (lambda: P.scaled_digits(scaled=1), TypeError, "scaled_digits: expected scaled to be True or False"),
    (lambda: P.logistic_steps(CLOUD, np.ones(3)), ValueError, "logistic_steps: expected one label per row of x"),
    (lambda: P.logistic_steps(CLOUD, np.ones(300), "adam"), ValueError, "logistic_steps: expected lr > 0 for Adam"),
    (lambda: P.components_for(np.ones(3), 1.5), ValueError, "components_for: expected share in (0, 1]"),
    (lambda: P.plot_mnist_components({}), TypeError, "plot_mnist_components: expected stats"),
    (lambda: P.plot_whitened_digits(ONE, ONE, [1.0]), TypeError, "plot_whitened_digits: expected zca_white"),
    (lambda: P.plot_explained_variance(ONE), ValueError, "plot_explained_variance: expected 1D eigenvalues"),
    (lambda: P.selection_leak(k=0), ValueError, "selection_leak: expected k >= 1 (got 0)"),
    (lambda: P.standardization_leak(n_train=5), ValueError, "standardization_leak: expected n_train >= 20 (got 5)"),
    (lambda: P.first_layer_sign_share(CLOUD, hidden=0), ValueError, "first_layer_sign_share: expected hidden >= 1"),
    (lambda: P.covariance_cost(0), ValueError, "covariance_cost: expected d >= 1 (got 0)"),
    (
        lambda: P.check_standardize(None, verbose=1),
        TypeError,
        "check_standardize: expected verbose to be True or False",
    ),
    (lambda: P.check_whiten(None, verbose=1), TypeError, "check_whiten: expected verbose to be True or False"),
]
test_bad_input_names_the_problem = bad_input_test(BAD)
