r"""The minibatch-gd lesson: linear regression by gradient descent written from scratch (full
batch, mini-batch, stochastic), the noise of a mini-batch gradient against the batch size, the
stored timings (time per example against the batch size, batch sizes near powers of 2, one epoch
of each way) and the checkers of the lesson's exercises.

Example:
    >>> x, y = make_regression(n=64, features=3, seed=0)
    >>> w, b = torch.zeros(3, dtype=torch.float64), torch.zeros((), dtype=torch.float64)
    >>> gw, gb = mse_gradient(x, y, w, b)
    >>> tuple(gw.shape), tuple(gb.shape)
    ((3,), ())
    >>> updates_per_epoch(1797, 64), updates_per_epoch(1797, 64, drop_last=True)
    (29, 28)
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import statistics
import time
from importlib import resources
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import torch
from matplotlib import ticker

from ..._checks import check_bool, check_int, check_number, check_type, got
from ..._results import write_timed_record
from ...exercises import CheckResult, as_array
from ...figures import finish
from ...i18n import _, fmt

#: The data of the lesson's linear regression: N examples, d features, noise std, seed.
N, FEATURES, NOISE, SEED = 1000, 8, 0.5, 0
#: The three ways the lesson trains it: label -> mini-batch size m (None: the whole set).
WAYS = {"full batch": None, "mini-batch, m = 32": 32, "stochastic, m = 1": 1}


# ----------------------------------------------------------------------------- the model
def make_regression(n: int = N, features: int = FEATURES, noise: float = NOISE, seed: int = SEED):
    r"""A synthetic linear-regression set :math:`y_i = x_i^\top w^* + b^* + \varepsilon_i` with
    :math:`x_i \sim \mathcal N(0, I_d)`, :math:`w^* \sim \mathcal N(0, I_d)`, :math:`b^* = 1`,
    :math:`\varepsilon_i \sim \mathcal N(0, \text{noise}^2)`; float64.  Returns ``(x, y)`` of
    shapes ``(n, features)`` and ``(n,)``; the best possible mean squared error is about
    ``noise**2``."""
    n = check_int(n, "make_regression", "n", minimum=2)
    features = check_int(features, "make_regression", "features", minimum=1)
    noise = check_number(noise, "make_regression", "noise", low=0.0)
    seed = check_int(seed, "make_regression", "seed", minimum=0)
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(n, features, generator=gen, dtype=torch.float64)
    w_star = torch.randn(features, generator=gen, dtype=torch.float64)
    y = x @ w_star + 1.0 + noise * torch.randn(n, generator=gen, dtype=torch.float64)
    return x, y


def _check_xywb(func, x, y, w, b):
    for arg, v in (("x", x), ("y", y), ("w", w), ("b", b)):
        check_type(v, func, arg, torch.Tensor, "a torch.Tensor")
    if x.dim() != 2 or y.shape != (x.shape[0],) or w.shape != (x.shape[1],) or b.numel() != 1:
        raise ValueError(
            f"{func}: expected x (N, d), y (N,), w (d,) and a one-element b "
            f"(got {tuple(x.shape)}, {tuple(y.shape)}, {tuple(w.shape)}, {tuple(b.shape)})"
        )


def mse_loss(x, y, w, b):
    r""":math:`L(w, b) = \frac1N \sum_i (x_i^\top w + b - y_i)^2` of ``x`` ``(N, d)``, ``y``
    ``(N,)``, ``w`` ``(d,)``, ``b`` (one element); a 0-d tensor."""
    _check_xywb("mse_loss", x, y, w, b)
    return ((x @ w + b - y) ** 2).mean()


def mse_gradient(x, y, w, b):
    r"""The gradient of :func:`mse_loss` written by hand: with the residuals
    :math:`r_i = x_i^\top w + b - y_i`,
    :math:`\nabla_w L = \frac2N \sum_i r_i x_i = \frac2N X^\top r` and
    :math:`\partial L/\partial b = \frac2N \sum_i r_i`.  Returns ``(grad_w (d,), grad_b (same shape as b))``."""
    _check_xywb("mse_gradient", x, y, w, b)
    r = x @ w + b - y
    return 2.0 / len(y) * (x.T @ r), (2.0 * r.mean()).reshape(b.shape)


def updates_per_epoch(n: int, batch_size: int, drop_last: bool = False) -> int:
    r"""Updates (iterations) in one epoch over ``n`` examples in mini-batches of ``batch_size``:
    :math:`\lceil n/m \rceil`, or :math:`\lfloor n/m \rfloor` when the last, smaller batch is dropped."""
    n = check_int(n, "updates_per_epoch", "n", minimum=1)
    m = check_int(batch_size, "updates_per_epoch", "batch_size", minimum=1)
    drop_last = check_bool(drop_last, "updates_per_epoch", "drop_last")
    return n // m if drop_last else -(-n // m)


def train_linear(x, y, batch_size, epochs: int = 20, lr: float = 0.05, seed: int = 0) -> dict:
    r"""Linear regression from :math:`w = 0, b = 0` by :math:`w \leftarrow w - \eta \nabla L_B`,
    :math:`b \leftarrow b - \eta\, \partial L_B/\partial b` (:func:`mse_gradient` on each
    mini-batch :math:`B`), the set reshuffled every epoch; ``batch_size=None`` is full-batch
    gradient descent.  Returns ``{"loss": [L on the whole set after 0, 1, ..., epochs epochs],
    "updates": [updates made by then], "w", "b"}``."""
    check_type(x, "train_linear", "x", torch.Tensor, "a torch.Tensor")
    n = len(x)
    m = n if batch_size is None else check_int(batch_size, "train_linear", "batch_size", minimum=1)
    epochs = check_int(epochs, "train_linear", "epochs", minimum=1)
    lr = check_number(lr, "train_linear", "lr", low=0.0, low_open=True)
    gen = torch.Generator().manual_seed(check_int(seed, "train_linear", "seed", minimum=0))
    w, b = torch.zeros(x.shape[1], dtype=x.dtype), torch.zeros((), dtype=x.dtype)
    loss, updates = [mse_loss(x, y, w, b).item()], [0]
    for _epoch in range(epochs):
        order = torch.randperm(n, generator=gen)  # a new order every epoch
        for start in range(0, n, m):
            idx = order[start : start + m]
            gw, gb = mse_gradient(x[idx], y[idx], w, b)
            w, b = w - lr * gw, b - lr * gb
        loss.append(mse_loss(x, y, w, b).item())
        updates.append(updates[-1] + updates_per_epoch(n, m))
    return {"loss": loss, "updates": updates, "w": w, "b": b}


def train_three_ways(epochs: int = 20, lr: float = 0.05, seed: int = 0) -> dict:
    """:func:`train_linear` on :func:`make_regression`'s set for each of :data:`WAYS` (same data,
    same start, same :math:`\\eta`): ``{label: run}``."""
    epochs = check_int(epochs, "train_three_ways", "epochs", minimum=1)
    x, y = make_regression()
    return {label: train_linear(x, y, m, epochs=epochs, lr=lr, seed=seed) for label, m in WAYS.items()}


def plot_loss(runs, x_axis="epochs", seconds_per_epoch=None):
    """The loss on the whole set of :func:`train_three_ways`' ``runs`` (log scale) against
    ``x_axis``: ``"epochs"`` (from epoch 0), ``"updates"`` or ``"seconds"`` (epochs times the
    stored ``seconds_per_epoch[label]``; both log scale, from epoch 1), or a tuple of them, side by side."""
    check_type(runs, "plot_loss", "runs", dict, "a dict {label: train_linear() result}")
    names = [x_axis] if isinstance(x_axis, str) else list(x_axis)
    for a in names:
        if a not in ("epochs", "updates", "seconds"):
            raise ValueError(
                f"plot_loss: expected x_axis 'epochs', 'updates', 'seconds' or a tuple of them (got {x_axis!r})"
            )
    if "seconds" in names and not isinstance(seconds_per_epoch, dict):
        raise TypeError(
            f"plot_loss: expected seconds_per_epoch to be a dict {{label: seconds}} (got {got(seconds_per_epoch)})"
        )
    fig, axes = plt.subplots(1, len(names), figsize=(4.4 * len(names) + 0.6, 3.4), squeeze=False)
    xlabels = {
        "epochs": _("epoch"),
        "updates": _("updates (log scale)"),
        "seconds": _("seconds (stored timing, log scale)"),
    }
    for ax, name in zip(axes[0], names):
        for label, run in runs.items():
            epochs = np.arange(len(run["loss"]))
            if name == "epochs":
                ax.plot(epochs, run["loss"], marker="o", ms=3, label=_(label))
                ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True, steps=[1, 2, 5, 10]))
                continue
            xs = np.array(run["updates"][1:]) if name == "updates" else epochs[1:] * seconds_per_epoch[label]
            ax.plot(xs, run["loss"][1:], marker="o", ms=3, label=_(label))
            ax.set_xscale("log")
        ax.axhline(NOISE**2, color="gray", ls=":", label=_("noise variance"))
        ax.set_yscale("log")
        ax.set(xlabel=xlabels[name], ylabel=_("loss L (whole set)"))
        ax.grid(True, alpha=0.3)
    axes[0][0].legend()
    return finish(fig)


def format_time_to_loss(runs, seconds_per_epoch, target: float = 0.3) -> str:
    """For each run: the first epoch whose loss is below ``target``, with its updates and stored
    seconds (epochs times ``seconds_per_epoch[label]``), or that it does not get there."""
    check_type(runs, "format_time_to_loss", "runs", dict, "a dict {label: train_linear() result}")
    check_type(seconds_per_epoch, "format_time_to_loss", "seconds_per_epoch", dict, "a dict {label: seconds}")
    target = check_number(target, "format_time_to_loss", "target", low=0.0, low_open=True)
    lines = []
    for label, run in runs.items():
        below = [e for e, v in enumerate(run["loss"]) if v < target]
        if not below:
            text = _("not below {target} within {epochs} epochs").format(
                target=fmt(target, 2), epochs=len(run["loss"]) - 1
            )
        else:
            e = below[0]
            text = _("below {target} after {epochs} epochs = {updates} updates = {seconds} s").format(
                target=fmt(target, 2),
                epochs=e,
                updates=fmt(run["updates"][e]),
                seconds=_two_digits(e * seconds_per_epoch[label]),
            )
        lines.append(_(label) + ": " + text)
    return "\n".join(lines)


# ----------------------------------------------------------------------- gradient noise
def gradient_noise(sizes=(1, 2, 4, 8, 16, 32, 64, 128, 256), draws: int = 400, seed: int = 0) -> dict:
    r"""How far a mini-batch gradient lies from the full one, on :func:`make_regression`'s set at
    :math:`w = 0, b = 0`.  For each size :math:`m`, ``draws`` mini-batches are drawn without
    replacement; ``std[m]`` :math:`= \sqrt{\overline{\lVert g_B - g\rVert^2}}` over the draws
    (``g`` the full gradient of :math:`(w, b)`).  Theory for a mean of :math:`m` of the
    :math:`N` per-example gradients :math:`g_i`: :math:`\sqrt{\frac{s^2}{m}\,\frac{N-m}{N-1}}`
    with :math:`s^2 = \frac1N \sum_i \lVert g_i - g\rVert^2` (``theory_fpc``), or without the
    finite-population correction :math:`\sqrt{s^2/m}` (``theory``)."""
    check_type(sizes, "gradient_noise", "sizes", (list, tuple), "a list of batch sizes")
    sizes = [check_int(m, "gradient_noise", "sizes", minimum=1) for m in sizes]
    draws = check_int(draws, "gradient_noise", "draws", minimum=2)
    x, y = make_regression()
    n = len(y)
    if max(sizes) > n:
        raise ValueError(f"gradient_noise: expected batch sizes <= {n} (got {max(sizes)})")
    r = -y  # residuals at w = 0, b = 0
    per_example = torch.cat([2 * r[:, None] * x, 2 * r[:, None]], dim=1)  # (N, d + 1): g_i
    full = per_example.mean(dim=0)
    s2 = ((per_example - full) ** 2).sum(dim=1).mean().item()
    gen = torch.Generator().manual_seed(check_int(seed, "gradient_noise", "seed", minimum=0))
    out = {"sizes": sizes, "std": [], "theory": [], "theory_fpc": [], "n": n}
    for m in sizes:
        idx = torch.rand(draws, n, generator=gen).argsort(dim=1)[:, :m]  # without replacement
        batch = per_example[idx].mean(dim=1)  # (draws, d + 1)
        out["std"].append(((batch - full) ** 2).sum(dim=1).mean().sqrt().item())
        out["theory"].append(math.sqrt(s2 / m))
        out["theory_fpc"].append(math.sqrt(s2 / m * (n - m) / (n - 1)))
    return out


def fitted_slope(sizes, values) -> float:
    """The least-squares slope of ``log(values)`` against ``log(sizes)`` (a power law's exponent)."""
    check_type(sizes, "fitted_slope", "sizes", (list, tuple), "a list of positive numbers")
    check_type(values, "fitted_slope", "values", (list, tuple), "a list of positive numbers")
    if len(sizes) != len(values) or len(sizes) < 2 or min(sizes) <= 0 or min(values) <= 0:
        raise ValueError(
            f"fitted_slope: expected two lists of >= 2 positive numbers of the same length (got {len(sizes)} and {len(values)})"
        )
    return float(np.polyfit(np.log(sizes), np.log(values), 1)[0])


def plot_gradient_noise(noise):
    r"""The measured ``std`` of :func:`gradient_noise` against :math:`1/\sqrt m` on log-log axes,
    with the two theory lines."""
    check_type(noise, "plot_gradient_noise", "noise", dict, "the dict of gradient_noise()")
    inv = 1 / np.sqrt(noise["sizes"])
    fig, ax = plt.subplots(figsize=(5.2, 3.6))
    ax.plot(inv, noise["theory"], "--", color="gray", label=_("theory s/√m"))
    ax.plot(inv, noise["theory_fpc"], "-", color="tab:orange", label=_("theory with finite-population correction"))
    ax.plot(inv, noise["std"], "o", color="tab:blue", label=_("measured"))
    for m, xv, yv in zip(noise["sizes"], inv, noise["std"]):
        ax.annotate(f"m={m}", (xv, yv), textcoords="offset points", xytext=(6, -4), fontsize=7)
    ax.set(xscale="log", yscale="log", xlabel="1/√m", ylabel=_("std of the mini-batch gradient"))
    ax.set_xticks([1 / 16, 1 / 8, 1 / 4, 1 / 2, 1.0], ["1/16", "1/8", "1/4", "1/2", "1"])  # m = 256, 64, 16, 4, 1
    ax.set_yticks([1, 2, 5, 10, 20])
    ax.yaxis.set_major_formatter(ticker.ScalarFormatter())
    for axis in (ax.xaxis, ax.yaxis):
        axis.set_minor_formatter(ticker.NullFormatter())
    ax.margins(0.08)
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8)
    return finish(fig)


