r"""Why dropout works, in small, for the lesson dropout-why: weight scaling vs Monte-Carlo
averaging of thinned networks (Srivastava et al. 2014, Fig. 11), dropout as adaptive L2 for
logistic regression (Wager, Wang & Liang 2013), the sparsity of hidden activations (their Fig. 8),
and the exercise checkers.

Conventions: ``p`` is the probability of *dropping* a unit (PyTorch's ``p``; the paper's keep
probability is :math:`1 - p`); the mask is :math:`r`.

Example:
    >>> import torch
    >>> x = torch.tensor([[1.0, 0.0], [1.0, 1.0]], dtype=torch.float64)
    >>> w = torch.tensor([0.0, 0.0], dtype=torch.float64)
    >>> float(dropout_penalty(x, w, 0.5))  # w = 0: the penalty is zero
    0.0
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn

from ..._checks import check_bool, check_int, check_number, check_probability, check_tensor, check_type, got
from ...data import Split, check_labels, load_mnist
from ...exercises import CheckResult
from ...figures import finish, to_numpy
from ...i18n import _, fmt
from ...models import mlp

#: The default MNIST run of the lesson (a few seconds on one core).
DEFAULT = {"hidden": 128, "p": 0.5, "steps": 600, "batch_size": 64, "lr": 0.1, "train_size": 8000}
#: The numbers of sampled thinned networks averaged (Srivastava et al. 2014, Fig. 11 in small).
KS = (1, 2, 5, 10, 20, 50)
#: What counts as a "near-zero" activation.
NEAR_ZERO = 1e-3


# ----------------------------------------------------------------- MNIST MLPs with/without dropout
def train_mnist_mlp(p: float, seed: int = 0, config: dict | None = None) -> tuple[nn.Sequential, Split]:
    r"""Train ``784 -> hidden -> hidden -> 10`` ReLU MLP (:func:`trainlab.models.mlp`, dropout with
    drop probability ``p`` after each hidden ReLU) on :func:`trainlab.data.load_mnist` with
    SGD with momentum 0.9 for ``config["steps"]`` mini-batches drawn with replacement; return ``(model, data)``.

    Example:
        >>> net, data = train_mnist_mlp(0.5, config={**DEFAULT, "hidden": 8, "steps": 2})
        >>> [type(m).__name__ for m in net]
        ['Linear', 'ReLU', 'Dropout', 'Linear', 'ReLU', 'Dropout', 'Linear']
    """
    func = "train_mnist_mlp"
    p = check_probability(p, func, "p", allow_one=False)
    check_int(seed, func, "seed", minimum=0)
    cfg = _config(config, func)
    data = load_mnist()
    torch.manual_seed(seed)
    net = mlp([784, cfg["hidden"], cfg["hidden"], 10], dropout=p)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.SGD(net.parameters(), lr=cfg["lr"], momentum=0.9)
    n = min(cfg["train_size"], len(data.x_train))
    net.train()
    for _step in range(cfg["steps"]):
        idx = torch.randint(0, n, (cfg["batch_size"],), generator=gen)
        loss = nn.functional.cross_entropy(net(data.x_train[idx]), data.y_train[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    return net, data


def _config(config, func):
    if config is None:
        return dict(DEFAULT)
    check_type(config, func, "config", dict, "a dict")
    unknown = sorted(set(config) - set(DEFAULT))
    if unknown:
        raise ValueError(f"{func}: expected config keys among {sorted(DEFAULT)} (got {unknown})")
    return {**DEFAULT, **config}


@torch.no_grad()
def mc_vs_weight_scaling(model: nn.Module, x, y, ks=KS, repeats: int = 3, seed: int = 0) -> dict:
    r"""Test error of weight-scaling inference (``model.eval()``: with inverted dropout the
    identity, equal to the paper's scaling of the outgoing weights by the keep probability
    :math:`1-p`) and of Monte-Carlo averaging: the mean of the softmax outputs of :math:`k`
    thinned networks (``model.train()``, a fresh mask :math:`r` per pass),
    :math:`\hat y = \arg\max_c \frac1k\sum_{s=1}^k \mathrm{softmax}(f(x; r^{(s)}))_c`.

    Each of ``repeats`` repetitions draws ``max(ks)`` passes once and averages their first
    :math:`k`. The layers before the first dropout layer of a ``nn.Sequential`` are run once
    (they are the same in every thinned network). ``x``: ``(N, D)``; ``y``: ``(N,)`` labels. Returns ``{"ks", "weight_scaling",
    "mc_mean", "mc_std"}`` (errors as fractions; mean and standard deviation over the repeats).

    Example:
        >>> net = nn.Sequential(nn.Linear(2, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 2))
        >>> r = mc_vs_weight_scaling(net, torch.randn(16, 2), torch.zeros(16, dtype=torch.long), ks=(1, 4), repeats=2)
        >>> r["ks"], len(r["mc_mean"])
        ([1, 4], 2)
    """
    func = "mc_vs_weight_scaling"
    check_type(model, func, "model", nn.Module, "a torch.nn.Module")
    check_tensor(x, func, "x", ndims=(2,))
    check_labels(y, func, "y")
    if len(x) != len(y):
        raise ValueError(f"{func}: expected one label per row of x, {len(x)} (got {len(y)})")
    ks = _check_ks(ks, func)
    check_int(repeats, func, "repeats", minimum=1)
    check_int(seed, func, "seed", minimum=0)
    was_training = model.training
    model.eval()
    ws = float((model(x).argmax(1) != y).float().mean())
    model.train()
    # the layers before the first dropout are the same in every thinned network: run them once
    layers = list(model) if isinstance(model, nn.Sequential) else [model]
    first = next((i for i, m in enumerate(layers) if isinstance(m, nn.Dropout)), len(layers))
    prefix, rest = nn.Sequential(*layers[:first]), nn.Sequential(*layers[first:])
    h = prefix(x)
    torch.manual_seed(seed)
    errs = np.zeros((repeats, len(ks)))
    for rep in range(repeats):
        total = torch.zeros(len(x), rest(h[:1]).shape[1])
        done = 0
        for j, k in enumerate(ks):
            while done < k:
                total += torch.softmax(rest(h), dim=1)
                done += 1
            errs[rep, j] = float((total.argmax(1) != y).float().mean())
    model.train(was_training)
    return {
        "ks": list(ks),
        "weight_scaling": ws,
        "mc_mean": errs.mean(0).tolist(),
        "mc_std": errs.std(0).tolist(),
    }


def _check_ks(ks, func):
    if not isinstance(ks, (list, tuple)) or not ks:
        raise TypeError(f"{func}: expected ks to be a non-empty list or tuple of ints (got {got(ks)})")
    for k in ks:
        check_int(k, func, "each k", minimum=1)
    if list(ks) != sorted(set(ks)):
        raise ValueError(f"{func}: expected ks increasing without repeats (got {list(ks)})")
    return list(ks)


def plot_mc(result: dict):
    """Test error (%) of Monte-Carlo averaging against the number :math:`k` of thinned networks
    (mean ± one standard deviation over the repeats), with weight scaling as a horizontal line."""
    import matplotlib.pyplot as plt

    check_type(result, "plot_mc", "result", dict, "the dict of mc_vs_weight_scaling")
    fig, ax = plt.subplots(figsize=(6, 3.6), facecolor="white")
    ks = result["ks"]
    mean, std = np.array(result["mc_mean"]) * 100, np.array(result["mc_std"]) * 100
    ax.errorbar(ks, mean, yerr=std, marker="o", capsize=3, label=_("Monte-Carlo averaging"))
    ax.axhline(result["weight_scaling"] * 100, color="k", ls="--", label=_("weight scaling"))
    ax.set_xscale("log")
    ax.set_xticks(ks)
    ax.set_xticklabels([str(k) for k in ks])
    ax.set_xlabel(_("number of sampled thinned networks k"))
    ax.set_ylabel(_("test error (%)"))
    ax.legend()
    ax.grid(alpha=0.3)
    return finish(fig)


# ----------------------------------------------------------------- Wager et al. (2013): adaptive L2
def dropout_penalty(x, w, p: float, b: float = 0.0):
    r"""The quadratic approximation of the dropout penalty of logistic regression (Wager, Wang &
    Liang 2013), input dropout with drop probability ``p`` and inverted scaling
    :math:`\tilde x_{ij} = x_{ij} r_{ij}/(1-p)`:

    .. math:: R^q(w) = \frac12\,\frac{p}{1-p}\sum_i \pi_i(1-\pi_i)\sum_j x_{ij}^2 w_j^2,
              \qquad \pi_i = \sigma(x_i^\top w + b).

    ``x``: ``(N, D)``; ``w``: ``(D,)``; ``b``: the intercept (neither dropped nor penalized); returns a scalar tensor (differentiable in ``w``).

    Example:
        >>> x = torch.tensor([[2.0]], dtype=torch.float64)
        >>> w = torch.tensor([0.0], dtype=torch.float64)
        >>> float(dropout_penalty(x, w, 0.5))  # w = 0: no penalty
        0.0
    """
    func = "dropout_penalty"
    check_tensor(x, func, "x", ndims=(2,))
    check_tensor(w, func, "w", ndims=(1,))
    if x.shape[1] != w.shape[0]:
        raise ValueError(f"{func}: expected w with one weight per column of x, {x.shape[1]} (got {w.shape[0]})")
    p = check_probability(p, func, "p", allow_one=False)
    if not torch.is_tensor(b):
        b = check_number(b, func, "b")
    pi = torch.sigmoid(x @ w + b)
    return 0.5 * p / (1 - p) * ((pi * (1 - pi)) @ (x**2 @ w**2))


def feature_data(n: int = 2000, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor, list, list]:
    r"""A synthetic binary-feature set for logistic regression: 5 common features (present in half
    of the examples) and 5 rare ones (present in 5 %), all with the same true weight 1, labels
    :math:`y \sim \mathrm{Bernoulli}(\sigma(x^\top w^* - b))` with :math:`b` centring the logit.
    Returns ``(x (n, 10) float64, y (n,) float64, common columns, rare columns)``.

    Example:
        >>> x, y, common, rare = feature_data(200)
        >>> tuple(x.shape), common, rare
        ((200, 10), [0, 1, 2, 3, 4], [5, 6, 7, 8, 9])
    """
    func = "feature_data"
    check_int(n, func, "n", minimum=10)
    check_int(seed, func, "seed", minimum=0)
    g = torch.Generator().manual_seed(seed)
    freq = torch.tensor([0.5] * 5 + [0.05] * 5, dtype=torch.float64)
    x = (torch.rand(n, 10, generator=g, dtype=torch.float64) < freq).double()
    logit = x.sum(1) - float(freq.sum())
    y = (torch.rand(n, generator=g, dtype=torch.float64) < torch.sigmoid(logit)).double()
    return x, y, list(range(5)), list(range(5, 10))


def fit_logistic(x, y, penalty: str, p: float = 0.5, lam: float = 0.0, copies: int = 64, seed: int = 0):
    r"""Fit logistic regression without intercept (``x``: ``(N, D)``, ``y``: ``(N,)`` in {0, 1}),
    with an intercept :math:`b` that is neither dropped nor penalized,
    minimizing the summed negative log-likelihood plus a penalty, with L-BFGS in float64:

    * ``"dropout"``: the dropout objective itself, :math:`\frac1S\sum_s \sum_i \ell(\tilde x^{(s)}_i w, y_i)`
      over ``copies`` :math:`S` fixed dropout copies :math:`\tilde x^{(s)} = x \odot r^{(s)}/(1-p)`
      of the data (the expectation over masks, estimated);
    * ``"adaptive"``: :math:`\sum_i \ell(x_i w, y_i) + R^q(w)` (:func:`dropout_penalty`);
    * ``"l2"``: :math:`\sum_i \ell(x_i w, y_i) + \frac{\lambda}2\lVert w\rVert^2`;
    * ``"none"``: no penalty.

    Returns the weights ``(D,)`` and the intercept.

    Example:
        >>> x, y, _, _ = feature_data(200)
        >>> w, b = fit_logistic(x, y, "none")
        >>> tuple(w.shape)
        (10,)
    """
    func = "fit_logistic"
    check_tensor(x, func, "x", ndims=(2,))
    check_tensor(y, func, "y", ndims=(1,))
    if len(x) != len(y):
        raise ValueError(f"{func}: expected one label per row of x, {len(x)} (got {len(y)})")
    if penalty not in ("dropout", "adaptive", "l2", "none"):
        raise ValueError(f"{func}: expected penalty in ['dropout', 'adaptive', 'l2', 'none'] (got {penalty!r})")
    p = check_probability(p, func, "p", allow_one=False)
    lam = check_number(lam, func, "lam", 0.0)
    check_int(copies, func, "copies", minimum=1)
    check_int(seed, func, "seed", minimum=0)
    x, y = x.double(), y.double()
    if penalty == "dropout":
        g = torch.Generator().manual_seed(seed)
        r = (torch.rand(copies, *x.shape, generator=g, dtype=torch.float64) >= p).double()
        xs = x * r / (1 - p)
    w = torch.zeros(x.shape[1], dtype=torch.float64, requires_grad=True)
    b = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = torch.optim.LBFGS([w, b], lr=1, max_iter=500, tolerance_grad=1e-10, tolerance_change=1e-14,
                            line_search_fn="strong_wolfe")  # fmt: skip

    def nll(z):
        return nn.functional.binary_cross_entropy_with_logits(z, y.expand_as(z), reduction="sum")

    def closure():
        opt.zero_grad()
        if penalty == "dropout":
            loss = nll(xs @ w + b) / copies
        else:
            loss = nll(x @ w + b)
            if penalty == "adaptive":
                loss = loss + dropout_penalty(x, w, p, b)
            elif penalty == "l2":
                loss = loss + 0.5 * lam * (w**2).sum()
        loss.backward()
        return loss

    opt.step(closure)
    return w.detach(), float(b.detach())


def adaptive_vs_l2(p: float = 0.5, n: int = 2000, seed: int = 0) -> dict:
    r"""The experiment of the lesson: on :func:`feature_data`, the weights of logistic regression
    without a penalty, trained with input dropout, with the adaptive L2 penalty :math:`R^q`, and
    with a plain L2 penalty whose :math:`\lambda` is the mean of the adaptive per-feature
    coefficients :math:`\lambda_j = \frac{p}{1-p}\sum_i \pi_i(1-\pi_i)x_{ij}^2` at the unpenalized
    fit (the same total strength, spread evenly). Returns a dict of weight vectors, the
    coefficients, and the common/rare column lists.
    """
    func = "adaptive_vs_l2"
    p = check_probability(p, func, "p", allow_one=False)
    x, y, common, rare = feature_data(n, seed)
    w0, b0 = fit_logistic(x, y, "none")
    pi = torch.sigmoid(x @ w0 + b0)
    coef = p / (1 - p) * ((pi * (1 - pi)) @ x**2)
    out = {"common": common, "rare": rare, "coef": coef, "none": w0}
    out["dropout"] = fit_logistic(x, y, "dropout", p=p, seed=seed)[0]
    out["adaptive"] = fit_logistic(x, y, "adaptive", p=p)[0]
    out["l2"] = fit_logistic(x, y, "l2", lam=float(coef.mean()))[0]
    return out


def print_adaptive(result: dict) -> None:
    """Print the mean weight on common and on rare features per fit, the mean adaptive coefficient
    on each group, and the largest difference between the dropout and adaptive-L2 weights."""
    check_type(result, "print_adaptive", "result", dict, "the dict of adaptive_vs_l2")
    c, r = result["common"], result["rare"]
    print(
        _("adaptive L2 coefficient λ_j: common {c}, rare {r}").format(
            c=fmt(float(result["coef"][c].mean()), 1), r=fmt(float(result["coef"][r].mean()), 1)
        )
    )
    for key, label in (
        ("none", _("no penalty")),
        ("dropout", _("input dropout")),
        ("adaptive", _("adaptive L2")),
        ("l2", _("plain L2")),
    ):
        w = result[key]
        print(
            _("{label}: mean weight common {c}, rare {r}, rare/common {ratio}").format(
                label=label,
                c=fmt(float(w[c].mean()), 3),
                r=fmt(float(w[r].mean()), 3),
                ratio=fmt(float(w[r].mean() / w[c].mean()), 2),
            )
        )
    for key, label in (("adaptive", _("adaptive L2")), ("l2", _("plain L2"))):
        print(
            _("{label}: largest |w_dropout − w| = {d}").format(
                label=label, d=fmt(float((result["dropout"] - result[key]).abs().max()), 3)
            )
        )


# ----------------------------------------------------------------- sparsity (Fig. 8 in small)
@torch.no_grad()
def hidden_activations(model: nn.Sequential, x, layer: int = 1) -> torch.Tensor:
    r"""The activations after the ``layer``-th ReLU of ``model`` (1 = first hidden layer) on ``x``
    ``(N, D)``, in evaluation mode: a tensor ``(N, hidden)``.

    Example:
        >>> net = nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2))
        >>> tuple(hidden_activations(net, torch.randn(5, 3)).shape)
        (5, 4)
    """
    func = "hidden_activations"
    check_type(model, func, "model", nn.Sequential, "a torch.nn.Sequential")
    check_tensor(x, func, "x", ndims=(2,))
    relus = [i for i, m in enumerate(model) if isinstance(m, nn.ReLU)]
    check_int(layer, func, "layer", minimum=1, maximum=max(len(relus), 1))
    was_training = model.training
    model.eval()
    h = model[: relus[layer - 1] + 1](x)
    model.train(was_training)
    return h


def sparsity_stats(h) -> dict:
    r"""Of activations ``h`` ``(N, units)``: the fraction of near-zero entries (:math:`\le`
    :data:`NEAR_ZERO`), the mean activation, the median over units of the mean activation per
    unit, and the mean number of units above 1 per example.

    Example:
        >>> s = sparsity_stats(torch.tensor([[0.0, 2.0], [0.0, 4.0]]))
        >>> s["near_zero"], s["mean"], s["above_one"]
        (0.5, 1.5, 1.0)
    """
    check_tensor(h, "sparsity_stats", "h", ndims=(2,))
    h = h.double()
    return {
        "near_zero": float((h <= NEAR_ZERO).double().mean()),
        "mean": float(h.mean()),
        "median_unit_mean": float(h.mean(0).median()),
        "above_one": float((h > 1).double().sum(1).mean()),
    }


def plot_sparsity(acts: dict):
    """Two rows of histograms, one per model in ``acts`` (``{label: (N, units) activations}``): the
    mean activation per unit (left) and all activations (right, log count)."""
    import matplotlib.pyplot as plt

    check_type(acts, "plot_sparsity", "acts", dict, "a dict {label: activations}")
    fig, axes = plt.subplots(len(acts), 2, figsize=(8, 2.8 * len(acts)), facecolor="white", squeeze=False)
    top_mean = max(float(h.mean(0).max()) for h in acts.values())
    top = max(float(h.max()) for h in acts.values())
    for row, (label, h) in zip(axes, acts.items()):
        a = to_numpy(h)
        row[0].hist(a.mean(0), bins=30, range=(0, top_mean), color="tab:blue")
        row[0].set_title(f"{label}: " + _("mean activation per unit"))
        row[0].set_xlabel(_("mean activation"))
        row[0].set_ylabel(_("units"))
        row[1].hist(a.ravel(), bins=40, range=(0, top), color="tab:orange", log=True)
        row[1].set_title(f"{label}: " + _("all activations"))
        row[1].set_xlabel(_("activation value"))
        row[1].set_ylabel(_("count (log)"))
    return finish(fig)


# ----------------------------------------------------------------- exercise checkers
def check_dropout_penalty(func, verbose: bool = True) -> CheckResult:
    r"""Check the reader's ``func(x, w, p)`` computing the quadratic dropout penalty
    :math:`R^q(w)` of logistic regression (:func:`dropout_penalty`) on a few random inputs, to a
    relative 1e-6. Prints what is wrong, with a hint for the usual slips (the factor ½, the
    keep probability in place of the drop probability, :math:`x_{ij}` not squared).
    """
    if not callable(func):
        raise TypeError(f"check_dropout_penalty: expected func to be a function of (x, w, p) (got {got(func)})")
    check_bool(verbose, "check_dropout_penalty", "verbose")
    g = torch.Generator().manual_seed(1)
    lines, ok = [], True
    for p in (0.2, 0.5):
        x = torch.randn(30, 4, generator=g, dtype=torch.float64)
        w = torch.randn(4, generator=g, dtype=torch.float64)
        want = float(dropout_penalty(x, w, p))
        try:
            value = float(func(x.clone(), w.clone(), p))
        except Exception as e:  # the reader's code: report, never crash
            lines.append("✗ " + _("your function raised {err}").format(err=type(e).__name__))
            ok = False
            break
        if math.isclose(value, want, rel_tol=1e-6):
            continue
        ok = False
        hint = ""
        if math.isclose(value, 2 * want, rel_tol=1e-6):
            hint = _("the factor 1/2 is missing")
        elif math.isclose(value, want * ((1 - p) / p) ** 2, rel_tol=1e-6):
            hint = _("p/(1−p) uses the keep probability: p is the drop probability")
        pi = torch.sigmoid(x @ w)
        if math.isclose(value, float(0.5 * p / (1 - p) * ((pi * (1 - pi)) @ (x.abs() @ w**2))), rel_tol=1e-6):
            hint = _("x_ij must be squared")
        lines.append(
            "✗ "
            + _("p = {p}: got {got}, expected {want}").format(p=fmt(p), got=fmt(value, 4), want=fmt(want, 4))
            + (f" ({hint})" if hint else "")
        )
        break
    if ok:
        lines.append("✓ " + _("the dropout penalty is correct"))
    return CheckResult.report(ok, lines, verbose)


def check_thinned_count(log2_count, verbose: bool = True) -> CheckResult:
    r"""Check the reader's :math:`\log_2` of the number of thinned networks of
    ``mlp([784, 256, 256, 10], dropout=0.5)`` (dropout after each hidden layer only: :math:`2^{512}`).
    """
    check_bool(verbose, "check_thinned_count", "verbose")
    lines = []
    try:
        value = check_number(log2_count, "check_thinned_count", "log2_count")
    except (TypeError, ValueError):
        lines.append(
            "✗ " + _("{arg} must be a number (got {what})").format(arg="log2_count", what=type(log2_count).__name__)
        )
        value = None
    ok = value == 512
    if ok:
        lines.append("✓ " + _("2^512 thinned networks: one per subset of the 512 hidden units"))
    elif value is not None:
        hint = ""
        if value in (784 + 512, 784 + 512 + 10, 512 + 10):
            hint = _("here dropout acts only after the hidden layers, not on the inputs or outputs")
        elif value == 2 * 512:
            hint = _("a unit is either kept or dropped: 2 choices per unit, so the log2 is the number of units")
        shown = fmt(int(value)) if value == int(value) else fmt(value, 3)
        lines.append("✗ " + _("got {got}").format(got=shown) + (f" ({hint})" if hint else ""))
    return CheckResult.report(ok, lines, verbose)


# ----------------------------------------------------------------- printed tables
def print_mc(result: dict) -> None:
    """Print the test error of weight scaling and of Monte-Carlo averaging per :math:`k` (mean ±
    standard deviation over the repeats), and the gap MC − weight scaling at the largest :math:`k`."""
    check_type(result, "print_mc", "result", dict, "the dict of mc_vs_weight_scaling")
    print(_("weight scaling (model.eval()): test error {e}").format(e=fmt(result["weight_scaling"], 2, percent=True)))
    for k, mean, std in zip(result["ks"], result["mc_mean"], result["mc_std"]):
        print(
            _("Monte-Carlo, k = {k}: test error {e} ± {s}").format(
                k=k, e=fmt(mean, 2, percent=True), s=fmt(std, 2, percent=True)
            )
        )
    gap = result["mc_mean"][-1] - result["weight_scaling"]
    print(
        _("k = {k}: MC − weight scaling = {g} percentage points; standard deviation {s}").format(
            k=result["ks"][-1], g=fmt(100 * gap, 2), s=fmt(100 * result["mc_std"][-1], 2)
        )
    )


def print_sparsity(acts: dict) -> None:
    """Print :func:`sparsity_stats` of each model's activations in ``acts`` (``{label: (N, units)}``)."""
    check_type(acts, "print_sparsity", "acts", dict, "a dict {label: activations}")
    for label, h in acts.items():
        s = sparsity_stats(h)
        print(
            _(
                "{label}: near-zero {z}, mean activation {m}, median of the units' means {u}, units above 1 per digit {a}"
            ).format(
                label=label,
                z=fmt(s["near_zero"], 1, percent=True),
                m=fmt(s["mean"], 3),
                u=fmt(s["median_unit_mean"], 3),
                a=fmt(s["above_one"], 1),
            )
        )
