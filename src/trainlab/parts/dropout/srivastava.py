r"""Srivastava et al. (2014, JMLR) "Dropout" reproduced in small on 10,000 MNIST digits (shrunk to 14x14): network size
and overfitting, the drop probability (their Fig. 9), the training-set size (their Fig. 10) and max-norm.

Conventions: ``p`` here is the probability of DROPPING a hidden unit (PyTorch's ``p``); the
paper's ``p`` is the probability of KEEPING it, ``1 - p`` here.  Every experiment trains an MLP
``196 -> h -> h -> 10`` (ReLU, dropout after each hidden activation, no input dropout) with SGD
and momentum for a fixed number of steps, and reports the training and test error.

Example:
    >>> w = torch.tensor([[3.0, 4.0], [0.3, 0.4]])
    >>> max_norm_(w, 1.0).norm(dim=1)
    tensor([1.0000, 0.5000])
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import torch
from matplotlib.ticker import NullFormatter, ScalarFormatter
from torch import nn

from ..._checks import check_int, check_number, check_probability, check_tensor, check_type, got
from ...data import Split, load_mnist
from ...exercises import CheckResult
from ...figures import finish
from ...i18n import _, fmt
from ...models import mlp

__all__ = [
    "DEFAULT",
    "max_norm_",
    "load_data",
    "fit",
    "size_sweep",
    "p_sweep",
    "data_size_sweep",
    "max_norm_compare",
    "format_rows",
    "plot_overview",
    "check_max_norm",
]

#: Settings of the default (fast) run: SGD with momentum, mini-batch size m, learning rate eta.
DEFAULT = {"steps": 1000, "batch_size": 50, "lr": 0.05, "momentum": 0.9, "n_train": 1000, "seed": 0}


_CACHE: dict = {}


def max_norm_(weight: torch.Tensor, c: float) -> torch.Tensor:
    r"""Project each row (the incoming weights of one unit) onto the ball :math:`\lVert w\rVert_2 \le c`, in place.

    :math:`w \leftarrow w \cdot \min(1, c / \lVert w\rVert_2)` (Srivastava et al. 2014, Sec. 5.1).

    Args:
        weight: ``(out_features, in_features)`` tensor, one row per unit.
        c: the bound, ``c > 0``.
    Returns:
        ``weight`` itself.
    """
    check_tensor(weight, "max_norm_", "weight", ndims=(2,))
    c = check_number(c, "max_norm_", "c", low=0.0)
    if c <= 0:
        raise ValueError(f"max_norm_: expected c > 0 (got {c!r})")
    with torch.no_grad():
        norms = weight.norm(dim=1, keepdim=True)
        weight.mul_(torch.clamp(c / norms.clamp_min(1e-12), max=1.0))
    return weight


def load_data(seed: int = 0) -> Split:
    """The 10,000 MNIST digits (8,000 train / 2,000 test), shrunk to 14x14 by averaging 2x2 pixel
    blocks (196 features in [0, 1]), so that the lesson's many runs fit in its time budget."""
    check_int(seed, "load_data", "seed", minimum=0)
    d = load_mnist(seed=seed)

    def shrink(x):
        return nn.functional.avg_pool2d(x.reshape(-1, 1, 28, 28), 2).reshape(len(x), -1)

    return Split(shrink(d.x_train), d.y_train, shrink(d.x_test), d.y_test, (1, 14, 14))


def _error(model, x, y) -> float:
    model.eval()
    with torch.no_grad():
        err = (model(x).argmax(dim=1) != y).float().mean().item()
    model.train()
    return err


