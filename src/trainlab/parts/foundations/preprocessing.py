r"""Data preprocessing for the lesson ``preprocessing``: standardization with training statistics,
PCA, PCA and ZCA whitening, their figures (a 2-D cloud, MNIST), the steps plain gradient descent
needs on raw vs standardized features, a leakage demonstration, and the exercise checkers.

Notation: ``x`` is an ``(N, D)`` float array of N examples with D features;
:math:`\mu` its mean, :math:`\Sigma = \frac1N\sum_n (x_n-\mu)(x_n-\mu)^\top = U\Lambda U^\top`
its covariance (divided by N) with eigenvalues :math:`\Lambda` in decreasing order.

Example:
    >>> x = correlated_cloud(200, seed=0)
    >>> stats = fit_whitening(x)
    >>> z = whiten(x, stats, "zca")
    >>> bool(np.abs(np.cov(z.T, bias=True) - np.eye(2)).max() < 1e-9)
    True
"""

from __future__ import annotations

import numpy as np

from ..._checks import check_array, check_bool, check_choice, check_int, check_number, got
from ...exercises import CheckResult, as_array
from ...i18n import _, fmt

__all__ = [
    "KINDS",
    "LABELS",
    "fit_standardizer",
    "fit_whitening",
    "whiten",
    "correlated_cloud",
    "cloud_panels",
    "plot_cloud_panels",
    "scaled_digits",
    "logistic_steps",
    "components_for",
    "plot_mnist_components",
    "plot_whitened_digits",
    "plot_explained_variance",
    "selection_leak",
    "standardization_leak",
    "first_layer_sign_share",
    "covariance_cost",
    "check_standardize",
    "check_whiten",
]

#: What :func:`whiten` can do to centred data, in the order of the lesson's figure.
KINDS = ("raw", "centred", "standardized", "pca", "pca_white", "zca")


def _x(x, func, arg="x"):
    x = check_array(x, func, arg, ndims=(2,))
    if len(x) < 2:
        raise ValueError(f"{func}: expected {arg} with at least 2 rows (got {len(x)})")
    return x


def _stats(stats, func):
    if not isinstance(stats, dict) or not {"mean", "eigenvalues", "U", "sd"} <= set(stats):
        raise TypeError(f"{func}: expected stats to be the dict of fit_whitening (got {got(stats)})")
    return stats


def fit_standardizer(x) -> tuple[np.ndarray, np.ndarray]:
    r"""Per-feature mean :math:`\mu_j` and standard deviation :math:`\sigma_j` (divided by N) of
    ``x`` ``(N, D)``, to be computed on the TRAINING set; a constant feature gets
    :math:`\sigma_j = 1` (it is only centred). Standardize any set with ``(x - mu) / sd``.

    Example:
        >>> mu, sd = fit_standardizer(np.array([[0.0, 1.0], [2.0, 1.0]]))
        >>> mu.tolist(), sd.tolist()
        ([1.0, 1.0], [1.0, 1.0])
    """
    x = _x(x, "fit_standardizer")
    mu, sd = x.mean(axis=0), x.std(axis=0)
    sd = np.where(sd == 0, 1.0, sd)
    return mu, sd


def fit_whitening(x) -> dict:
    r"""Mean :math:`\mu` ``(D,)``, eigenvalues :math:`\Lambda` ``(D,)`` (decreasing) and
    eigenvectors :math:`U` ``(D, D)`` (columns) of the covariance
    :math:`\Sigma = \frac1N (x-\mu)^\top (x-\mu) = U \Lambda U^\top` of ``x`` ``(N, D)``; also
    the per-feature standard deviation ``sd`` for standardization. Each eigenvector's sign is
    fixed (its largest entry positive) so that the result does not depend on the LAPACK build.
    """
    x = _x(x, "fit_whitening")
    mu = x.mean(axis=0)
    xc = x - mu
    lam, u = np.linalg.eigh(xc.T @ xc / len(x))
    lam, u = lam[::-1].clip(min=0.0), u[:, ::-1]
    u = u * np.sign(u[np.abs(u).argmax(axis=0), np.arange(u.shape[1])])
    return {"mean": mu, "eigenvalues": lam, "U": u, "sd": np.where(xc.std(axis=0) == 0, 1.0, xc.std(axis=0))}


