r"""How fast are trainlab's hand-written backward passes?  ``python -m tools.bench``.

For batch norm, layer norm, group norm and dropout, on the CPU and for two shapes, it
times one forward plus one backward pass (float32; input and parameters require grad;
a fixed upstream gradient; ``torch.autograd.grad``, so nothing accumulates) of

* **native**: ``torch.nn.functional``, PyTorch's own fused C++ kernels;
* **trainlab**: :mod:`trainlab.functional`, an ``autograd.Function`` with the backward by hand;
* **autograd**: the textbook forward below, written with torch ops and left to autograd;
* **compiled**: :mod:`tools.compiled`, ``torch.compile`` over that textbook forward;
* **NumPy**: :mod:`trainlab.numpy_ref`, ``*_forward`` then ``*_backward``.

All variants of one row are timed in turn, round after round, so that a busy machine
slows all of them alike; each time is the median over the rounds, after warm-up (the
compiled path compiles during its warm-up).  Ratios are to native, from the same run.

Usage::

    python -m tools.bench [--quick] [--threads N] [--out docs/benchmarks.md]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import time

import numpy as np
import torch
import torch.nn.functional as TF

import trainlab.functional as F
import trainlab.numpy_ref as ref
from tools import compiled

SHAPES = [(256, 1024), (32, 64, 32, 32)]
GROUPS = 8  # group norm: 8 groups (of 128 channels for (256, 1024), of 8 for (32, 64, 32, 32))
P = 0.5  # dropout probability
EPS = 1e-5
VARIANTS = ["native", "trainlab", "autograd", "compiled", "numpy"]
TARGETS = {"trainlab": 3.0, "compiled": 1.3}  # the bounds, as ratios to native


# ------------------------------------------ the textbook forwards, left to autograd
def textbook_batch_norm(x, gamma, beta, eps=EPS):
    dims = [0] + list(range(2, x.dim()))  # every axis but the channels
    shape = [1, -1] + [1] * (x.dim() - 2)
    mu = x.mean(dim=dims, keepdim=True)
    var = ((x - mu) ** 2).mean(dim=dims, keepdim=True)  # biased
    x_hat = (x - mu) / torch.sqrt(var + eps)
    return gamma.view(shape) * x_hat + beta.view(shape)


def textbook_layer_norm(x, gamma, beta, eps=EPS):
    dims = list(range(x.dim() - gamma.dim(), x.dim()))  # the trailing axes gamma covers
    mu = x.mean(dim=dims, keepdim=True)
    var = ((x - mu) ** 2).mean(dim=dims, keepdim=True)
    x_hat = (x - mu) / torch.sqrt(var + eps)
    return gamma * x_hat + beta


def textbook_group_norm(x, num_groups, gamma, beta, eps=EPS):
    grouped = x.reshape(x.shape[0], num_groups, -1)  # (N, G, C/G * spatial)
    mu = grouped.mean(dim=2, keepdim=True)
    var = ((grouped - mu) ** 2).mean(dim=2, keepdim=True)
    x_hat = ((grouped - mu) / torch.sqrt(var + eps)).view(x.shape)
    shape = [1, -1] + [1] * (x.dim() - 2)
    return gamma.view(shape) * x_hat + beta.view(shape)


def textbook_dropout(x, p=P):
    keep = (torch.rand_like(x) >= p).to(x.dtype)  # m ~ Bernoulli(1 - p)
    return x * keep / (1 - p)


# ----------------------------------------------------------------- one row: op x shape
def _normalized_shape(shape):
    """Layer norm's natural ``normalized_shape``: the features ``(D,)`` of ``(N, D)``, and
    ``(C, H, W)`` of an image batch (one mean and variance per example)."""
    return tuple(shape[1:])


def make_row(op, shape, seed=0):
    """``{variant: callable}``: each callable runs one forward and one backward pass."""
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(shape, generator=g).requires_grad_(True)
    dy = torch.randn(shape, generator=g)
    C = shape[1]
    param_shape = _normalized_shape(shape) if op == "layer_norm" else (C,)  # weight and bias
    gamma = (1 + 0.1 * torch.randn(param_shape, generator=g)).requires_grad_(True)
    beta = (0.1 * torch.randn(param_shape, generator=g)).requires_grad_(True)
    leaves = [x] if op == "dropout" else [x, gamma, beta]
    x_np, dy_np = x.detach().numpy(), dy.numpy()
    gamma_np, beta_np = gamma.detach().numpy(), beta.detach().numpy()

    forwards = {
        "batch_norm": {
            "native": lambda: TF.batch_norm(x, None, None, gamma, beta, True, 0.1, EPS),
            "trainlab": lambda: F.batch_norm(x, None, None, gamma, beta, True, 0.1, EPS),
            "autograd": lambda: textbook_batch_norm(x, gamma, beta),
            "compiled": lambda: compiled.batch_norm(x, None, None, gamma, beta, True, 0.1, EPS),
        },
        "layer_norm": {
            "native": lambda: TF.layer_norm(x, param_shape, gamma, beta, EPS),
            "trainlab": lambda: F.layer_norm(x, param_shape, gamma, beta, EPS),
            "autograd": lambda: textbook_layer_norm(x, gamma, beta),
            "compiled": lambda: compiled.layer_norm(x, param_shape, gamma, beta, EPS),
        },
        "group_norm": {
            "native": lambda: TF.group_norm(x, GROUPS, gamma, beta, EPS),
            "trainlab": lambda: F.group_norm(x, GROUPS, gamma, beta, EPS),
            "autograd": lambda: textbook_group_norm(x, GROUPS, gamma, beta),
            "compiled": lambda: compiled.group_norm(x, GROUPS, gamma, beta, EPS),
        },
        "dropout": {
            "native": lambda: TF.dropout(x, P, True),
            "trainlab": lambda: F.dropout(x, P, True),
            "autograd": lambda: textbook_dropout(x),
        },
    }[op]
    row = {name: _forward_backward(fwd, leaves, dy) for name, fwd in forwards.items()}

    rng = np.random.default_rng(seed)
    numpy_forward, numpy_backward = {  # forward(x) -> (y, cache); backward(dy, cache)
        "batch_norm": (
            lambda a: ref.batch_norm_forward(a, weight=gamma_np, bias=beta_np, training=True),
            ref.batch_norm_backward,
        ),
        "layer_norm": (lambda a: ref.layer_norm_forward(a, param_shape, gamma_np, beta_np), ref.layer_norm_backward),
        "group_norm": (lambda a: ref.group_norm_forward(a, GROUPS, gamma_np, beta_np), ref.group_norm_backward),
        "dropout": (lambda a: ref.dropout_forward(a, P, generator=rng), ref.dropout_backward),
    }[op]
    row["numpy"] = lambda: numpy_backward(dy_np, numpy_forward(x_np)[1])
    return row


def _forward_backward(forward, leaves, dy):
    return lambda: torch.autograd.grad(forward(), leaves, dy)


def time_row(row, rounds, warmup, progress=None):
    """Median seconds per variant, the variants timed in turn within each round."""
    for name, fn in row.items():
        if progress and name == "compiled":
            progress("compiling")
        for _ in range(warmup):
            fn()
    times = {name: [] for name in row}
    for _ in range(rounds):
        for name, fn in row.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(t) for name, t in times.items()}


# ---------------------------------------------------------------------------- report
def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _cell(seconds, native):
    if seconds is None:
        return "—"
    return f"{seconds * 1e3:.2f} ms ({seconds / native:.2f}×)"


def markdown(results, meta):
    """The report: environment, the table, the targets checked, notes."""
    lines = [
        "# Benchmarks: normalization and dropout, forward + backward",
        "",
        "Generated by `make bench` (`python -m tools.bench`); do not edit by hand.",
        "",
        f"- date: {meta['date']}",
        f"- CPU: {meta['cpu']} ({os.cpu_count()} logical cores); torch threads: **{meta['threads']}** "
        f"(`torch.get_num_threads()`); NumPy runs its elementwise loops on one thread",
        f"- torch {torch.__version__}, NumPy {np.__version__}, Python {platform.python_version()}",
        f"- float32; median of {meta['rounds']} rounds after {meta['warmup']} warm-up calls; "
        f"load average before/after: {meta['load_before']} / {meta['load_after']}",
        "- compiled path: "
        + (
            "torch.compile (Inductor)"
            if compiled.is_available()
            else "torch.compile UNAVAILABLE here: the column is trainlab.functional"
        ),
        "",
        "Time of one forward and one backward pass, and in brackets the ratio to native (lower is better).",
        "",
        "| op | shape | native | trainlab (hand-written backward) | autograd of textbook forward "
        "| compiled | NumPy reference |",
        "|---|---|---|---|---|---|---|",
    ]
    for (op, shape), t in results.items():
        native = t["native"]
        cells = [f"{native * 1e3:.2f} ms"] + [_cell(t.get(v), native) for v in VARIANTS[1:]]
        lines.append(f"| {op} | {shape} | " + " | ".join(cells) + " |")
    lines += ["", "## Targets", ""] + [f"- {line}" for line in verdicts(results)]
    lines += ["", "## What is measured, and what bounds it", "", NOTES.strip(), ""]
    return "\n".join(lines)


def verdicts(results):
    """One line per target of the issue, met or not, with the numbers that decide it."""

    def listing(rows):
        return ", ".join(f"{op} {shape} {value:.2f}×" for (op, shape), value in rows.items())

    vs_autograd = {k: t["trainlab"] / t["autograd"] for k, t in results.items()}
    lost = {k: v for k, v in vs_autograd.items() if v >= 1}
    lines = [
        ("met" if not lost else "NOT met") + ": trainlab (hand-written backward) faster than autograd of the "
        "textbook forward on every row" + (f"; slower on: {listing(lost)} of autograd's time" if lost else "")
    ]
    trainlab = {k: t["trainlab"] / t["native"] for k, t in results.items()}
    worst = max(trainlab, key=trainlab.get)
    lines.append(
        ("met" if trainlab[worst] <= TARGETS["trainlab"] else "NOT met")
        + f": trainlab within {TARGETS['trainlab']:g}× of native on every row "
        f"(worst: {worst[0]} {worst[1]}, {trainlab[worst]:.2f}×)"
    )
    bn_ln = {
        k: t["compiled"] / t["native"]
        for k, t in results.items()
        if k[0] in ("batch_norm", "layer_norm") and t.get("compiled") is not None
    }
    if bn_ln:
        over = {k: v for k, v in bn_ln.items() if v > TARGETS["compiled"]}
        lines.append(
            ("met" if not over else "NOT met" if len(over) == len(bn_ln) else "partly met")
            + f": compiled within {TARGETS['compiled']:g}× of native for batch norm and layer norm "
            f"({listing(bn_ln)})"
        )
    return lines


NOTES = """
- **Ops and arguments.** batch norm: training mode, `weight` and `bias`, no running
  statistics. layer norm: `normalized_shape` = the features `(1024,)` of `(256, 1024)`, and
  `(64, 32, 32)` = (C, H, W) of the image batch, one mean and variance per example, with
  elementwise `weight` and `bias` of that shape. group norm: 8 groups, `(256, 1024)` read as
  (N, C) with C = 1024. dropout: p = 0.5, training. *autograd* is the textbook forward of
  `trainlab/bench.py` (mean, variance, normalize, scale and shift; `x * (rand >= p) / (1 - p)`);
  *compiled* is `tools.compiled`, `torch.compile` over the same textbook forward; there
  is no compiled dropout (it would draw its mask from Inductor's random stream, not torch's).