# ---------------------------------------------------------------------- stored timings
#: The sizes timed for the time per example, and the neighbours of 64 and 128.
TIME_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024)
NEIGHBOURS = (63, 64, 65, 127, 128, 129)
#: The network of the timings: an MLP 64 -> 256 -> 256 -> 10 (digits-sized), one SGD step.
MLP_SIZES = [64, 256, 256, 10]
#: The stored measurement the lesson prints, regenerated with (about a minute)::
#:
#:     python -m trainlab.parts.foundations.gradient_descent --out src/trainlab/parts/foundations/results/minibatch-gd-timing.json
RESULTS = "minibatch-gd-timing.json"
PINNED = ("OMP_NUM_THREADS", "MKL_CBWR", "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA", "OPENBLAS_CORETYPE")


def _cpu_name() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "?"


def _step_timer(m: int, seed: int = 0):
    """A function doing one SGD step (forward, cross-entropy, backward, update) of the MLP on a
    random batch of ``m`` digits-shaped examples."""
    from ...models import mlp

    torch.manual_seed(seed)
    net = mlp(MLP_SIZES)
    opt = torch.optim.SGD(net.parameters(), lr=0.01)
    gen = torch.Generator().manual_seed(seed)
    xb, yb = torch.randn(m, MLP_SIZES[0], generator=gen), torch.randint(0, 10, (m,), generator=gen)

    def step():
        loss = torch.nn.functional.cross_entropy(net(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()

    return step


def _time_interleaved(runs: dict, repeats: int, inner: int) -> dict:
    """``{key: [seconds of one call, per round]}``: every round times each function ``inner``
    times in turn (round 0 warms up and is dropped), so a change of load hits all alike."""
    times = {k: [] for k in runs}
    for round_ in range(repeats + 1):
        for key, run in runs.items():
            start = time.perf_counter()
            for _i in range(inner):
                run()
            if round_:
                times[key].append((time.perf_counter() - start) / inner)
    return times


def _summary(values) -> dict:
    q = np.quantile(values, [0.25, 0.5, 0.75])
    return {"median": float(q[1]), "q1": float(q[0]), "q3": float(q[2])}


def measure(repeats: int = 21, inner: int = 20) -> dict:
    """The timings the lesson prints, on one thread: ``per_example`` (median seconds per example
    of one MLP SGD step, for each of :data:`TIME_SIZES`), ``neighbours`` (median and quartiles of
    one step at :data:`NEIGHBOURS`), ``epoch`` (seconds of one epoch of :func:`train_linear` for each
    of :data:`WAYS`, and of one epoch of the MLP on 1,437 digits in full batch and in mini-batches
    of 64), with ``settings`` and ``machine``."""
    repeats = check_int(repeats, "measure", "repeats", minimum=1)
    inner = check_int(inner, "measure", "inner", minimum=1)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        steps = _time_interleaved({m: _step_timer(m) for m in TIME_SIZES}, repeats, inner)
        near = _time_interleaved({m: _step_timer(m) for m in NEIGHBOURS}, repeats, inner)
        x, y = make_regression()
        linear = {label: (lambda m=m: train_linear(x, y, m, epochs=1)) for label, m in WAYS.items()}  # one epoch each
        epoch_times = _time_interleaved(linear, max(3, repeats // 4), 1)
        from ...data import load_digits

        d = load_digits(standardize=True)
        digit_epochs = {
            "digits, full batch": _digits_epoch_timer(d, None),
            "digits, m = 64": _digits_epoch_timer(d, 64),
        }
        epoch_times |= _time_interleaved(digit_epochs, repeats, 2)
    finally:
        torch.set_num_threads(threads)
    return {
        "per_example": {str(m): statistics.median(t) / m for m, t in steps.items()},
        "neighbours": {str(m): _summary(t) for m, t in near.items()},
        "epoch": {k: statistics.median(t) for k, t in epoch_times.items()},
        "settings": {"repeats": repeats, "inner": inner, "threads": 1, "mlp": MLP_SIZES},
        "machine": {
            "torch": torch.__version__,
            "machine": platform.machine(),
            "cpu": _cpu_name(),
            "date": datetime.date.today().isoformat(),
            "pinned_numerics": {k: os.environ.get(k) for k in PINNED},
        },
    }


def _digits_epoch_timer(data, batch_size):
    """One epoch of SGD on ``data.x_train`` for the digits MLP 64 -> 64 -> 10 (see :func:`compare_on_digits`)."""
    from ...models import mlp

    torch.manual_seed(0)
    net = mlp(DIGITS_MLP)
    opt = torch.optim.SGD(net.parameters(), lr=0.1)
    n = len(data.x_train)
    m = n if batch_size is None else batch_size

    def epoch():
        order = torch.randperm(n)
        for start in range(0, n, m):
            idx = order[start : start + m]
            loss = torch.nn.functional.cross_entropy(net(data.x_train[idx]), data.y_train[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()

    return epoch


def check_record(record, func: str = "check_record") -> dict:
    """``record`` (a :func:`measure` result) checked: every timing positive, every key present;
    ``func`` is the function named in an error message."""
    check_type(record, func, "record", dict, "a dict")
    for key in ("per_example", "neighbours", "epoch", "settings", "machine"):
        if not isinstance(record.get(key), dict):
            raise ValueError(f"{func}: expected record[{key!r}] to be a dict (got {got(record.get(key))})")
    if set(record["per_example"]) != {str(m) for m in TIME_SIZES} or set(record["neighbours"]) != {
        str(m) for m in NEIGHBOURS
    }:
        raise ValueError(
            f"{func}: expected the sizes {TIME_SIZES} and {NEIGHBOURS} (got {sorted(record['per_example'])})"
        )
    values = list(record["per_example"].values()) + list(record["epoch"].values())
    values += [v for s in record["neighbours"].values() for v in s.values()]
    if not all(isinstance(v, (int, float)) and math.isfinite(v) and v > 0 for v in values):
        raise ValueError(f"{func}: expected positive timings (got {values})")
    return record


def stored_timing(path=None) -> dict:
    """The stored :func:`measure` record (``path=None``: the copy shipped in ``trainlab``), checked."""
    if path is None:
        text = resources.files("trainlab.parts.foundations").joinpath("results", RESULTS).read_text(encoding="utf-8")
    else:
        check_type(path, "stored_timing", "path", (str, Path), "None or a file path")
        text = Path(path).read_text(encoding="utf-8")
    return check_record(json.loads(text))


def _two_digits(value: float) -> str:
    value = float(f"{value:.2g}")
    return fmt(value, max(0, 1 - math.floor(math.log10(value))))


def format_timing_header(record, stored: bool = True) -> str:
    """Where and how ``record`` was measured, in the current language."""
    check_record(record, "format_timing_header")
    stored = check_bool(stored, "format_timing_header", "stored")
    m = record["machine"]
    head = _("stored measurement") if stored else _("measured here")
    return (
        head
        + ": "
        + _("{cpu} ({machine}), torch {torch}, {date}").format(
            cpu=m["cpu"], machine=m["machine"], torch=m["torch"], date=m["date"]
        )
    )


def per_example_table(record) -> str:
    """The time per example of one MLP SGD step for each size, in microseconds, relative to m = 1,
    and the verdict "m = 256 at least 10 times cheaper per example than m = 1"."""
    check_record(record, "per_example_table")
    t = record["per_example"]
    lines = [
        _("one thread, MLP {sizes}, one SGD step, median of {repeats} rounds").format(
            sizes=" → ".join(map(str, record["settings"]["mlp"])), repeats=record["settings"]["repeats"]
        )
    ]
    lines.append(_("m | µs per example | relative to m = 1"))
    for m in TIME_SIZES:
        lines.append(f"{m} | {_two_digits(t[str(m)] * 1e6)} | {_two_digits(t[str(m)] / t['1'])}")
    lines.append(_("m = 256 at least 10× cheaper per example than m = 1:") + f" {t['256'] * 10 < t['1']}")
    return "\n".join(lines)


def plot_time_per_example(record):
    """The stored time per example against the batch size, log-log."""
    check_record(record, "plot_time_per_example")
    t = record["per_example"]
    fig, ax = plt.subplots(figsize=(5.2, 3.4))
    ax.plot(TIME_SIZES, [t[str(m)] * 1e6 for m in TIME_SIZES], "o-")
    ax.set(xscale="log", yscale="log", xlabel=_("mini-batch size m"), ylabel=_("µs per example (stored timing)"))
    ax.yaxis.set_minor_formatter(ticker.NullFormatter())
    ax.grid(True, alpha=0.3)
    return finish(fig)


def powers_of_two_verdict(record) -> tuple[str, bool]:
    r"""The lines about the neighbours of 64 and 128 (median and quartiles of one step, and the
    time per example relative to the power of 2), and whether a power of 2 is faster per example
    than both neighbours by more than the spread: the median per example of :math:`2^k` below
    the first quartile per example of :math:`2^k \pm 1`."""
    check_record(record, "powers_of_two_verdict")
    s = record["neighbours"]
    lines = [_("m | one step: median [quartiles], µs | per example / per example at the power of 2")]
    faster = []
    for p in (64, 128):
        for m in (p - 1, p, p + 1):
            q = s[str(m)]
            rel = (q["median"] / m) / (s[str(p)]["median"] / p)
            lines.append(
                f"{m} | {fmt(q['median'] * 1e6, 0)} [{fmt(q['q1'] * 1e6, 0)}; {fmt(q['q3'] * 1e6, 0)}] | {fmt(rel, 2)}"
            )
        faster.append(all(s[str(p)]["median"] / p < s[str(m)]["q1"] / m for m in (p - 1, p + 1)))
    verdict = all(faster)
    lines.append(_("a power of 2 faster per example than both neighbours, beyond the spread:") + f" {verdict}")
    return "\n".join(lines), verdict


# ----------------------------------------------------------------- the digits myth check
#: The network of the "full batch below 2,000 examples" check.
DIGITS_MLP = [64, 64, 10]


def compare_on_digits(epochs: int = 20, lrs=(1.0, 3.0, 10.0), seconds_per_epoch=None) -> dict:
    r"""Full-batch gradient descent against mini-batches of 64 on the 1,437 training digits
    (standardized), MLP 64 -> 64 -> 10, plain SGD, each with the best :math:`\eta` of ``lrs``
    (best final training loss): at equal epochs (``epochs`` each) and, when
    ``seconds_per_epoch`` (``{"digits, full batch": s, "digits, m = 64": s}``) is given, at equal
    wall time (full batch gets ``round(epochs * s_64 / s_full)`` epochs).  Returns
    ``{setting: {way: {"lr", "epochs", "train_loss", "test_acc"}}}``."""
    from ...data import load_digits
    from ...models import mlp
    from ...training import train

    epochs = check_int(epochs, "compare_on_digits", "epochs", minimum=1)
    check_type(lrs, "compare_on_digits", "lrs", (list, tuple), "a list of learning rates")
    lrs = [check_number(v, "compare_on_digits", "lrs", low=0.0, low_open=True) for v in lrs]
    data = load_digits(standardize=True)
    n = len(data.x_train)
    settings = {"equal epochs": {"full batch": epochs, "m = 64": epochs}}
    if seconds_per_epoch is not None:
        check_type(seconds_per_epoch, "compare_on_digits", "seconds_per_epoch", dict, "a dict of stored epoch times")
        ratio = seconds_per_epoch["digits, m = 64"] / seconds_per_epoch["digits, full batch"]
        settings["equal wall time"] = {"full batch": max(1, round(epochs * ratio)), "m = 64": epochs}
    done = {}  # (way, epochs) -> best run, so a budget two settings share is trained once
    out = {}
    for setting, budget in settings.items():
        out[setting] = {}
        for way, m in (("full batch", n), ("m = 64", 64)):
            if (way, budget[way]) not in done:
                runs = []
                for lr in lrs:
                    torch.manual_seed(0)
                    hist = train(mlp(DIGITS_MLP), data, epochs=budget[way], lr=lr, batch_size=m, seed=0)
                    runs.append(
                        {
                            "lr": lr,
                            "epochs": budget[way],
                            "train_loss": hist.train_loss[-1],
                            "test_acc": hist.test_acc[-1],
                        }
                    )
                # a diverged run (NaN loss) counts as the worst
                done[way, budget[way]] = min(
                    runs, key=lambda r: r["train_loss"] if math.isfinite(r["train_loss"]) else math.inf
                )
            out[setting][way] = done[way, budget[way]]
    return out


def format_digits_comparison(result) -> str:
    """:func:`compare_on_digits`'s result as lines (η, epochs, updates, final training loss, test accuracy)."""
    check_type(result, "format_digits_comparison", "result", dict, "the dict of compare_on_digits()")
    lines = []
    for setting, ways in result.items():
        lines.append(_(setting) + ":")
        for way, r in ways.items():
            m = 1437 if way == "full batch" else 64
            lines.append(
                "  "
                + _(
                    "{way}: η = {lr}, {epochs} epochs, {updates} updates, training loss {loss}, test accuracy {acc}"
                ).format(
                    way=_(way),
                    lr=fmt(r["lr"], 1),
                    epochs=fmt(r["epochs"]),
                    updates=fmt(r["epochs"] * updates_per_epoch(1437, m)),
                    loss=fmt(r["train_loss"], 3),
                    acc=fmt(r["test_acc"], 1, percent=True),
                )
            )
    return "\n".join(lines)


# ------------------------------------------------------------------------ exercises
def check_minibatch_gradient(fn, verbose: bool = True) -> CheckResult:
    r"""Checker of the exercise "the gradient of the MSE on a mini-batch": ``fn(x, y, w, b)``
    must return :math:`(\nabla_w L_B, \partial L_B/\partial b)` for
    :math:`L_B = \frac1m \sum_{i \in B}(x_i^\top w + b - y_i)^2`; compared with torch autograd on
    a mini-batch of 32 at a random point."""
    if not callable(fn):
        raise TypeError(f"check_minibatch_gradient: expected fn to be a function (got {got(fn)})")
    verbose = check_bool(verbose, "check_minibatch_gradient", "verbose")
    x, y = make_regression(n=32, features=5, seed=3)
    gen = torch.Generator().manual_seed(4)
    w = torch.randn(5, generator=gen, dtype=torch.float64, requires_grad=True)
    b = torch.randn((), generator=gen, dtype=torch.float64, requires_grad=True)
    ((x @ w + b - y) ** 2).mean().backward()
    try:
        answer = fn(x, y, w.detach().clone(), b.detach().clone())
        gw, gb = (as_array(a) for a in answer)
    except Exception as error:  # noqa: BLE001 - the reader's code may fail in any way; report it
        return CheckResult.report(False, ["✗ " + _("your function raised an error:") + f" {error!r}"], verbose)
    if gw is None or gb is None or gw.shape != (5,) or gb.size != 1:
        return CheckResult.report(False, ["✗ " + _("expected (grad_w of shape (d,), grad_b of one number)")], verbose)
    ok_w = np.allclose(gw, w.grad.numpy(), rtol=1e-6, atol=1e-9)
    ok_b = np.allclose(gb.reshape(()), b.grad.numpy(), rtol=1e-6, atol=1e-9)
    lines = ["✓ " + _("grad_w matches autograd") if ok_w else "✗ " + _("grad_w differs from autograd")]
    lines.append("✓ " + _("grad_b matches autograd") if ok_b else "✗ " + _("grad_b differs from autograd"))
    if not ok_w and np.allclose(gw * 2, w.grad.numpy(), rtol=1e-6):
        lines.append(_("hint: the derivative of a square brings a factor 2"))
    elif not ok_w and np.allclose(gw / 32, w.grad.numpy(), rtol=1e-6):
        lines.append(_("hint: divide by the mini-batch size m, as the loss does"))
    return CheckResult.report(ok_w and ok_b, lines, verbose)


def check_updates_per_epoch(answer, verbose: bool = True) -> CheckResult:
    """Checker of "how many updates per epoch for N = 1,797 and m = 64" (29; 28 is accepted with a
    note, when the last, smaller batch is dropped)."""
    verbose = check_bool(verbose, "check_updates_per_epoch", "verbose")
    if isinstance(answer, bool) or not isinstance(answer, (int, np.integer)):
        return CheckResult.report(False, ["✗ " + _("expected a whole number of updates")], verbose)
    if answer == updates_per_epoch(1797, 64):
        return CheckResult.report(True, ["✓ " + _("correct: 28 full mini-batches and one of 5 examples")], verbose)
    if answer == updates_per_epoch(1797, 64, drop_last=True):
        return CheckResult.report(
            True,
            ["✓ " + _("correct if the last, smaller mini-batch is dropped (drop_last=True); with it, 29")],
            verbose,
        )
    return CheckResult.report(False, ["✗ " + _("not quite: divide N by m and round up")], verbose)


__all__ = [
    "make_regression",
    "mse_loss",
    "mse_gradient",
    "updates_per_epoch",
    "train_linear",
    "train_three_ways",
    "plot_loss",
    "format_time_to_loss",
    "gradient_noise",
    "fitted_slope",
    "plot_gradient_noise",
    "measure",
    "check_record",
    "stored_timing",
    "format_timing_header",
    "per_example_table",
    "plot_time_per_example",
    "powers_of_two_verdict",
    "compare_on_digits",
    "format_digits_comparison",
    "check_minibatch_gradient",
    "check_updates_per_epoch",
]


def _main(argv=None) -> Path:
    """Command line: ``--out FILE`` runs :func:`measure` and stores it as JSON."""
    parser = argparse.ArgumentParser(
        prog="python -m trainlab.parts.foundations.gradient_descent", description=_main.__doc__.split("\n")[0]
    )
    parser.add_argument("--out", required=True, help="the JSON file to write")
    parser.add_argument("--repeats", type=int, default=21, help="interleaved rounds (the median is kept)")
    args = parser.parse_args(argv)
    return write_timed_record(args.out, lambda: measure(repeats=args.repeats), check_record)


if __name__ == "__main__":
    _main()