def whiten(x, stats: dict, kind: str = "zca", eps: float = 0.0) -> np.ndarray:
    r"""``x`` ``(N, D)`` transformed with statistics ``stats`` from :func:`fit_whitening`
    (computed on the training set):

    * ``"raw"``: :math:`x`; ``"centred"``: :math:`x-\mu`; ``"standardized"``: :math:`(x-\mu)/\sigma`;
    * ``"pca"``: :math:`U^\top(x-\mu)` (rotated onto the principal axes);
    * ``"pca_white"``: :math:`(\Lambda+\varepsilon I)^{-1/2}U^\top(x-\mu)`;
    * ``"zca"``: :math:`U(\Lambda+\varepsilon I)^{-1/2}U^\top(x-\mu)`.

    ``eps`` (:math:`\varepsilon \ge 0`) keeps tiny eigenvalues from blowing up; with ``eps=0`` every
    eigenvalue must be > 0.
    """
    func = "whiten"
    x = check_array(x, func, "x", ndims=(2,))
    _stats(stats, func)
    check_choice(kind, func, "kind", KINDS)
    eps = check_number(eps, func, "eps", low=0.0)
    if x.shape[1] != len(stats["mean"]):
        raise ValueError(f"{func}: expected x with {len(stats['mean'])} columns, as stats (got {x.shape[1]})")
    if kind == "raw":
        return x.copy()
    xc = x - stats["mean"]
    if kind == "centred":
        return xc
    if kind == "standardized":
        return xc / stats["sd"]
    lam, u = stats["eigenvalues"] + eps, stats["U"]
    rot = xc @ u
    if kind == "pca":
        return rot
    if lam.min() <= 0:
        raise ValueError(f"{func}: expected eps > 0 when an eigenvalue is 0 (got eps={eps!r})")
    white = rot / np.sqrt(lam)
    return white if kind == "pca_white" else white @ u.T


def correlated_cloud(n: int = 500, seed: int = 0) -> np.ndarray:
    r"""``n`` points ``(n, 2)`` of a Gaussian with mean (4, 2) and covariance
    [[4, 1.8], [1.8, 1]] (correlation 0.9), the 2-D cloud of the lesson's figure."""
    n = check_int(n, "correlated_cloud", "n", minimum=2)
    seed = check_int(seed, "correlated_cloud", "seed", minimum=0)
    rng = np.random.default_rng(seed)
    return rng.multivariate_normal([4.0, 2.0], [[4.0, 1.8], [1.8, 1.0]], size=n)


def cloud_panels(x, eps: float = 0.0) -> dict:
    """The cloud ``x`` ``(N, 2)`` raw, centred, standardized, PCA-rotated, PCA-whitened and
    ZCA-whitened: ``{label: (N, 2) array}``, one entry per kind of :data:`KINDS`, keyed by the
    English label of :data:`LABELS` (translate it with ``_``)."""
    x = _x(x, "cloud_panels")
    stats = fit_whitening(x)
    return {LABELS[kind]: whiten(x, stats, kind, eps) for kind in KINDS}


#: The English label of each kind of :data:`KINDS` (a msgid).
LABELS = {
    "raw": "raw",
    "centred": "centred",
    "standardized": "standardized",
    "pca": "PCA-rotated",
    "pca_white": "PCA-whitened",
    "zca": "ZCA-whitened",
}


