"""Ioffe & Szegedy's (2015, Sec. 4.1) Figure 1 experiment, and its stored full-run results.

The lesson ``bn-mnist-figure1`` trains the paper's MNIST network twice (with and without
BN) for 6,000 steps; the paper's 50,000 steps take minutes, so their numbers are stored in
``results/bn-mnist-figure1-full.json`` (shipped with the package) and regenerated with::

    python -m trainlab.parts.batchnorm.figure1 --full --out src/trainlab/parts/batchnorm/results/bn-mnist-figure1-full.json

(run it with the Makefile's pinned numerics, ``PINNED_NUMERICS``, for reproducible bits).
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import platform
import sys
import time
from importlib import resources
from pathlib import Path

import numpy as np
import torch
from torch import nn

from ..._checks import check_int, check_tensor, check_type, got
from ...i18n import _, fmt

#: The paper's network and our choices for what it leaves open (std, learning rates).
SETTINGS = {
    "sizes": [784, 100, 100, 100, 10],
    "activation": "sigmoid",
    "init_std": 0.1,
    "lr": 0.1,
    "lr_high": 0.5,
    "batch_size": 60,
    "checkpoints": 30,
    "seed": 0,
    "percentiles": [15, 50, 85],
    "unit": 0,
}
#: The two runs, in the order they are trained and shown.
RUNS = {"without BN": None, "with BN": "batch"}
#: Steps of the default (fast) run and of the full run (the paper's 50,000).
DEFAULT_STEPS, FULL_STEPS = 6_000, 50_000
#: The paper's training set: the full MNIST training split.
PAPER_TRAIN_SIZE = 60_000
FULL_RESULTS = "bn-mnist-figure1-full.json"
_RUN_KEYS = ("steps", "test_acc", "percentiles", "train_acc", "test_acc_lr_high", "train_acc_lr_high")


def paper_net(norm=None) -> nn.Sequential:
    """Ioffe & Szegedy's (2015, Sec. 4.1) MNIST network: 784-100-100-100-10, sigmoid hidden
    units, weights from N(0, 0.1^2); ``norm="batch"`` puts BN before every sigmoid.

    Maps ``(N, 784)`` images to ``(N, 10)`` logits."""
    from ...models import initialize, mlp

    if norm not in (None, "batch"):
        raise ValueError(f'paper_net: expected norm to be None or "batch" (got {norm!r})')
    net = mlp(SETTINGS["sizes"], activation=SETTINGS["activation"], norm=norm)
    return initialize(net, "normal", std=SETTINGS["init_std"])


def train_mode_percentiles(
    model: nn.Module, x: torch.Tensor, layer: nn.Module, unit: int = 0, q=(15, 50, 85), batch_size: int = 60
) -> list:
    """Percentiles ``q`` (in %) of the input of ``layer`` at ``unit`` as the *training* network
    sees it: ``x`` (``(N, D)``) goes through a copy of ``model`` in training mode, in
    mini-batches of ``batch_size``, so each BN layer normalizes with that mini-batch's mean
    and variance (as in Ioffe & Szegedy's Fig. 1b,c), and ``model``'s running statistics
    are left untouched.  Returns ``len(q)`` floats.

    Example:
        >>> net = paper_net("batch")
        >>> len(train_mode_percentiles(net, torch.rand(120, 784), net[-2]))
        3
    """
    func = "train_mode_percentiles"
    check_type(model, func, "model", nn.Module, "a torch.nn.Module")
    check_type(layer, func, "layer", nn.Module, "a torch.nn.Module inside model")
    check_tensor(x, func, "x", ndims=(2,))
    check_int(unit, func, "unit", minimum=0)
    check_int(batch_size, func, "batch_size", minimum=2)
    if not q or not all(isinstance(p, (int, float)) and 0 <= p <= 100 for p in q):
        raise ValueError(f"{func}: expected q to be percentiles in [0, 100] (got {q!r})")
    names = [name for name, module in model.named_modules() if module is layer]
    if not names:
        raise ValueError(f"{func}: expected layer to be a submodule of model (got {type(layer).__name__})")
    clone = copy.deepcopy(model).train()
    seen = []
    handle = dict(clone.named_modules())[names[0]].register_forward_hook(
        lambda module, inputs, output: seen.append(inputs[0].detach())
    )
    try:
        with torch.no_grad():
            for chunk in torch.split(x, batch_size):
                if len(chunk) >= 2:  # BN needs two examples
                    clone(chunk)
    finally:
        handle.remove()
    if not seen:
        raise ValueError(f"{func}: expected layer to be part of model's forward pass (it was not called)")
    values = torch.cat(seen)
    if unit >= values.shape[1]:
        raise ValueError(f"{func}: expected unit < {values.shape[1]}, the layer's input width (got {unit})")
    values = values[:, unit]
    return torch.quantile(values, torch.tensor([p / 100 for p in q], dtype=values.dtype)).tolist()


def epochs(steps: int, train_size: int, batch_size: int = 60) -> float:
    """Passes over the training set that ``steps`` mini-batches of ``batch_size`` make:
    ``steps * batch_size / train_size``."""
    check_int(steps, "epochs", "steps", minimum=1)
    check_int(train_size, "epochs", "train_size", minimum=1)
    check_int(batch_size, "epochs", "batch_size", minimum=1)
    return steps * batch_size / train_size


def _train(data, steps: int, norm, lr: float, probe: bool) -> dict:
    """One run of :func:`run_figure1` (seeded on its own, so runs can go in any order or
    process): test accuracy (and, if ``probe``, percentiles) at each checkpoint, final
    training accuracy."""
    from ...training import evaluate, train_steps

    s = SETTINGS
    torch.manual_seed(s["seed"])
    net = paper_net(norm)
    layer = net[-2]  # the last sigmoid
    hist = train_steps(
        net,
        data,
        steps,
        lr=lr,
        batch_size=s["batch_size"],
        eval_every=steps // s["checkpoints"] if probe else steps,
        seed=s["seed"],
        probe=(
            lambda model: train_mode_percentiles(
                model, data.x_test, layer, s["unit"], tuple(s["percentiles"]), s["batch_size"]
            )
        )
        if probe
        else None,
    )
    return {
        "steps": hist.steps,
        "test_acc": hist.test_acc,
        "percentiles": hist.probes,
        "train_acc": evaluate(net, data.x_train, data.y_train)[1],
    }


def _train_job(args) -> dict:
    steps, norm, lr, probe = args
    from ...data import load_mnist

    torch.set_num_threads(1)
    return _train(load_mnist(), steps, norm, lr, probe)


def run_figure1(data, steps: int = DEFAULT_STEPS, jobs: int = 1) -> dict:
    """Train :func:`paper_net` without and with BN for ``steps`` SGD steps (learning rate
    ``SETTINGS["lr"]``, mini-batches of 60), measuring at ``SETTINGS["checkpoints"]`` evenly
    spaced steps the test accuracy and the training network's sigmoid-input percentiles
    (:func:`train_mode_percentiles` on the test images); then the final training accuracy,
    and the final accuracies of a second run at ``SETTINGS["lr_high"]``.  ``jobs > 1`` trains
    the four runs in that many processes (on ``load_mnist()``; same results, each run seeds
    itself).

    Returns a JSON-able dict ``{"settings": {...}, "runs": {label: {...}}}`` (see
    :func:`check_results`)."""
    from ...data import Split

    check_type(data, "run_figure1", "data", Split, "a trainlab.data.Split")
    check_int(steps, "run_figure1", "steps", minimum=SETTINGS["checkpoints"])
    check_int(jobs, "run_figure1", "jobs", minimum=1)
    s = SETTINGS
    tasks = [(steps, norm, lr, lr == s["lr"]) for norm in RUNS.values() for lr in (s["lr"], s["lr_high"])]
    if jobs == 1:
        done = [_train(data, *task) for task in tasks]
    else:
        import multiprocessing

        with multiprocessing.get_context("spawn").Pool(min(jobs, len(tasks))) as pool:
            done = pool.map(_train_job, tasks)
    results = {
        "settings": {**s, "steps": steps, "train_size": len(data.x_train), "test_size": len(data.x_test)},
        "runs": {},
    }
    for i, label in enumerate(RUNS):
        main, fast = done[2 * i], done[2 * i + 1]
        results["runs"][label] = {
            **main,
            "test_acc_lr_high": fast["test_acc"][-1],
            "train_acc_lr_high": fast["train_acc"],
        }
    return results


def check_results(results) -> dict:
    """``results`` must have :func:`run_figure1`'s form: ``settings`` (with ``steps``,
    ``train_size``, ``batch_size``, ``lr``, ``lr_high``) and, for each of :data:`RUNS`, equally
    long ``steps``, ``test_acc`` (fractions) and ``percentiles`` (triples), plus the final
    ``train_acc``, ``test_acc_lr_high`` and ``train_acc_lr_high``.  Returns ``results``."""
    func = "check_results"
    check_type(results, func, "results", dict, "a dict with settings and runs")
    for key in ("settings", "runs"):
        if not isinstance(results.get(key), dict):
            raise ValueError(f"{func}: expected results[{key!r}] to be a dict (got {got(results.get(key))})")
    for key in ("steps", "train_size", "batch_size", "lr", "lr_high", "percentiles"):
        if key not in results["settings"]:
            raise ValueError(f"{func}: expected settings to have {key!r} (got keys {sorted(results['settings'])})")
    if list(results["runs"]) != list(RUNS):
        raise ValueError(f"{func}: expected runs {list(RUNS)} (got {list(results['runs'])})")
    n_q = len(results["settings"]["percentiles"])
    for label, run in results["runs"].items():
        missing = [k for k in _RUN_KEYS if k not in run]
        if missing:
            raise ValueError(f"{func}: expected run {label!r} to have {', '.join(missing)} (got keys {sorted(run)})")
        n = len(run["steps"])
        if n == 0 or len(run["test_acc"]) != n or len(run["percentiles"]) != n:
            raise ValueError(
                f"{func}: expected run {label!r} to have one test_acc and percentiles per step "
                f"(got {n} steps, {len(run['test_acc'])} accuracies, {len(run['percentiles'])} percentiles)"
            )
        if run["steps"][-1] > results["settings"]["steps"] or any(
            a >= b for a, b in zip(run["steps"], run["steps"][1:])
        ):
            raise ValueError(
                f"{func}: expected run {label!r} steps increasing, at most settings['steps'] (got {run['steps'][:3]}...)"
            )
        accs = [*run["test_acc"], run["train_acc"], run["test_acc_lr_high"], run["train_acc_lr_high"]]
        if not all(isinstance(a, float) and 0 <= a <= 1 for a in accs):
            raise ValueError(f"{func}: expected run {label!r} accuracies to be fractions in [0, 1] (got {accs[:3]}...)")
        if not all(len(p) == n_q for p in run["percentiles"]):
            raise ValueError(
                f"{func}: expected run {label!r} percentiles to be {n_q}-tuples (got {run['percentiles'][0]})"
            )
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
    """The stored full run (``path=None``: the copy shipped in ``trainlab``), checked by
    :func:`check_results`."""
    if path is None:
        text = resources.files("trainlab.parts.batchnorm").joinpath("results", FULL_RESULTS).read_text(encoding="utf-8")
    else:
        check_type(path, "load_results", "path", (str, Path), "None or a file path")
        text = Path(path).read_text(encoding="utf-8")
    return check_results(json.loads(text))


def as_histories(results: dict) -> dict:
    """``{label: StepHistory}`` of ``results``' runs, for :func:`~trainlab.parts.batchnorm.figures.plot_ioffe_figure1`."""
    from ...training import StepHistory

    check_type(results, "as_histories", "results", dict, "a dict from run_figure1 or load_results")
    check_results(results)
    return {
        label: StepHistory(
            steps=list(r["steps"]), test_acc=list(r["test_acc"]), probes=[list(p) for p in r["percentiles"]]
        )
        for label, r in results["runs"].items()
    }


