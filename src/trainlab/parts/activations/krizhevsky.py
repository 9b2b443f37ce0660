"""Krizhevsky, Sutskever & Hinton's (2012) Figure 1 in small: ReLU vs tanh (and sigmoid) in a
four-layer CNN, training error against epochs, and the speed-up to a training-error threshold.

The lesson ``act-krizhevsky`` runs :data:`DEFAULT` (about half a minute on one core); the
longer :data:`FULL` run (more images, seeds, learning rates and sigmoid) is stored in
``results/act-krizhevsky-full.json`` (shipped with the package) and regenerated with::

    python -m trainlab.parts.activations.krizhevsky --full --out src/trainlab/parts/activations/results/act-krizhevsky-full.json

(run it with the Makefile's pinned numerics, ``PINNED_NUMERICS``, for reproducible bits).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import sys
import time
from importlib import resources
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..._checks import check_choice, check_int, check_number, check_tensor, check_type, got
from ...exercises import CheckResult
from ...i18n import _, fmt

#: Activations this experiment compares, as torch modules.
ACTIVATION_MODULES = {"relu": nn.ReLU, "tanh": nn.Tanh, "sigmoid": nn.Sigmoid}
#: The paper's threshold (25 % training error) and a stricter one.
THRESHOLDS = (0.25, 0.05)
#: The default (fast) run the lesson executes and the stored full run.
DEFAULT = {
    "activations": ["relu", "tanh"],
    "per_class": 100,
    "pool": 2,
    "channels": [8, 16, 16],
    "epochs": 10,
    "batch_size": 32,
    "momentum": 0.9,
    "lrs": [0.01, 0.03, 0.1],
    "seeds": 3,
}
FULL = {**DEFAULT, "activations": ["relu", "tanh", "sigmoid"], "per_class": 200, "epochs": 15,
        "lrs": [0.01, 0.02, 0.05, 0.1, 0.2], "seeds": 6}  # fmt: skip
FULL_RESULTS = "act-krizhevsky-full.json"
_CONFIG_KEYS = tuple(DEFAULT)


def four_layer_cnn(activation: str = "relu", image_shape=(1, 14, 14), channels=(8, 16, 16)) -> nn.Sequential:
    """Four layers with weights, no regularization: three ``Conv -> f -> MaxPool2`` blocks
    (5x5 kernels in the first, 3x3 after, "same" padding) and a ``Linear`` to 10 logits.
    PyTorch's default initialization for every activation.

    Maps ``(N, C*H*W)`` flattened images to ``(N, 10)`` logits.

    Example:
        >>> four_layer_cnn("tanh")(torch.zeros(2, 196)).shape
        torch.Size([2, 10])
    """
    func = "four_layer_cnn"
    check_choice(activation, func, "activation", tuple(ACTIVATION_MODULES))
    check_type(image_shape, func, "image_shape", (tuple, list), "a (C, H, W) tuple")
    check_type(channels, func, "channels", (tuple, list), "three channel counts")
    if len(image_shape) != 3 or len(channels) != 3:
        raise ValueError(
            f"{func}: expected image_shape (C, H, W) and three channel counts (got {image_shape!r}, {channels!r})"
        )
    for v in (*image_shape, *channels):
        check_int(v, func, "every size in image_shape and channels", minimum=1)
    c, h, w = image_shape
    if min(h, w) < 8:
        raise ValueError(f"{func}: expected images of at least 8x8 for three poolings (got {h}x{w})")
    act = ACTIVATION_MODULES[activation]
    layers: list[nn.Module] = [nn.Unflatten(1, tuple(image_shape))]
    fan_in = c
    for i, fan_out in enumerate(channels):
        k = 5 if i == 0 else 3
        layers += [nn.Conv2d(fan_in, fan_out, k, padding=k // 2), act(), nn.MaxPool2d(2)]
        fan_in, h, w = fan_out, h // 2, w // 2
    layers += [nn.Flatten(), nn.Linear(fan_in * h * w, 10)]
    return nn.Sequential(*layers)


def training_subset(data, per_class: int = 100, pool: int = 2):
    """The first ``per_class`` training images of each class of ``data`` (a
    :class:`~trainlab.data.Split`), averaged over ``pool x pool`` pixel blocks (MNIST's 28x28
    become 14x14 for ``pool=2``).  Returns ``x`` ``(10*per_class, C*H'*W')``, ``y``
    ``(10*per_class,)`` and the new ``image_shape``.

    Example:
        >>> from trainlab.data import load_mnist
        >>> x, y, shape = training_subset(load_mnist(), 5)
        >>> tuple(x.shape), torch.bincount(y).tolist()[:3], shape
        ((50, 196), [5, 5, 5], (1, 14, 14))
    """
    from ...data import Split

    check_type(data, "training_subset", "data", Split, "a trainlab.data.Split")
    check_int(per_class, "training_subset", "per_class", minimum=1)
    check_int(pool, "training_subset", "pool", minimum=1)
    idx = []
    for k in range(data.num_classes):
        where = torch.nonzero(data.y_train == k).flatten()
        if len(where) < per_class:
            raise ValueError(
                f"training_subset: expected per_class <= {len(where)}, the images of class {k} (got {per_class})"
            )
        idx.append(where[:per_class])
    idx = torch.sort(torch.cat(idx)).values
    c, h, w = data.image_shape
    x = nn.functional.avg_pool2d(data.x_train[idx].view(-1, c, h, w), pool)
    return x.flatten(1).contiguous(), data.y_train[idx], (c, h // pool, w // pool)


@torch.no_grad()
def training_error(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    """Fraction of ``x`` (``(N, D)``) that ``model`` misclassifies: ``mean(argmax f(x) != y)``."""
    check_type(model, "training_error", "model", nn.Module, "a torch.nn.Module")
    check_tensor(x, "training_error", "x", ndims=(2,))
    return (model(x).argmax(1) != y).float().mean().item()


def train_curve(
    activation: str, lr: float, x, y, image_shape, epochs: int = 10, seed: int = 0, config: dict | None = None
) -> list:
    """Train :func:`four_layer_cnn` with SGD (momentum ``config["momentum"]``, mini-batches of
    ``config["batch_size"]`` in a seeded random order, no weight decay) for ``epochs`` passes
    over ``x`` (``(N, D)``), ``y`` (``(N,)``); returns the training error on all of ``x`` at
    epochs ``0, 1, ..., epochs`` (``epochs + 1`` floats; a diverged run counts as 0.9)."""
    func = "train_curve"
    config = DEFAULT if config is None else config
    check_choice(activation, func, "activation", tuple(ACTIVATION_MODULES))
    check_number(lr, func, "lr", 0.0, low_open=True)
    check_tensor(x, func, "x", ndims=(2,))
    check_int(epochs, func, "epochs", minimum=1)
    check_int(seed, func, "seed", minimum=0)
    torch.manual_seed(seed)
    model = four_layer_cnn(activation, image_shape, config["channels"])
    opt = torch.optim.SGD(model.parameters(), lr=lr, momentum=config["momentum"])
    gen = torch.Generator().manual_seed(seed)
    errors = [training_error(model, x, y)]
    bs = config["batch_size"]
    for _epoch in range(epochs):
        for batch in torch.randperm(len(x), generator=gen).split(bs):
            loss = nn.functional.cross_entropy(model(x[batch]), y[batch])
            opt.zero_grad()
            loss.backward()
            opt.step()
        err = training_error(model, x, y)
        errors.append(err if math.isfinite(loss.item()) else 0.9)
    return [round(e, 6) for e in errors]


def epochs_to_threshold(errors, threshold: float = 0.25):
    r"""Epochs a training-error curve needs to reach ``threshold``: ``errors[i]`` is measured
    after ``i`` epochs; the answer is the first crossing, linearly interpolated between the
    last measurement above the threshold and the first at or below it,
    :math:`t = (i-1) + \frac{e_{i-1} - \theta}{e_{i-1} - e_i}`; ``0.0`` if ``errors[0]`` is
    already at or below it, ``None`` if the curve never gets there.

    Example:
        >>> round(epochs_to_threshold([0.9, 0.5, 0.2, 0.1], 0.25), 4)
        1.8333
        >>> epochs_to_threshold([0.9, 0.8], 0.25) is None
        True
    """
    if isinstance(errors, (str, bytes)) or not hasattr(errors, "__iter__"):
        raise TypeError(f"epochs_to_threshold: expected errors to be a list of numbers (got {got(errors)})")
    errors = [check_number(e, "epochs_to_threshold", f"errors[{i}]", 0.0, 1.0) for i, e in enumerate(errors)]
    if not errors:
        raise ValueError("epochs_to_threshold: expected at least one error (got an empty list)")
    check_number(threshold, "epochs_to_threshold", "threshold", 0.0, 1.0, hint=", a fraction (25% is 0.25)")
    if errors[0] <= threshold:
        return 0.0
    for i in range(1, len(errors)):
        if errors[i] <= threshold:
            return (i - 1) + (errors[i - 1] - threshold) / (errors[i - 1] - errors[i])
    return None


def _pick_lr(curves: dict, epochs: int) -> float:
    """The rule, the same for every activation: the learning rate whose seed-0 curve ends
    (after ``epochs`` epochs) at the lowest training error, the rate that trains furthest in
    the budget; ties go to the curve that reaches the first threshold sooner (never counts as
    ``epochs + 1``), then to the smaller rate.  (A rate that crosses the threshold first and
    then diverges does not count as fast.)"""

    def key(lr):
        t = epochs_to_threshold(curves[lr], THRESHOLDS[0])
        return (curves[lr][-1], epochs + 1 if t is None else t, float(lr))

    return float(min(curves, key=key))


def run_experiment(data, config: dict | None = None) -> dict:
    """The whole experiment: for each activation, seed 0 at every learning rate of
    ``config["lrs"]``, the rate :func:`_pick_lr` picks, and seeds ``1 .. seeds-1`` at that rate.
    ``data``: a :class:`~trainlab.data.Split` (the course's MNIST).

    Returns a JSON-able dict ``{"settings", "grid": {act: {lr: curve}}, "lr": {act: lr},
    "curves": {act: [curve per seed]}}`` (see :func:`check_results`)."""
    from ...data import Split

    check_type(data, "run_experiment", "data", Split, "a trainlab.data.Split")
    config = dict(DEFAULT if config is None else config)
    check_type(config, "run_experiment", "config", dict, "a dict like DEFAULT")
    missing = [k for k in _CONFIG_KEYS if k not in config]
    if missing:
        raise ValueError(f"run_experiment: expected config to have {', '.join(missing)} (got keys {sorted(config)})")
    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # small convolutions: one thread is as fast, and reproducible
    try:
        return _run(data, config)
    finally:
        torch.set_num_threads(threads)


def _run(data, config: dict) -> dict:
    x, y, shape = training_subset(data, config["per_class"], config["pool"])
    results = {"settings": {**config, "train_size": len(x), "image_shape": list(shape), "thresholds": list(THRESHOLDS)},
               "grid": {}, "lr": {}, "curves": {}}  # fmt: skip
    for act in config["activations"]:
        grid = {lr: train_curve(act, lr, x, y, shape, config["epochs"], 0, config) for lr in config["lrs"]}
        lr = _pick_lr(grid, config["epochs"])
        results["grid"][act] = {str(k): v for k, v in grid.items()}
        results["lr"][act] = lr
        results["curves"][act] = [grid[lr]] + [
            train_curve(act, lr, x, y, shape, config["epochs"], s, config) for s in range(1, config["seeds"])
        ]
    return results


def check_results(results) -> dict:
    """``results`` must have :func:`run_experiment`'s form; returns it."""
    func = "check_results"
    check_type(results, func, "results", dict, "a dict with settings, grid, lr and curves")
    for key in ("settings", "grid", "lr", "curves"):
        if not isinstance(results.get(key), dict):
            raise ValueError(f"{func}: expected results[{key!r}] to be a dict (got {got(results.get(key))})")
    s = results["settings"]
    missing = [k for k in _CONFIG_KEYS if k not in s]
    if missing:
        raise ValueError(f"{func}: expected settings to have {', '.join(missing)} (got keys {sorted(s)})")
    if list(results["curves"]) != list(s["activations"]) or "relu" not in s["activations"]:
        raise ValueError(
            f"{func}: expected curves for {s['activations']}, relu among them (got {list(results['curves'])})"
        )
    for act, curves in results["curves"].items():
        if len(curves) != s["seeds"] or any(len(c) != s["epochs"] + 1 for c in curves):
            raise ValueError(
                f"{func}: expected {s['seeds']} curves of {s['epochs'] + 1} errors for {act!r} "
                f"(got {[len(c) for c in curves]})"
            )
        if not all(0 <= e <= 1 for c in curves for e in c):
            raise ValueError(f"{func}: expected {act!r} errors to be fractions in [0, 1] (got {curves[0][:3]}...)")
    return results


def save_results(results: dict, path) -> Path:
    """Write ``results`` (checked by :func:`check_results`) as indented JSON to ``path``."""
    check_results(results)
    check_type(path, "save_results", "path", (str, Path), "a file path")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


def load_results(path=None) -> dict:
    """The stored full run (``path=None``: the copy shipped in ``trainlab``), checked."""
    if path is None:
        text = (
            resources.files("trainlab.parts.activations").joinpath("results", FULL_RESULTS).read_text(encoding="utf-8")
        )
    else:
        check_type(path, "load_results", "path", (str, Path), "None or a file path")
        text = Path(path).read_text(encoding="utf-8")
    return check_results(json.loads(text))


def speedups(results: dict, threshold: float = 0.25) -> dict:
    r"""Per activation: epochs to ``threshold`` of each seed's curve, and the speed-up of ReLU
    over it, seed by seed, :math:`t_f / t_\text{ReLU}` (``None`` where either never got there).

    Returns ``{act: {"epochs": [...], "ratios": [...]}}``."""
    check_results(results)
    check_number(threshold, "speedups", "threshold", 0.0, 1.0, low_open=True, high_open=True)
    times = {a: [epochs_to_threshold(c, threshold) for c in cs] for a, cs in results["curves"].items()}
    out = {}
    for act, ts in times.items():
        ratios = [t / r if t is not None and r else None for t, r in zip(ts, times["relu"])]
        out[act] = {"epochs": ts, "ratios": ratios}
    return out


def _mean_sd(values) -> str:
    vals = [v for v in values if v is not None]
    if not vals:
        return "—"
    text = fmt(float(np.mean(vals)), 2)
    if len(vals) > 1:
        text += " ± " + fmt(float(np.std(vals, ddof=1)), 2)
    if len(vals) < len(values):
        text += " " + _("({n} of {m} runs)").format(n=fmt(len(vals)), m=fmt(len(values)))
    return text


def summary(results: dict) -> str:
    """The lines a lesson prints about ``results``, in the current language: the set-up, each
    activation's chosen learning rate, and per threshold each one's epochs to it (mean ± sample
    standard deviation over the seeds) and the speed-up of ReLU over it."""
    check_results(results)
    s = results["settings"]
    lines = []
    if "run" in results:
        lines.append(
            _("stored run: {seconds} s with torch {torch}").format(
                seconds=fmt(results["run"]["seconds"], 0), torch=results["run"]["torch"]
            )
        )
    lines.append(
        _("{n} training images {h}×{w}, {epochs} epochs, {seeds} seeds, learning rates {lrs}").format(
            n=fmt(s["train_size"]),
            h=s["image_shape"][1],
            w=s["image_shape"][2],
            epochs=fmt(s["epochs"]),
            seeds=fmt(s["seeds"]),
            lrs="; ".join(fmt(v) for v in s["lrs"]),
        )
    )
    lines.append(_("seed 0, epochs to {x} by learning rate:").format(x=fmt(s["thresholds"][0], 0, percent=True)))
    for act, grid in results["grid"].items():
        times = [(float(lr), epochs_to_threshold(c, s["thresholds"][0])) for lr, c in grid.items()]
        lines.append(f"  {act}: " + "; ".join(f"{fmt(lr)} → {'—' if t is None else fmt(t, 2)}" for lr, t in times))
    lines.append(_("chosen learning rate") + ": " + "; ".join(f"{a} {fmt(results['lr'][a])}" for a in results["lr"]))
    for threshold in s["thresholds"]:
        sp = speedups(results, threshold)
        lines.append(_("training error {x}:").format(x=fmt(threshold, 0, percent=True)))
        for act, r in sp.items():
            line = f"  {act}: " + _("epochs to reach it") + " " + _mean_sd(r["epochs"])
            relu_times = [t for t in sp["relu"]["epochs"] if t]
            if act != "relu" and all(t is None for t in r["epochs"]) and relu_times:
                # never reached: it would need more than all the epochs, so each ratio exceeds epochs / t_ReLU
                bound = s["epochs"] / max(relu_times)
                line += "; " + _("not reached in {e} epochs: ReLU faster by more than {x} times").format(
                    e=fmt(s["epochs"]), x=fmt(bound, 1)
                )
            elif act != "relu":
                line += "; " + _("speed-up of ReLU, t / t_ReLU") + " " + _mean_sd(r["ratios"])
            lines.append(line)
    return "\n".join(lines)


def plot_figure1(results: dict, threshold: float = 0.25):
    """Training error against epochs, as in Krizhevsky et al.'s Figure 1: ReLU solid, tanh
    dashed, sigmoid dotted; the mean over the seeds thick, each seed thin; the threshold as a
    grey line."""
    import matplotlib.pyplot as plt

    from ...figures import finish

    check_results(results)
    check_number(threshold, "plot_figure1", "threshold", 0.0, 1.0, low_open=True, high_open=True)
    styles = {"relu": ("-", "C0"), "tanh": ("--", "C3"), "sigmoid": (":", "C2")}
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    for act, curves in results["curves"].items():
        ls, color = styles[act]
        epochs = np.arange(len(curves[0]))
        for c in curves:
            ax.plot(epochs, c, ls=ls, color=color, lw=0.8, alpha=0.35)
        ax.plot(epochs, np.mean(curves, axis=0), ls=ls, color=color, lw=2.2, label=act)
    ax.axhline(threshold, color="0.4", lw=1, label=_("threshold {x}").format(x=fmt(threshold, 0, percent=True)))
    ax.set_xlabel(_("epochs"))
    ax.set_ylabel(_("training error"))
    ax.set_ylim(0, 1)
    ax.legend()
    ax.set_title(_("Four-layer CNN, no regularization: training error"))
    return finish(fig)


def _show(value) -> str:
    if value is None:
        return _("never (None)")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return fmt(float(value), 3)
    return repr(value)


def check_epochs_to_threshold(fn, verbose: bool = True) -> CheckResult:
    """Check a reader's ``fn(errors, threshold) -> epochs`` against :func:`epochs_to_threshold`
    on a few curves (interpolated crossings, a curve starting below, one that never gets
    there, one that goes back up), printing the feedback in the lesson's language.

    Example:
        >>> bool(check_epochs_to_threshold(epochs_to_threshold, verbose=False))
        True
    """
    if not callable(fn):
        raise TypeError(f"check_epochs_to_threshold: expected fn to be a function (got {got(fn)})")
    cases = [
        ([0.9, 0.5, 0.2, 0.1], 0.25),
        ([0.9, 0.6, 0.3, 0.25, 0.1], 0.25),
        ([0.2, 0.1], 0.25),
        ([0.9, 0.85, 0.8], 0.25),
        ([0.9, 0.2, 0.4, 0.1], 0.05),
        ([0.9, 0.3, 0.2, 0.3, 0.1], 0.25),
    ]
    lines, ok = [], True
    for errors, threshold in cases:
        want = epochs_to_threshold(errors, threshold)
        try:
            answer = fn(list(errors), threshold)
        except Exception as e:  # noqa: BLE001 - the reader's error is reported, not raised
            answer, error = None, f"{type(e).__name__}: {e}"
        else:
            error = None
        right = (answer is None) if want is None else (
            isinstance(answer, (int, float)) and not isinstance(answer, bool) and abs(answer - want) < 1e-9
        )  # fmt: skip
        if not right:
            ok = False
            lines.append(
                "✗ "
                + _("for errors {errors} and threshold {t}: expected {want}, got {got}").format(
                    errors="[" + "; ".join(fmt(e, 2) for e in errors) + "]",
                    t=fmt(threshold, 2),
                    want=_show(want),
                    got=error or _show(answer),
                )
            )
    if ok:
        lines.append("✓ " + _("correct on all {n} curves").format(n=len(cases)))
    elif verbose:
        lines.append(
            _("hint: interpolate linearly between the last error above the threshold and the first at or below it")
        )
    return CheckResult.report(ok, lines, verbose)


def _main(argv=None) -> Path:
    """Command line: run the experiment and store it as JSON (see the module docstring)."""
    from ...data import load_mnist

    parser = argparse.ArgumentParser(
        prog="python -m trainlab.parts.activations.krizhevsky", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--full", action="store_true", help="the full run (FULL), not the default (DEFAULT)")
    parser.add_argument("--out", required=True, help="the JSON file to write")
    args = parser.parse_args(argv)
    os.environ.setdefault("TRAINLAB_PROGRESS", "0")
    start = time.perf_counter()
    results = run_experiment(load_mnist(), FULL if args.full else DEFAULT)
    results["run"] = {
        "command": "python -m trainlab.parts.activations.krizhevsky" + (" --full" if args.full else "") + " --out ...",
        "seconds": round(time.perf_counter() - start, 1),
        "torch": torch.__version__,
        "python": platform.python_version(),
        "threads": torch.get_num_threads(),
        "pinned_numerics": {
            k: os.environ.get(k) for k in ("OMP_NUM_THREADS", "MKL_CBWR", "ATEN_CPU_CAPABILITY", "ONEDNN_MAX_CPU_ISA")
        },
    }
    path = save_results(results, args.out)
    print(f"wrote {path} ({results['run']['seconds']} s)", file=sys.stderr)
    return path


if __name__ == "__main__":
    _main()