def plot_cloud_panels(panels: dict):
    """One row of equal-aspect panels, one per entry of ``panels`` (from :func:`cloud_panels`),
    with the axes through the origin and the same limits everywhere."""
    import matplotlib.pyplot as plt

    from ...figures import finish

    if not isinstance(panels, dict) or not panels or not set(panels) <= set(LABELS.values()):
        raise TypeError(f"plot_cloud_panels: expected panels to be the dict of cloud_panels (got {got(panels)})")
    lim = max(float(np.abs(v).max()) for v in panels.values()) * 1.05
    fig, axes = plt.subplots(1, len(panels), figsize=(2.6 * len(panels), 2.9))
    for ax, (label, pts) in zip(np.atleast_1d(axes), panels.items()):
        ax.scatter(pts[:, 0], pts[:, 1], s=3, color="tab:blue")
        ax.axhline(0, color="gray", lw=0.6)
        ax.axvline(0, color="gray", lw=0.6)
        ax.set_xlim(-lim, lim)
        ax.set_ylim(-lim, lim)
        ax.set_aspect("equal")
        ax.set_title(_(label), fontsize=10)
    return finish(fig)


def scaled_digits(seed: int = 0, scaled: bool = True) -> tuple:
    r"""A binary task with features on very different scales: the 8×8 digits 3 vs 8 of
    :func:`trainlab.data.load_digits` (label 1 = "8"), each pixel :math:`j` multiplied by
    :math:`s_j = 10^{u_j}`, :math:`u_j \sim U[-1, 2]` (as if the 64 features were measured in
    different units); ``scaled=False``: the pixels as they are (all in [0, 1]). Returns ``(x_train, y_train, x_test, y_test)`` float64 NumPy arrays."""
    seed = check_int(seed, "scaled_digits", "seed", minimum=0)
    check_bool(scaled, "scaled_digits", "scaled")
    from ...data import load_digits

    d = load_digits()
    scale = 10.0 ** np.random.default_rng(seed).uniform(-1, 2, d.num_features) if scaled else 1.0
    out = []
    for x, y in ((d.x_train, d.y_train), (d.x_test, d.y_test)):
        keep = (y == 3) | (y == 8)
        out += [x[keep].double().numpy() * scale, (y[keep] == 8).double().numpy()]
    return tuple(out)


def _loss_grad(x, y, w, b):
    z = x @ w + b
    loss = np.mean(np.logaddexp(0.0, z) - y * z)  # binary cross-entropy with logits
    r = (1.0 / (1.0 + np.exp(-z)) - y) / len(y)
    return loss, x.T @ r, r.sum()


def logistic_steps(x, y, optimizer: str = "gd", lr: float | None = None, target: float = 0.1, max_steps: int = 20000):
    r"""Full-batch steps logistic regression needs, from zero weights, until its training loss
    (binary cross-entropy) is at most ``target``.

    ``optimizer="gd"``: plain gradient descent :math:`w \leftarrow w - \eta \nabla L`; with
    ``lr=None``, :math:`\eta = 1/L_{\max}`, :math:`L_{\max} = \lambda_{\max}(\tilde x^\top \tilde x/N)/4`
    (:math:`\tilde x` = x with a column of ones), the largest step size the curvature bound of the
    loss guarantees to be safe, so raw and standardized data each get their own best safe
    :math:`\eta`. ``"adam"``: Adam (β₁ = 0.9, β₂ = 0.999, ε = 1e-8) with step ``lr`` (required).

    Returns ``{"steps": int or None (not reached in max_steps), "lr": float, "loss": final loss}``.
    """
    func = "logistic_steps"
    x = _x(x, func)
    y = check_array(y, func, "y", ndims=(1,))
    if len(y) != len(x):
        raise ValueError(f"{func}: expected one label per row of x, {len(x)} (got {len(y)})")
    check_choice(optimizer, func, "optimizer", ("gd", "adam"))
    target = check_number(target, func, "target", low=0.0, low_open=True)
    max_steps = check_int(max_steps, func, "max_steps", minimum=1)
    if lr is None:
        if optimizer == "adam":
            raise ValueError(f"{func}: expected lr > 0 for Adam (got {lr!r})")
        xt = np.c_[x, np.ones(len(x))]
        lr = 4.0 / np.linalg.eigvalsh(xt.T @ xt / len(x)).max()
    lr = check_number(lr, func, "lr", low=0.0, low_open=True)
    w, b = np.zeros(x.shape[1]), 0.0
    m, v = np.zeros(x.shape[1] + 1), np.zeros(x.shape[1] + 1)
    for step in range(max_steps + 1):
        loss, gw, gb = _loss_grad(x, y, w, b)
        if loss <= target:
            return {"steps": step, "lr": lr, "loss": float(loss)}
        if step == max_steps:
            break
        g = np.append(gw, gb)
        if optimizer == "adam":
            m = 0.9 * m + 0.1 * g
            v = 0.999 * v + 0.001 * g * g
            g = (m / (1 - 0.9 ** (step + 1))) / (np.sqrt(v / (1 - 0.999 ** (step + 1))) + 1e-8)
        w, b = w - lr * g[:-1], b - lr * g[-1]
    return {"steps": None, "lr": lr, "loss": float(loss)}