- **What bounds trainlab.** Forward and backward are whole-tensor torch ops: for batch
  norm, mean, centring, variance and one scale-and-shift pass; then two reductions and
  `dx = a·dy + b·(x - mu) + c` with per-channel `a, b, c` in two `addcmul` passes. That is
  about 10 passes over memory for batch norm and 14 for layer norm (its parameters are
  elementwise, so `gamma·dy` is written out), each a separate kernel writing a freshly
  allocated tensor, against 4–5 for PyTorch's fused loops. On `(256, 1024)` the fixed cost
  of some 15–20 dispatched ops and of `autograd.Function` (roughly 0.1–0.2 ms) is a large
  part of native's whole 0.3–0.4 ms. Getting under ~1.5× means fusing the loops (C++, or a
  compiler: the compiled column).
- **Dropout** is bound by its random numbers, not by the backward (`dx = dy·mask`, one
  multiply). trainlab keeps PyTorch's mask for the same seed: one float64 uniform per value
  kept where `u < 1 - p`, the numbers `bernoulli_(1 - p)` draws, but drawn with `torch.rand`,
  which makes it faster than native. The textbook forward draws float32 uniforms (half the
  random bits, a different mask), which is most of its lead over trainlab. What a float32
  mask would cost in fidelity: it is not torch's mask for the same seed (at p = 0.5 the two
  agree at about half the positions, as two independent masks would; the lesson
  dropout-in-practice prints this), so trainlab's dropout would no longer equal
  `torch.nn.Dropout` bit for bit, which its tests and lessons rely on.