def fit(
    data: Split,
    hidden: int | tuple = 256,
    p: float = 0.0,
    n_train: int | None = None,
    max_norm: float | None = None,
    config: dict | None = None,
    curve_every: int = 100,
) -> dict:
    r"""Train ``196 -> h1 -> h2 -> 10`` (ReLU, dropout with drop probability ``p`` after each hidden
    activation) and return its training and test error.

    Args:
        data: a :class:`trainlab.data.Split` (from :func:`load_data`).
        hidden: width of both hidden layers, or a tuple of widths.
        p: drop probability (PyTorch's p; the paper's keep probability is ``1 - p``).
        n_train: use the first ``n_train`` training images (default: ``config["n_train"]``).
        max_norm: if given, project every hidden unit's incoming weights onto
            :math:`\lVert w\rVert_2 \le c` after each step (:func:`max_norm_`).
        config: overrides of :data:`DEFAULT`.
        curve_every: if > 0, also record both errors every ``curve_every`` steps.

    Results are cached per ``data`` and arguments, so experiments that share a run train it once.

    Returns:
        ``{"train": error, "test": error, "steps": [...], "train_curve": [...], "test_curve": [...]}``.
    """
    check_type(data, "fit", "data", Split, "a trainlab.data.Split")
    cfg = {**DEFAULT, **(config or {})}
    widths = (hidden, hidden) if isinstance(hidden, int) and not isinstance(hidden, bool) else hidden
    check_type(widths, "fit", "hidden", (tuple, list), "an int or a tuple of ints")
    widths = [check_int(h, "fit", "hidden", minimum=1) for h in widths]
    p = check_probability(p, "fit", "p", allow_one=False)
    n = cfg["n_train"] if n_train is None else n_train
    n = check_int(n, "fit", "n_train", minimum=1, maximum=len(data.x_train))
    if max_norm is not None:
        check_number(max_norm, "fit", "max_norm", low=0.0)
    check_int(curve_every, "fit", "curve_every", minimum=0)
    key = (id(data), tuple(widths), p, n, max_norm, tuple(sorted(cfg.items())), curve_every)
    if key in _CACHE:
        return dict(_CACHE[key])
    x, y = data.x_train[:n], data.y_train[:n]
    out = {"steps": [], "train_curve": [], "test_curve": []}
    with torch.random.fork_rng():
        torch.manual_seed(cfg["seed"])
        model = mlp([x.shape[1], *widths, 10], dropout=p)
        opt = torch.optim.SGD(model.parameters(), lr=cfg["lr"], momentum=cfg["momentum"])
        loss_fn = nn.CrossEntropyLoss()
        m = min(cfg["batch_size"], n)
        order, pos = torch.randperm(n), 0
        for step in range(1, cfg["steps"] + 1):
            if pos + m > n:
                order, pos = torch.randperm(n), 0
            idx = order[pos : pos + m]
            pos += m
            opt.zero_grad()
            loss_fn(model(x[idx]), y[idx]).backward()
            opt.step()
            if max_norm is not None:
                for layer in list(model)[:-1]:
                    if isinstance(layer, nn.Linear):
                        max_norm_(layer.weight, max_norm)
            if curve_every and step % curve_every == 0:
                out["steps"].append(step)
                out["train_curve"].append(_error(model, x, y))
                out["test_curve"].append(_error(model, data.x_test, data.y_test))
        out["train"] = _error(model, x, y)
        out["test"] = _error(model, data.x_test, data.y_test)
    _CACHE[key] = out
    return dict(out)


def size_sweep(data: Split, widths=(64, 256, 1024), p: float = 0.5, config: dict | None = None) -> dict:
    """:func:`fit` for each hidden width, without dropout (``p = 0``) and with drop probability ``p``.

    Returns ``{(width, p_used): fit result}``.
    """
    check_type(widths, "size_sweep", "widths", (tuple, list), "a tuple of widths")
    return {(w, q): fit(data, w, q, config=config) for w in widths for q in (0.0, p)}


def p_sweep(data: Split, keeps=(0.2, 0.4, 0.6, 0.8, 1.0), n: int = 128, pn: int = 64, config: dict | None = None):
    r"""The paper's Fig. 9 in small, as a function of the KEEP probability :math:`1-p`.

    (a) fixed width ``n``; (b) fixed expected number of kept units :math:`(1-p)\,n` = ``pn``
    (width ``round(pn / keep)``).  Returns ``{"fixed n": {keep: result}, "fixed pn": {keep: result}}``.
    """
    check_type(keeps, "p_sweep", "keeps", (tuple, list), "a tuple of keep probabilities")
    for k in keeps:
        if check_number(k, "p_sweep", "keeps") <= 0 or k > 1:
            raise ValueError(f"p_sweep: expected keep probabilities in (0, 1] (got {k!r})")
    check_int(n, "p_sweep", "n", minimum=1)
    check_int(pn, "p_sweep", "pn", minimum=1)
    return {
        "fixed n": {k: {**fit(data, n, 1 - k, config=config), "width": n} for k in keeps},
        "fixed pn": {k: {**fit(data, round(pn / k), 1 - k, config=config), "width": round(pn / k)} for k in keeps},
    }


def data_size_sweep(data: Split, sizes=(100, 500, 1000, 4000, 8000), p: float = 0.5, hidden: int = 256, config=None):
    """The paper's Fig. 10 in small: :func:`fit` at each training-set size, with and without dropout.

    Returns ``{(size, p_used): fit result}``.
    """
    check_type(sizes, "data_size_sweep", "sizes", (tuple, list), "a tuple of sizes")
    return {(s, q): fit(data, hidden, q, n_train=s, config=config) for s in sizes for q in (0.0, p)}


def max_norm_compare(data: Split, c: float = 3.0, p: float = 0.5, hidden: int = 256, config=None) -> dict:
    """Dropout (drop probability ``p``) with and without max-norm ``c``, at a larger learning rate
    (``config`` may override it): ``{"dropout": result, "dropout + max-norm": result}``."""
    check_number(c, "max_norm_compare", "c", low=0.0)
    return {
        "dropout": fit(data, hidden, p, config=config),
        "dropout + max-norm": fit(data, hidden, p, max_norm=c, config=config),
    }