def components_for(eigenvalues, share: float) -> int:
    r"""The smallest k whose top-k eigenvalues explain at least ``share`` of the variance:
    :math:`\sum_{i\le k}\lambda_i / \sum_i \lambda_i \ge` share (eigenvalues in decreasing order).

    Example:
        >>> components_for(np.array([3.0, 1.0, 0.0]), 0.75)
        1
    """
    lam = check_array(eigenvalues, "components_for", "eigenvalues", ndims=(1,))
    share = check_number(share, "components_for", "share", 0.0, 1.0, low_open=True)
    ratio = np.cumsum(lam) / lam.sum()
    return int(np.searchsorted(ratio, share - 1e-12) + 1)


def _images(rows: list, titles: list, shape=(28, 28), cmaps=None):
    import matplotlib.pyplot as plt

    from ...figures import finish

    ncols = max(len(r) for r in rows)
    fig, axes = plt.subplots(len(rows), ncols, figsize=(1.25 * ncols + 1.4, 1.35 * len(rows) + 0.3), squeeze=False)
    for i, row in enumerate(rows):
        for j in range(ncols):
            ax = axes[i, j]
            ax.set_xticks([])
            ax.set_yticks([])
            if j >= len(row):
                ax.axis("off")
                continue
            img = np.asarray(row[j]).reshape(shape)
            lim = float(np.abs(img).max()) or 1.0
            cmap = (cmaps or {}).get(i, "RdBu_r")
            kw = {"vmin": 0, "vmax": lim} if cmap == "gray_r" else {"vmin": -lim, "vmax": lim}
            ax.imshow(img, cmap=cmap, **kw)
        axes[i, 0].set_ylabel(titles[i], fontsize=9)
    return finish(fig)


def plot_mnist_components(stats: dict, k: int = 7):
    """The mean image and the top ``k`` principal components (eigenvectors, red > 0, blue < 0)
    of MNIST, from :func:`fit_whitening` of the ``(N, 784)`` training images."""
    _stats(stats, "plot_mnist_components")
    k = check_int(k, "plot_mnist_components", "k", minimum=1, maximum=20)
    row = [stats["mean"]] + [stats["U"][:, i] for i in range(k)]
    fig = _images([row], [_("mean, PC 1…{k}").format(k=k)], cmaps={0: "RdBu_r"})
    fig.axes[0].images[0].set_cmap("gray_r")
    fig.axes[0].images[0].set_clim(0, float(stats["mean"].max()))
    return fig