- **What bounds the compiled path.** About 0.2 ms per forward+backward call of fixed cost
  (Dynamo's guards, AOTAutograd's wrapper; measured on a tiny input), which on
  `(256, 1024)` is half of native's time. Beyond that, Inductor generates generic loops from
  the textbook forward: the two-pass variance stays two passes (native: one), and batch
  norm's reduction over the batch axis of an `(N, C)` input walks memory with a stride of a
  row; it comes closest on the large shapes.
- **The autograd column** stores every intermediate of the textbook forward and runs one
  backward kernel per forward op: the baseline the hand-written backward has to beat.
- **Noise.** The machine may be shared: the variants of a row are timed in turn, round
  after round, so load hits all of them alike; the load averages above say how busy it was.
  Even so, a ratio can move by a few tenths from one run to the next.
"""


# ------------------------------------------------------------------------------ main
def run(quick=False, threads=None, out=None, stream=sys.stdout, progress_stream=sys.stderr):
    if threads:
        torch.set_num_threads(threads)
    rounds, warmup = (5, 2) if quick else (60, 3)
    ops = ["batch_norm", "layer_norm", "group_norm", "dropout"]
    cases = [(op, shape) for op in ops for shape in SHAPES]
    meta = {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": cpu_model(),
        "threads": torch.get_num_threads(),
        "rounds": rounds,
        "warmup": warmup,
        "load_before": _load(),
    }
    print(
        f"tools.bench: torch {torch.__version__}, {torch.get_num_threads()} threads, {meta['cpu']}, {meta['date']}",
        file=stream,
    )
    started = time.perf_counter()
    results = {}
    for i, (op, shape) in enumerate(cases, 1):

        def progress(what, i=i, op=op, shape=shape):
            print(
                f"[{i}/{len(cases)}] {op} {shape}: {what} ({time.perf_counter() - started:.0f} s)",
                file=progress_stream,
                flush=True,
            )

        progress("timing")
        row = make_row(op, shape)
        results[(op, shape)] = time_row(row, rounds, warmup, progress)
    meta["load_after"] = _load()
    text = markdown(results, meta)
    print(text, file=stream)
    if out:
        os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
        with open(out, "w", encoding="utf-8") as f:
            f.write(text)
        print(f"tools.bench: wrote {out} ({time.perf_counter() - started:.0f} s)", file=progress_stream)
    return results


def _load():
    try:
        return " ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m tools.bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds (5 instead of 60): a smoke test")
    parser.add_argument("--threads", type=int, default=None, help="torch threads (default: torch's choice)")
    parser.add_argument("--out", default=None, help="also write the markdown report to this file")
    args = parser.parse_args(argv)
    if args.threads is not None and args.threads < 1:
        parser.error(f"--threads: expected a positive number (got {args.threads})")
    run(quick=args.quick, threads=args.threads, out=args.out)


if __name__ == "__main__":
    main()