def format_rows(rows: dict, key_name: str) -> str:
    """A text table ``key | train error | test error | gap`` (errors in percent, one decimal)."""
    check_type(rows, "format_rows", "rows", dict, "a dict of fit results")
    names = [_("train error"), _("test error"), _("gap")]
    widths = [max(len(n), 7) for n in names]
    lines = [f"{key_name:>18} | " + " | ".join(f"{n:>{w}}" for n, w in zip(names, widths))]
    for key, r in rows.items():
        label = ", ".join(
            fmt(k) if not isinstance(k, str) else _(k) for k in (key if isinstance(key, tuple) else (key,))
        )
        cells = [fmt(v, 1, percent=True) for v in (r["train"], r["test"], r["test"] - r["train"])]
        lines.append(f"{label:>18} | " + " | ".join(f"{c:>{w}}" for c, w in zip(cells, widths)))
    return "\n".join(lines)


def plot_overview(sizes: dict, ps: dict, data_sizes: dict):
    """Three panels: test error vs hidden width, vs the keep probability (Fig. 9), vs the
    training-set size (Fig. 10), each with and without dropout."""
    for name, arg in (("sizes", sizes), ("ps", ps), ("data_sizes", data_sizes)):
        check_type(arg, "plot_overview", name, dict, "a dict of results")
    fig, axes = plt.subplots(1, 3, figsize=(13, 3.8), facecolor="white")
    for ax, results, xlabel in (
        (axes[0], sizes, _("hidden units per layer")),
        (axes[2], data_sizes, _("training images")),
    ):
        ws = sorted({k[0] for k in results})
        for q in sorted({k[1] for k in results}):
            label = _("no dropout") if q == 0 else _("dropout p = {p}").format(p=fmt(q))
            ax.plot(ws, [100 * results[(w, q)]["test"] for w in ws], "o-", label=label)
        ax.set_xscale("log")
        ax.set_xticks(ws)
        ax.xaxis.set_major_formatter(ScalarFormatter())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_xlabel(xlabel)
        ax.set_ylabel(_("test error (%)"))
        ax.legend()
    for case, style, color in (("fixed n", "o-", "C0"), ("fixed pn", "s--", "C2")):
        keeps = list(ps[case])
        for part, alpha in (("test", 1.0), ("train", 0.45)):
            label = _(case) + ": " + _(part)
            axes[1].plot(keeps, [100 * ps[case][k][part] for k in keeps], style, color=color, alpha=alpha, label=label)
    axes[1].set_xlabel(_("keep probability 1 − p (the paper's p)"))
    axes[1].set_ylabel(_("error (%)"))
    axes[1].legend(fontsize=8)
    axes[0].set_title(_("network size"))
    axes[1].set_title(_("keep probability (Fig. 9)"))
    axes[2].set_title(_("training-set size (Fig. 10)"))
    return finish(fig)


def check_max_norm(func, verbose: bool = True) -> CheckResult:
    """Checker of the exercise "implement the max-norm projection": ``func(weight, c)`` must return
    the tensor with every row's L2 norm clipped to ``c`` (rows already inside unchanged)."""
    if not callable(func):
        raise TypeError(f"check_max_norm: expected func to be a function (got {got(func)})")
    gen = torch.Generator().manual_seed(0)
    w = torch.randn(6, 5, generator=gen) * torch.tensor([[0.1], [0.5], [1.0], [2.0], [3.0], [5.0]])
    want = max_norm_(w.clone(), 2.0)
    lines, ok = [], True
    try:
        got_w = func(w.clone(), 2.0)
    except Exception as e:  # the learner's code may fail in any way
        got_w, ok = None, False
        lines.append("✗ " + _("your function raised {error}").format(error=type(e).__name__))
    if got_w is not None:
        if not isinstance(got_w, torch.Tensor) or got_w.shape != w.shape:
            ok = False
            lines.append("✗ " + _("return a tensor of the same shape as the weight"))
        elif not torch.allclose(got_w, want, atol=1e-5):
            ok = False
            norms = ", ".join(fmt(v, 2) for v in got_w.norm(dim=1).tolist())
            lines.append(
                "✗ "
                + _("row norms after your projection: {norms}; each must be min(‖w‖, c) with c = 2").format(norms=norms)
            )
            if torch.allclose(got_w.norm(dim=1), torch.full((6,), 2.0), atol=1e-4):
                lines.append("  " + _("hint: rows already inside the ball must stay unchanged"))
        else:
            lines.append("✓ " + _("every row's norm is min(‖w‖, c); rows inside the ball are unchanged"))
    return CheckResult.report(ok, lines, verbose)