def plot_whitened_digits(originals, pca_white, zca_white):
    """Three rows of ``(n, 784)`` MNIST digits: the originals, their PCA-whitened coordinates
    (laid out as 28×28 only to be shown: they are not pixels) and their ZCA-whitened images."""
    rows = [
        check_array(a, "plot_whitened_digits", n, ndims=(2,))
        for a, n in ((originals, "originals"), (pca_white, "pca_white"), (zca_white, "zca_white"))
    ]
    return _images(rows, [_("original"), _("PCA-whitened"), _("ZCA-whitened")], cmaps={0: "gray_r"})


def plot_explained_variance(eigenvalues, shares=(0.9, 0.95, 0.99)):
    """Cumulative share of variance explained by the top k components against k, with the k
    needed for each of ``shares`` marked."""
    import matplotlib.pyplot as plt

    from ...figures import finish

    lam = check_array(eigenvalues, "plot_explained_variance", "eigenvalues", ndims=(1,))
    ratio = np.cumsum(lam) / lam.sum()
    fig, ax = plt.subplots(figsize=(6, 3.4))
    ax.plot(np.arange(1, len(lam) + 1), ratio, color="tab:blue")
    for share, color in zip(shares, ("tab:green", "tab:orange", "tab:red")):
        k = components_for(lam, share)
        ax.axhline(share, color=color, lw=0.8, ls="--")
        ax.plot([k], [ratio[k - 1]], "o", color=color, label=f"{fmt(share, 0, percent=True)}: k = {fmt(k)}")
    ax.set_xscale("log")
    ax.set_xlabel(_("number of principal components k"))
    ax.set_ylabel(_("share of variance explained"))
    ax.legend(loc="lower right")
    ax.grid(alpha=0.3)
    return finish(fig)


def _centroid_accuracy(x_tr, y_tr, x_te, y_te):
    c = np.stack([x_tr[y_tr == k].mean(axis=0) for k in (0, 1)])
    pred = ((x_te[:, None, :] - c[None]) ** 2).sum(-1).argmin(1)
    return float((pred == y_te).mean())


def selection_leak(n: int = 100, d: int = 5000, k: int = 20, repeats: int = 20, seed: int = 0) -> dict:
    r"""Leakage through feature selection on pure noise: ``n`` examples (half train, half test)
    of ``d`` Gaussian features and random 0/1 labels, so that no classifier can beat 50 % on
    the test set. Select the ``k`` features most correlated with the label — once on train+test
    ("leaky"), once on train only ("honest") — then fit a nearest-centroid classifier on the
    training half. Returns the mean test accuracy of each over ``repeats`` draws."""
    func = "selection_leak"
    n = check_int(n, func, "n", minimum=8)
    d = check_int(d, func, "d", minimum=2)
    k = check_int(k, func, "k", minimum=1, maximum=d)
    repeats = check_int(repeats, func, "repeats", minimum=1)
    seed = check_int(seed, func, "seed", minimum=0)
    rng = np.random.default_rng(seed)
    acc = {"leaky": [], "honest": []}
    half = n // 2
    for _r in range(repeats):
        x = rng.standard_normal((n, d))
        y = rng.permutation(np.arange(n) % 2)
        for name, rows in (("leaky", slice(None)), ("honest", slice(0, half))):
            xs, ys = x[rows], y[rows]
            corr = np.abs((xs - xs.mean(0)).T @ (ys - ys.mean()))
            cols = np.argsort(-corr, kind="stable")[:k]
            acc[name].append(_centroid_accuracy(x[:half, cols], y[:half], x[half:, cols], y[half:]))
    return {name: float(np.mean(v)) for name, v in acc.items()}