def _spread(run) -> np.ndarray:
    p = np.asarray(run["percentiles"])
    return p[:, -1] - p[:, 0]


def summary(results: dict, compare_step: int | None = None) -> str:
    """The lines a lesson prints about ``results``, in the current language: for a stored run
    its run time and torch version, then epochs, test
    accuracy at the first, tenth and last checkpoint, final training accuracy, the
    checkpoints where BN is ahead, the 15-85 % spread from its first to last checkpoint
    (and, if ``compare_step`` is given, from the first checkpoint at or after it), the
    median's range, and the final accuracies at the higher learning rate."""
    check_results(results)
    if compare_step is not None:
        check_int(compare_step, "summary", "compare_step", minimum=1)
    s, runs = results["settings"], results["runs"]
    lines = []
    if "run" in results:  # a stored run says how it was made
        lines.append(
            _("stored run: {seconds} s with torch {torch}").format(
                seconds=fmt(results["run"]["seconds"], 0), torch=results["run"]["torch"]
            )
        )
    lines += [
        _("{steps} steps of {batch} examples on {n} training images: {epochs} epochs").format(
            steps=fmt(s["steps"]),
            batch=fmt(s["batch_size"]),
            n=fmt(s["train_size"]),
            epochs=fmt(epochs(s["steps"], s["train_size"], s["batch_size"]), 0),
        )
    ]
    for label, r in runs.items():
        acc, steps = r["test_acc"], r["steps"]
        spread, median = _spread(r), np.asarray(r["percentiles"])[:, 1]
        lines.append(f"{_(label)}:")
        lines.append(
            "  "
            + _("test accuracy")
            + ": "
            + ", ".join(
                _("{acc} at step {step}").format(acc=fmt(acc[i], 3), step=fmt(steps[i]))
                for i in sorted({0, min(9, len(acc) - 1), len(acc) - 1})
            )
        )
        lines.append("  " + _("final training accuracy") + ": " + fmt(r["train_acc"], 3))
        spread_line = _(
            "15-85% spread of the sigmoid input: {a} at step {s0}, {b} at step {s1}: grows {ratio}x"
        ).format(
            a=fmt(spread[0], 2),
            s0=fmt(steps[0]),
            b=fmt(spread[-1], 2),
            s1=fmt(steps[-1]),
            ratio=fmt(spread[-1] / spread[0], 1),
        )
        lines.append("  " + spread_line)
        if compare_step is not None and compare_step <= steps[-1]:
            i = next(i for i, st in enumerate(steps) if st >= compare_step)
            lines.append(
                "  "
                + _("from step {step} ({a}) to the end: grows {ratio}x").format(
                    step=fmt(steps[i]), a=fmt(spread[i], 2), ratio=fmt(spread[-1] / spread[i], 1)
                )
            )
        lines.append(
            "  "
            + _("median sigmoid input moves over {x} of the final spread").format(x=fmt(np.ptp(median) / spread[-1], 2))
        )
    plain, bn = (np.asarray(runs[k]["test_acc"]) for k in RUNS)
    lines.append(
        _("checkpoints where BN is ahead: {share} of {n}").format(
            share=fmt(float(np.mean(bn > plain)), 0, percent=True), n=fmt(len(bn))
        )
    )
    lines.append(
        _("learning rate {lr}, final test accuracy").format(lr=fmt(s["lr_high"]))
        + ": "
        + ", ".join(f"{_(k)} {fmt(r['test_acc_lr_high'], 3)}" for k, r in runs.items())
    )
    lines.append(
        _("learning rate {lr}, final training accuracy").format(lr=fmt(s["lr_high"]))
        + ": "
        + ", ".join(f"{_(k)} {fmt(r['train_acc_lr_high'], 3)}" for k, r in runs.items())
    )
    return "\n".join(lines)


def _main(argv=None) -> Path:
    """Command line: run the experiment and store it as JSON (see the module docstring)."""
    from ...data import load_mnist

    parser = argparse.ArgumentParser(
        prog="python -m trainlab.parts.batchnorm.figure1", description=__doc__.split("\n")[0]
    )
    parser.add_argument(
        "--full", action="store_true", help=f"{FULL_STEPS} steps, as the paper (default {DEFAULT_STEPS})"
    )
    parser.add_argument("--out", required=True, help="the JSON file to write")
    parser.add_argument("--jobs", type=int, default=1, help="processes to train the four runs in (same results)")
    args = parser.parse_args(argv)
    steps = FULL_STEPS if args.full else DEFAULT_STEPS
    os.environ.setdefault("TRAINLAB_PROGRESS", "0")
    start = time.perf_counter()
    results = run_figure1(load_mnist(), steps, jobs=args.jobs)
    results["run"] = {
        "command": "python -m trainlab.parts.batchnorm.figure1"
        + (" --full" if args.full else "")
        + (f" --jobs {args.jobs}" if args.jobs > 1 else "")
        + " --out ...",
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