def standardization_leak(n_train: int = 200, seed: int = 0) -> dict:
    r"""Leakage through standardization statistics on the 8×8 digits: the first ``n_train``
    training images and all test images, standardized with the mean and standard deviation of
    the training images only ("honest") or of training + test images ("leaky"), then a
    nearest-centroid classifier (10 classes) fitted on the training images. Returns the test
    accuracy of each."""
    n_train = check_int(n_train, "standardization_leak", "n_train", minimum=20)
    seed = check_int(seed, "standardization_leak", "seed", minimum=0)
    from ...data import load_digits

    d = load_digits(seed=seed)
    x_tr, y_tr = d.x_train[:n_train].double().numpy(), d.y_train[:n_train].numpy()
    x_te, y_te = d.x_test.double().numpy(), d.y_test.numpy()
    out = {}
    for name, fit_on in (("honest", x_tr), ("leaky", np.r_[x_tr, x_te])):
        mu, sd = fit_standardizer(fit_on)
        a, b = (x_tr - mu) / sd, (x_te - mu) / sd
        c = np.stack([a[y_tr == j].mean(axis=0) for j in range(10)])
        out[name] = float((((b[:, None] - c[None]) ** 2).sum(-1).argmin(1) == y_te).mean())
    return out


def first_layer_sign_share(x, hidden: int = 32, seed: int = 0) -> float:
    r"""Share of the rows of the first layer's weight gradient :math:`\partial L/\partial W_1`
    ``(hidden, D)``, for ONE example at a time, whose non-zero entries all have one sign:
    :math:`\partial L/\partial W_{ij} = \delta_i x_j`, so with :math:`x_j \ge 0` every row shares
    the sign of :math:`\delta_i`. Measured by backpropagation through a freshly initialized
    ``D → hidden → 10`` ReLU MLP (:func:`trainlab.models.mlp`, seed ``seed``) with random labels,
    averaged over the rows ``x`` ``(N, D)``."""
    import torch

    from ...models import mlp

    x = _x(x, "first_layer_sign_share")
    hidden = check_int(hidden, "first_layer_sign_share", "hidden", minimum=1)
    seed = check_int(seed, "first_layer_sign_share", "seed", minimum=0)
    torch.manual_seed(seed)
    net = mlp([x.shape[1], hidden, 10], activation="relu").double()
    first = next(m for m in net.modules() if isinstance(m, torch.nn.Linear))
    y = torch.randint(0, 10, (len(x),), generator=torch.Generator().manual_seed(seed))
    shares = []
    for xi, yi in zip(torch.from_numpy(x), y):
        net.zero_grad()
        torch.nn.functional.cross_entropy(net(xi[None]), yi[None]).backward()
        g = first.weight.grad
        rows = g[(g != 0).any(dim=1)]
        one_sign = ((rows >= 0).all(dim=1) | (rows <= 0).all(dim=1)).double()
        shares.append(one_sign.mean().item() if len(rows) else 1.0)
    return float(np.mean(shares))


def covariance_cost(d: int, bytes_per_number: int = 4) -> dict:
    r"""What a full covariance of ``d`` features costs: its :math:`d^2` entries, their memory in
    bytes (``bytes_per_number`` = 4: float32), and :math:`d^3`, the order of the operation count of
    its eigendecomposition (constant factor not included).

    Example:
        >>> covariance_cost(1000)["entries"]
        1000000
    """
    d = check_int(d, "covariance_cost", "d", minimum=1)
    bytes_per_number = check_int(bytes_per_number, "covariance_cost", "bytes_per_number", minimum=1)
    return {"entries": d * d, "bytes": d * d * bytes_per_number, "d_cubed": float(d) ** 3}


# ---------------------------------------------------------------- exercise checkers
def _check_fn(fn, func, verbose):
    check_bool(verbose, func, "verbose")
    if callable(fn):
        return None
    line = _("{arg} must be a function (got {what})").format(arg="fn", what=type(fn).__name__)
    return CheckResult.report(False, ["✗ " + line], verbose)


def _call(fn, args, shape, verbose):
    try:
        out = as_array(fn(*[a.copy() for a in args]))
    except Exception as error:  # the reader's code may fail in any way
        line = _("your function raised {error}").format(error=f"{type(error).__name__}: {error}")
        return None, CheckResult.report(False, ["✗ " + line], verbose)
    if out is None or out.shape != shape:
        what = "None" if out is None else tuple(out.shape)
        line = _("the result has shape {got}, expected {want}").format(got=what, want=shape)
        return None, CheckResult.report(False, ["✗ " + line], verbose)
    return out.astype(np.float64), None


def check_standardize(fn, verbose: bool = True) -> CheckResult:
    r"""Check the reader's ``fn(x_train, x_test)`` that returns ``x_test`` standardized with the
    TRAINING statistics, :math:`(x_{test} - \mu_{train})/\sigma_{train}` per feature, on a small
    random set of 3 features on different scales; hints for the usual slips (test statistics,
    no division, no centring)."""
    func = "check_standardize"
    bad = _check_fn(fn, func, verbose)
    if bad is not None:
        return bad
    rng = np.random.default_rng(1)
    x_tr = rng.normal([5.0, -2.0, 100.0], [1.0, 0.1, 30.0], size=(40, 3))
    x_te = rng.normal([6.0, -2.0, 80.0], [2.0, 0.2, 20.0], size=(10, 3))
    out, bad = _call(fn, (x_tr, x_te), x_te.shape, verbose)
    if bad is not None:
        return bad
    mu, sd = x_tr.mean(0), x_tr.std(0)
    if np.allclose(out, (x_te - mu) / sd, atol=1e-6) or np.allclose(out, (x_te - mu) / x_tr.std(0, ddof=1), atol=1e-6):
        return CheckResult.report(
            True,
            ["✓ " + _("Correct: the test set is standardized with the training mean and standard deviation.")],
            verbose,
        )
    lines = ["✗ " + _("the result is not (x_test − μ_train) / σ_train")]
    if np.allclose(out, (x_te - x_te.mean(0)) / x_te.std(0), atol=1e-3):
        lines.append("  " + _("Hint: you used the statistics of the test set; compute μ and σ on x_train only."))
    elif np.allclose(out, x_te - mu, atol=1e-6):
        lines.append("  " + _("Hint: centring is right; now divide by the training standard deviation."))
    elif np.allclose(out, x_te / sd, atol=1e-6):
        lines.append("  " + _("Hint: subtract the training mean first."))
    return CheckResult.report(False, lines, verbose)


def check_whiten(fn, verbose: bool = True) -> CheckResult:
    r"""Check the reader's ``fn(x)`` that whitens a 2-D cloud ``x`` ``(500, 2)``: the result must
    have mean 0 and covariance (divided by N) equal to I, to 1e-6; hints when it is only
    standardized (the features stay correlated) or only rotated (PCA without scaling)."""
    func = "check_whiten"
    bad = _check_fn(fn, func, verbose)
    if bad is not None:
        return bad
    x = correlated_cloud(500, seed=3)
    out, bad = _call(fn, (x,), x.shape, verbose)
    if bad is not None:
        return bad
    mean_dev = float(np.abs(out.mean(0)).max())
    cov = (out - out.mean(0)).T @ (out - out.mean(0)) / len(out)
    dev = float(np.abs(cov - np.eye(2)).max())
    if mean_dev < 1e-6 and dev < 1e-6:
        return CheckResult.report(True, ["✓ " + _("Correct: mean 0 and covariance I (to 1e-6).")], verbose)
    lines = [
        "✗ "
        + _("the covariance of the result is not I: largest deviation {dev}").format(dev=fmt(max(dev, mean_dev), 3))
    ]
    if mean_dev >= 1e-6:
        lines.append("  " + _("Hint: subtract the mean first."))
    elif np.allclose(np.diag(cov), 1.0, atol=1e-6):
        lines.append("  " + _("Hint: the variances are 1 but the features are still correlated: rotate with Uᵀ first."))
    elif abs(cov[0, 1]) < 1e-6:
        lines.append(
            "  " + _("Hint: the features are decorrelated; now divide each by the square root of its eigenvalue.")
        )
    return CheckResult.report(False, lines, verbose)
