r"""The vectorization lesson: a dot product and a layer's forward pass written as a Python loop,
with NumPy and with torch; the stored measurement of why the vectorized code is faster
(interpreter overhead, SIMD, caches, threads, achieved FLOP/s against a rough peak), its command
line, its figures, and the checkers of the lesson's exercises.

Example:
    >>> a, b = [1.0, 2.0, 3.0], [4.0, 5.0, 6.0]
    >>> loop_dot(a, b)
    32.0
    >>> X, W, b = np.ones((2, 3)), np.ones((3, 4)), np.arange(4.0)
    >>> loop_layer(X.tolist(), W.tolist(), b.tolist()) == (X @ W + b).tolist()
    True
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import platform
import subprocess
import sys
import time
from importlib import resources
from pathlib import Path

import numpy as np
import torch

from ..._checks import check_bool, check_int, check_type
from ..._results import write_timed_record
from ...exercises import CheckResult
from ...figures import finish
from ...i18n import _, fmt

__all__ = [
    "loop_dot",
    "empty_loop",
    "loop_layer",
    "dots_agree",
    "time_per_element",
    "live_speedups",
    "cache_sizes",
    "rough_peak",
    "measure",
    "check_record",
    "stored",
    "report",
    "plot_speed",
    "plot_cache",
    "check_pairwise_sq_dists",
    "check_batch_softmax",
]


# ------------------------------------------------------------------------- the three ways
def loop_dot(a, b) -> float:
    r"""The dot product :math:`\sum_i a_i b_i` of two equally long lists of floats, one element per
    turn of a Python loop (what NumPy and torch replace by one call)."""
    check_type(a, "loop_dot", "a", (list, tuple), "a list of floats")
    check_type(b, "loop_dot", "b", (list, tuple), "a list of floats")
    if len(a) != len(b):
        raise ValueError(f"loop_dot: expected a and b of the same length (got {len(a)} and {len(b)})")
    s = 0.0
    for x, y in zip(a, b):
        s += x * y
    return s


def empty_loop(a, b) -> None:
    """The same loop as :func:`loop_dot` doing nothing useful: it walks both lists and does no
    arithmetic, so its time per element is the interpreter's cost of one turn of the loop."""
    check_type(a, "empty_loop", "a", (list, tuple), "a list of floats")
    check_type(b, "empty_loop", "b", (list, tuple), "a list of floats")
    for _x, _y in zip(a, b):
        pass


def loop_layer(X, W, b) -> list:
    r"""One layer's forward pass :math:`Z = XW + b` for a mini-batch, by three nested Python loops:
    ``X`` is ``m`` rows of ``d_in`` floats, ``W`` is ``d_in`` rows of ``d_out`` floats, ``b`` has
    ``d_out`` floats; returns ``m`` rows of ``d_out`` floats,
    :math:`Z_{ij} = \sum_k X_{ik} W_{kj} + b_j`."""
    for name, v in (("X", X), ("W", W), ("b", b)):
        check_type(v, "loop_layer", name, (list, tuple), "a list")
    if len(W) != len(X[0]) or len(b) != len(W[0]):
        raise ValueError(
            "loop_layer: expected X (m, d_in), W (d_in, d_out), b (d_out) "
            f"(got X rows of {len(X[0])}, W {len(W)} x {len(W[0])}, b {len(b)})"
        )
    d_out = len(b)
    Z = []
    for row in X:
        z = list(b)
        for x_k, w_k in zip(row, W):
            for j in range(d_out):
                z[j] += x_k * w_k[j]
        Z.append(z)
    return Z


def dots_agree(n: int = 1_000_000, seed: int = 0) -> dict:
    """The dot product of two random float64 vectors of ``n`` values, computed by :func:`loop_dot`,
    ``np.dot`` and ``torch.dot``: ``{"loop", "numpy", "torch", "agree"}``, ``agree`` being
    whether all three are equal to a relative 1e-9 (they add in different orders)."""
    n = check_int(n, "dots_agree", "n", minimum=1)
    rng = np.random.default_rng(check_int(seed, "dots_agree", "seed", minimum=0))
    a, b = rng.standard_normal(n), rng.standard_normal(n)
    values = {
        "loop": loop_dot(a.tolist(), b.tolist()),
        "numpy": float(np.dot(a, b)),
        "torch": float(torch.dot(torch.from_numpy(a), torch.from_numpy(b))),
    }
    scale = float(np.abs(a * b).sum())  # the size of the terms, not of their (cancelling) sum
    values["agree"] = all(abs(v - values["numpy"]) <= 1e-9 * scale for v in values.values())
    return values


def time_per_element(fn, elements: int, repeats: int = 3) -> float:
    """Seconds per element of ``fn()`` (which handles ``elements`` elements): the best of
    ``repeats`` calls, after one warm-up call (the best, because load on the machine only adds)."""
    if not callable(fn):
        raise TypeError(f"time_per_element: expected fn to be a function (got {type(fn).__name__})")
    elements = check_int(elements, "time_per_element", "elements", minimum=1)
    repeats = check_int(repeats, "time_per_element", "repeats", minimum=1)
    fn()
    best = math.inf
    for _r in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best / elements


def _dot_runs(n: int, seed: int = 0) -> dict:
    rng = np.random.default_rng(seed)
    a, b = rng.standard_normal(n), rng.standard_normal(n)
    la, lb, ta, tb = a.tolist(), b.tolist(), torch.from_numpy(a), torch.from_numpy(b)
    return {
        "python loop": lambda: loop_dot(la, lb),
        "numpy": lambda: np.dot(a, b),
        "torch": lambda: torch.dot(ta, tb),
        "empty loop": lambda: empty_loop(la, lb),
    }


def live_speedups(n: int = 1_000_000, repeats: int = 3) -> dict:
    """Time per element of the Python loop over that of NumPy and of torch for a float64 dot
    product of ``n`` values, timed here and now: ``{"numpy": ratio, "torch": ratio}``."""
    n = check_int(n, "live_speedups", "n", minimum=1)
    repeats = check_int(repeats, "live_speedups", "repeats", minimum=1)
    runs = _dot_runs(n)
    loop = time_per_element(runs["python loop"], n, repeats)
    return {k: loop / time_per_element(runs[k], n, repeats) for k in ("numpy", "torch")}


# ------------------------------------------------------------------------- the machine
def cache_sizes(root="/sys/devices/system/cpu/cpu0/cache") -> dict:
    """The data caches of CPU 0 as ``{"L1d": bytes, "L2": bytes, "L3": bytes}``, read from
    ``root`` (Linux sysfs: ``index*/level``, ``type``, ``size``); ``{}`` where there is none."""
    check_type(root, "cache_sizes", "root", (str, Path), "a directory path")
    sizes = {}
    for index in sorted(Path(root).glob("index*")):
        try:
            level = (index / "level").read_text().strip()
            kind = (index / "type").read_text().strip()
            size = (index / "size").read_text().strip()
        except OSError:
            continue
        if kind == "Instruction":
            continue
        unit = {"K": 1024, "M": 1024**2, "G": 1024**3}.get(size[-1], 1)
        sizes[f"L{level}" + ("d" if kind == "Data" else "")] = int(size.rstrip("KMG")) * unit
    return sizes


def _cpuinfo() -> dict:
    """Model name, flags and clock (MHz) of the first CPU in ``/proc/cpuinfo`` (empty if absent)."""
    info = {"model": platform.processor() or "?", "flags": [], "mhz": None}
    try:
        text = Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return info
    for line in text.splitlines():
        key, _sep, value = (s.strip() for s in line.partition(":"))
        if key == "model name" and info["model"] in ("?", platform.processor()):
            info["model"] = value
        elif key == "flags" and not info["flags"]:
            info["flags"] = value.split()
        elif key == "cpu MHz" and info["mhz"] is None:
            info["mhz"] = float(value)
    return info


#: The assumption behind :func:`rough_peak`: FMA units per core, each doing one fused
#: multiply-add (2 FLOPs) on every lane of the widest vector the flags name, every cycle.
FMA_UNITS = 2


def rough_peak(flags, cores: int, ghz: float) -> dict:
    r"""The rough float32 peak :math:`\text{cores} \times \text{GHz} \times \text{FLOPs/cycle}`,
    FLOPs/cycle :math:`= \text{lanes} \times 2 \times` :data:`FMA_UNITS`, where lanes is the
    number of float32 in the widest vector the CPU flags name (16 for ``avx512f``, 8 for ``avx2``
    with ``fma``, 4 otherwise (SSE)) and 2 counts the multiply and the add of one FMA. An
    assumption, not a measurement: some cores split a 512-bit instruction into two 256-bit halves
    or have one FMA unit, and the clock varies under load.

    Example:
        >>> rough_peak(["sse2", "avx2", "fma"], cores=4, ghz=3.0)["gflops"]
        384.0
    """
    check_type(flags, "rough_peak", "flags", (list, tuple, set), "a list of CPU flags")
    cores = check_int(cores, "rough_peak", "cores", minimum=1)
    if not isinstance(ghz, (int, float)) or isinstance(ghz, bool) or not ghz > 0:
        raise ValueError(f"rough_peak: expected ghz to be a number > 0 (got {ghz!r})")
    flags = set(flags)
    if "avx512f" in flags:
        isa, lanes = "AVX-512", 16
    elif {"avx2", "fma"} <= flags:
        isa, lanes = "AVX2 + FMA", 8
    else:
        isa, lanes = "SSE", 4
    per_cycle = lanes * 2 * FMA_UNITS
    return {
        "isa": isa,
        "lanes": lanes,
        "fma_units": FMA_UNITS,
        "flops_per_cycle": per_cycle,
        "cores": cores,
        "ghz": float(ghz),
        "gflops": cores * float(ghz) * per_cycle,
    }


# ------------------------------------------------------------------------- the measurement
#: Sizes of the stored measurement (the lesson times 10⁶ values live, the file 10⁷).
DOT_N = 10_000_000
LAYER = {"m": 64, "d_in": 256, "d_out": 128}
SIMD_N = 1 << 16  # float32 values: 256 KiB, in L2 on most CPUs
MATMUL_N = 1024
THREADS_N = 2048
#: Environment variables that choose threads and instruction sets; the CLI sets them per worker.
KNOBS = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_CBWR",
    "ATEN_CPU_CAPABILITY",
    "ONEDNN_MAX_CPU_ISA",
    "OPENBLAS_CORETYPE",
    "NPY_ENABLE_CPU_FEATURES",
)
#: The workers the CLI runs, each in its own process with these variables (others unset).
WORKERS = {
    "base": {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
    "portable": {
        "OMP_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "ATEN_CPU_CAPABILITY": "default",
        "NPY_ENABLE_CPU_FEATURES": "X86_V2",
    },
    "threads1": {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"},
    "threads2": {"OMP_NUM_THREADS": "2", "MKL_NUM_THREADS": "2", "OPENBLAS_NUM_THREADS": "2"},
}


def _numpy_target() -> str:
    """The instruction-set target NumPy dispatches float32 multiply to in this process."""
    try:
        from numpy.lib.introspect import opt_func_info

        return opt_func_info(func_name="^multiply$", signature="float32")["multiply"]["fff"]["current"]
    except Exception:  # noqa: BLE001 - older NumPy: no introspection
        return "?"


def _matmul_seconds(n: int, dtype, threads: int, repeats: int = 5) -> float:
    torch.set_num_threads(threads)
    g = torch.Generator().manual_seed(0)
    a, b = torch.randn(n, n, generator=g, dtype=dtype), torch.randn(n, n, generator=g, dtype=dtype)
    return time_per_element(lambda: a @ b, 1, repeats)


def _simd_times() -> dict:
    """Seconds per element of a float32 sum and elementwise product (torch and NumPy), ``SIMD_N``
    values: the kernels that ``ATEN_CPU_CAPABILITY`` / ``NPY_ENABLE_CPU_FEATURES`` choose."""
    g = torch.Generator().manual_seed(0)
    x, y = torch.randn(SIMD_N, generator=g), torch.randn(SIMD_N, generator=g)
    out = torch.empty_like(x)
    xn, yn, outn = x.numpy(), y.numpy(), out.numpy().copy()
    reps = 200
    loops = {
        "torch sum": lambda: [x.sum() for _r in range(reps)],
        "torch x * y": lambda: [torch.mul(x, y, out=out) for _r in range(reps)],
        "numpy sum": lambda: [xn.sum() for _r in range(reps)],
        "numpy x * y": lambda: [np.multiply(xn, yn, out=outn) for _r in range(reps)],
    }
    return {k: time_per_element(f, SIMD_N * reps, 5) for k, f in loops.items()}


def _cache_curve(max_bytes: int) -> list:
    """``[[bytes, seconds per element], ...]`` of ``np.dot`` of two float32 vectors whose two
    arrays together take ``bytes`` (4 KiB up to ``max_bytes``, ×2 per step)."""
    points, nbytes = [], 4096
    rng = np.random.default_rng(0)
    while nbytes <= max_bytes:
        n = nbytes // 8
        a, b = rng.standard_normal(n).astype(np.float32), rng.standard_normal(n).astype(np.float32)
        reps = max(1, (1 << 24) // n)  # about 16 M elements per timed call

        def run(a=a, b=b, reps=reps):
            for _r in range(reps):
                np.dot(a, b)

        points.append([nbytes, time_per_element(run, n * reps, 3)])
        nbytes *= 2
    return points


def _worker(name: str) -> dict:
    """What one worker process measures (its environment set by :func:`measure`)."""
    if name in ("base", "portable"):
        out = {
            "capability": torch.backends.cpu.get_cpu_capability(),
            "numpy_target": _numpy_target(),
            "simd": _simd_times(),
        }
        if name == "base":
            runs = _dot_runs(DOT_N)
            out["dot"] = {k: time_per_element(f, DOT_N, 2) for k, f in runs.items()}
            m, d_in, d_out = LAYER["m"], LAYER["d_in"], LAYER["d_out"]
            rng = np.random.default_rng(0)
            X, W, b = rng.standard_normal((m, d_in)), rng.standard_normal((d_in, d_out)), rng.standard_normal(d_out)
            tX, tW, tb = (torch.from_numpy(v) for v in (X, W, b))
            lX, lW, lb = X.tolist(), W.tolist(), b.tolist()
            macs = m * d_in * d_out
            out["layer"] = {
                "python loop": time_per_element(lambda: loop_layer(lX, lW, lb), macs, 2),
                "numpy": time_per_element(lambda: X @ W + b, macs, 20),
                "torch": time_per_element(lambda: tX @ tW + tb, macs, 20),
            }
            sizes = cache_sizes()
            out["cache"] = _cache_curve(max(4 * sizes.get("L3", 8 << 20), 32 << 20))
            out["matmul float64"] = _matmul_seconds(MATMUL_N, torch.float64, 1)
            out["matmul float32"] = _matmul_seconds(MATMUL_N, torch.float32, 1)
        return out
    if name in ("threads1", "threads2"):
        return {"matmul float32": _matmul_seconds(THREADS_N, torch.float32, int(name[-1]), repeats=7)}
    raise ValueError(f"_worker: expected one of {sorted(WORKERS)} (got {name!r})")


def measure() -> dict:
    """Run every worker of :data:`WORKERS` in its own Python process with its own environment
    (so the settings of the shell, e.g. ``make test``'s pinned numerics, do not leak in) and
    collect the record the lesson prints: per-element times of the loop, NumPy and torch (dot of
    :data:`DOT_N` values, one layer of :data:`LAYER`), the empty loop, SIMD on/off, float32 vs
    float64, the cache curve, 1 vs 2 threads, achieved vs rough peak FLOP/s, and the machine."""
    results = {}
    for name, knobs in WORKERS.items():
        env = {k: v for k, v in os.environ.items() if k not in KNOBS} | knobs
        cmd = [sys.executable, "-m", "trainlab.parts.foundations.vectorization", "--worker", name]
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=True)
        results[name] = json.loads(done.stdout)
    base, portable = results["base"], results["portable"]
    cpu = _cpuinfo()
    cores = os.cpu_count() or 1
    peak = rough_peak(cpu["flags"], cores, (cpu["mhz"] or 1000.0) / 1000)
    t1, t2 = results["threads1"]["matmul float32"], results["threads2"]["matmul float32"]
    flops = 2 * THREADS_N**3
    return {
        "dot": {"n": DOT_N, "dtype": "float64", "seconds_per_element": base["dot"]},
        "layer": {**LAYER, "dtype": "float64", "seconds_per_multiply_add": base["layer"]},
        "simd": {
            "n": SIMD_N,
            "dtype": "float32",
            "best": {
                "capability": base["capability"],
                "numpy_target": base["numpy_target"],
                "seconds_per_element": base["simd"],
            },
            "portable": {
                "capability": portable["capability"],
                "numpy_target": portable["numpy_target"],
                "seconds_per_element": portable["simd"],
            },
        },
        "precision": {"n": MATMUL_N, "float64": base["matmul float64"], "float32": base["matmul float32"]},
        "cache": {"sizes": cache_sizes(), "points": base["cache"]},
        "threads": {"n": THREADS_N, "seconds": {"1": t1, "2": t2}},
        "flops": {
            "n": THREADS_N,
            "achieved_gflops": {"1": flops / t1 / 1e9, "2": flops / t2 / 1e9},
            "peak": peak,
        },
        "machine": {
            "cpu": cpu["model"],
            "machine": platform.machine(),
            "cores": cores,
            "python": platform.python_version(),
            "numpy": np.__version__,
            "torch": torch.__version__,
            "date": datetime.date.today().isoformat(),
            "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
            "workers": WORKERS,
        },
    }


def check_record(record) -> dict:
    """``record`` (a :func:`measure` result) checked: every section present, times positive; returns it."""
    check_type(record, "check_record", "record", dict, "a dict")
    for key in ("dot", "layer", "simd", "precision", "cache", "threads", "flops", "machine"):
        if not isinstance(record.get(key), dict):
            raise ValueError(f"check_record: expected record[{key!r}] to be a dict (got {record.get(key)!r})")
    times = [
        *record["dot"]["seconds_per_element"].values(),
        *record["layer"]["seconds_per_multiply_add"].values(),
        *record["threads"]["seconds"].values(),
        *(t for p in record["cache"]["points"] for t in p[1:]),
    ]
    if not all(isinstance(t, (int, float)) and math.isfinite(t) and t > 0 for t in times):
        raise ValueError(f"check_record: expected positive finite times (got {times})")
    return record


#: The stored measurement the lesson prints (shipped in ``results/``), regenerated with::
#:
#:     python -m trainlab.parts.foundations.vectorization --out src/trainlab/parts/foundations/results/vectorization-timings.json
RESULTS = "vectorization-timings.json"


def stored(path=None) -> dict:
    """The stored :func:`measure` record (``path=None``: the copy shipped in ``trainlab``), checked."""
    if path is None:
        text = resources.files("trainlab.parts.foundations").joinpath("results", RESULTS).read_text(encoding="utf-8")
    else:
        check_type(path, "stored", "path", (str, Path), "None or a file path")
        text = Path(path).read_text(encoding="utf-8")
    return check_record(json.loads(text))


# ------------------------------------------------------------------------- what the lesson prints
def _sig(value: float, digits: int = 2) -> str:
    """``value`` > 0 rounded to ``digits`` significant digits, written by :func:`fmt`."""
    value = float(f"{value:.{digits}g}")
    return fmt(value, max(0, digits - 1 - math.floor(math.log10(value))))


def _ns(seconds: float) -> str:
    return _sig(seconds * 1e9) + " ns"


def _ratio(a: float, b: float) -> str:
    return _sig(a / b) + "×"


def _kib(nbytes: int) -> str:
    return fmt(nbytes // 1024) + " KiB" if nbytes < 1024**2 else fmt(nbytes // 1024**2) + " MiB"


PARTS = ("speed", "overhead", "simd", "cache", "threads", "flops", "myth")


def report(record, part: str) -> str:
    """The lines a lesson prints about one ``part`` (one of :data:`PARTS`) of a :func:`measure`
    record, in the current language; numbers to two significant digits, verdicts from them."""
    check_type(record, "report", "record", dict, "a measurement record (a dict)")
    check_record(record)
    if part not in PARTS:
        raise ValueError(f"report: expected part to be one of {list(PARTS)} (got {part!r})")
    m = record["machine"]
    if part == "speed":
        dot, layer = record["dot"], record["layer"]
        d, lay = dot["seconds_per_element"], layer["seconds_per_multiply_add"]
        lines = [
            _("stored measurement") + f": {m['cpu']}, numpy {m['numpy']}, torch {m['torch']}, {m['date']}",
            _("one thread; time per element (dot product of {n} float64 values):").format(n=fmt(dot["n"])),
            "  " + "; ".join(f"{_(k)} {_ns(d[k])}" for k in ("python loop", "numpy", "torch")),
            _("one layer X @ W + b, X {m} × {d_in}, W {d_in} × {d_out}: time per multiply-add:").format(**layer),
            "  " + "; ".join(f"{_(k)} {_ns(lay[k])}" for k in ("python loop", "numpy", "torch")),
            _("python loop / numpy:")
            + f" {_ratio(d['python loop'], d['numpy'])} ("
            + _("dot product")
            + f"), {_ratio(lay['python loop'], lay['numpy'])} ("
            + _("layer")
            + ")",
        ]
    elif part == "overhead":
        d = record["dot"]["seconds_per_element"]
        lines = [
            _("time per element, n = {n}:").format(n=fmt(record["dot"]["n"]))
            + f" {_('python loop')} {_ns(d['python loop'])}; "
            + _("the same loop doing nothing")
            + f" {_ns(d['empty loop'])}; numpy {_ns(d['numpy'])}",
            _("share of the loop's time spent walking the lists, no arithmetic:")
            + " "
            + fmt(d["empty loop"] / d["python loop"], 0, percent=True),
            _("the loop doing nothing alone is slower than numpy by") + " " + _ratio(d["empty loop"], d["numpy"]),
        ]
    elif part == "simd":
        s = record["simd"]
        best, port = s["best"]["seconds_per_element"], s["portable"]["seconds_per_element"]
        p = record["precision"]
        lines = [
            _(
                "float32, {n} values, one thread; time per element with the widest vector instructions / "
                "with narrow ones:"
            ).format(n=fmt(s["n"])),
            "  torch: {b} / {p}; numpy: {nb} / {np_}".format(
                b=s["best"]["capability"],
                p=s["portable"]["capability"],
                nb=s["best"]["numpy_target"],
                np_=s["portable"]["numpy_target"],
            ),
            *(f"  {k}: {_ns(best[k])} / {_ns(port[k])} → {_ratio(port[k], best[k])}" for k in best),
            _("matmul {n} × {n}, one thread: float64 / float32 time").format(n=fmt(p["n"]))
            + " "
            + _ratio(p["float64"], p["float32"]),
        ]
    elif part == "cache":
        c = record["cache"]
        sizes = "; ".join(f"{k} {_kib(v)}" for k, v in c["sizes"].items())
        pts = c["points"]
        lines = [
            _("data caches of this CPU (read from sysfs):") + " " + sizes,
            _("np.dot of two float32 vectors, time per element by size of both arrays:"),
        ]
        lines += ["  " + "; ".join(f"{_kib(b)} {_ns(t)}" for b, t in pts[i : i + 4]) for i in range(0, len(pts), 4)]
        small = min(t for b, t in pts if b <= c["sizes"].get("L2", 0)) if c["sizes"].get("L2") else pts[0][1]
        large = pts[-1][1]
        lines.append(_("largest arrays / fastest size that fits in L2:") + " " + _ratio(large, small))
    elif part == "threads":
        t = record["threads"]
        lines = [
            _("matmul {n} × {n} float32: 1 thread / 2 threads time").format(n=fmt(t["n"]))
            + " "
            + _ratio(t["seconds"]["1"], t["seconds"]["2"]),
            _("load average when measured (1, 5, 15 min):") + " " + "; ".join(fmt(v, 1) for v in m["load_average"]),
        ]
    elif part == "myth":
        pk, lay = record["flops"]["peak"], record["layer"]["seconds_per_multiply_add"]
        simd = record["simd"]["best"]["seconds_per_element"]["torch sum"]
        simd = record["simd"]["portable"]["seconds_per_element"]["torch sum"] / simd
        threads = record["threads"]["seconds"]["1"] / record["threads"]["seconds"]["2"]
        total = lay["python loop"] / lay["numpy"]
        lines = [
            _("multiply-adds at once at most (lanes × FMA units × cores):")
            + f" {pk['lanes']} × {pk['fma_units']} × {pk['cores']} = {pk['lanes'] * pk['fma_units'] * pk['cores']}",
            _("measured gain of wide SIMD (torch sum) × of 2 threads (matmul):")
            + f" {_sig(simd)} × {_sig(threads)} = {_sig(simd * threads)}×",
            _("measured gain of numpy over the python loop (layer):") + f" {_sig(total)}×",
            _("fewer than 1,000 multiply-adds at once:")
            + " "
            + str(pk["lanes"] * pk["fma_units"] * pk["cores"] < 1000),
            _("SIMD × threads explain less than a tenth of the gain:") + " " + str(simd * threads < total / 10),
        ]
    else:
        f = record["flops"]
        pk = f["peak"]
        lines = [
            _(
                "rough peak = {cores} cores × {ghz} GHz × {per_cycle} FLOPs/cycle ({isa}: {lanes} float32 lanes × 2 "
                "for multiply and add × {units} FMA units, assumed) = {peak} GFLOP/s"
            ).format(
                cores=pk["cores"],
                ghz=fmt(pk["ghz"], 2),
                per_cycle=pk["flops_per_cycle"],
                isa=pk["isa"],
                lanes=pk["lanes"],
                units=pk["fma_units"],
                peak=fmt(round(pk["gflops"])),
            ),
            *(
                _("achieved by matmul {n} × {n} float32 on {threads} thread(s):").format(n=fmt(f["n"]), threads=k)
                + f" {_sig(g)} GFLOP/s = "
                + fmt(g / (pk["gflops"] * int(k) / pk["cores"]), 0, percent=True)
                + " "
                + _("of the rough peak of {k} core(s)").format(k=k)
                for k, g in f["achieved_gflops"].items()
            ),
        ]
    return "\n".join(lines)


# ------------------------------------------------------------------------- figures
def plot_speed(record):
    """Bar chart (log scale) of the stored time per element of the Python loop, NumPy and torch,
    for the dot product and for one layer (per multiply-add)."""
    import matplotlib.pyplot as plt

    check_type(record, "plot_speed", "record", dict, "a measurement record (a dict)")
    check_record(record)
    d, lay = record["dot"]["seconds_per_element"], record["layer"]["seconds_per_multiply_add"]
    ways = ("python loop", "numpy", "torch")
    fig, ax = plt.subplots(figsize=(6.4, 3.6), facecolor="white")
    width = 0.38
    for i, (label, times) in enumerate(((_("dot product"), d), (_("layer X @ W + b"), lay))):
        xs = np.arange(len(ways)) + (i - 0.5) * width
        ax.bar(xs, [times[k] * 1e9 for k in ways], width, label=label, color=f"C{i}")
    ax.set_yscale("log")
    ax.set_xticks(np.arange(len(ways)), [_(k) for k in ways])
    ax.set_ylabel(_("time per element (ns, log scale)"))
    ax.set_title(_("The same arithmetic, three ways (one thread)"))
    ax.legend()
    ax.grid(axis="y", which="major", alpha=0.3)
    return finish(fig)


def plot_cache(record):
    """Time per element of ``np.dot`` against the size of its two arrays (log-log), with the
    cache sizes read from the machine as vertical lines."""
    import matplotlib.pyplot as plt

    check_type(record, "plot_cache", "record", dict, "a measurement record (a dict)")
    check_record(record)
    c = record["cache"]
    pts = np.array(c["points"], dtype=float)
    fig, ax = plt.subplots(figsize=(6.4, 3.6), facecolor="white")
    ax.plot(pts[:, 0] / 1024, pts[:, 1] * 1e9, "o-", color="C0")
    for i, (name, size) in enumerate(c["sizes"].items()):
        ax.axvline(size / 1024, color=f"C{i + 1}", linestyle="--", label=f"{name} = {_kib(size)}")
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ax.set_xlabel(_("size of both arrays (KiB, log scale)"))
    ax.set_ylabel(_("time per element (ns, log scale)"))
    ax.set_title(_("np.dot, float32, one thread"))
    ax.legend()
    ax.grid(which="major", alpha=0.3)
    return finish(fig)


# ------------------------------------------------------------------------- exercises
def _check_function(fn, func: str, reference, inputs, verbose: bool) -> CheckResult:
    check_bool(verbose, func, "verbose")
    if not callable(fn):
        line = _("{arg} must be a function (got {what})").format(arg="fn", what=type(fn).__name__)
        return CheckResult.report(False, ["✗ " + line], verbose)
    for args in inputs:
        want = reference(*args)
        try:
            got = np.asarray(fn(*(a.copy() for a in args)), dtype=float)
        except Exception as error:  # noqa: BLE001 - the reader's error is reported, not raised
            return CheckResult.report(False, ["✗ " + f"{type(error).__name__}: {error}"], verbose)
        if got.shape != want.shape:
            line = _("expected an array of shape {want} (got {got})").format(want=want.shape, got=got.shape)
            return CheckResult.report(False, ["✗ " + line], verbose)
        if not np.all(np.isfinite(got)):
            line = _("the result contains NaN or infinity (an overflow?)")
            return CheckResult.report(False, ["✗ " + line], verbose)
        if not np.allclose(got, want, rtol=1e-6, atol=1e-9):
            worst = float(np.max(np.abs(got - want)))
            line = _("not equal to the reference: largest difference {d}").format(d=_sig(worst))
            return CheckResult.report(False, ["✗ " + line], verbose)
    return CheckResult.report(True, ["✓ " + _("Correct: equal to the loop on every test.")], verbose)


def _pairwise_reference(A, B):
    return np.array([[float(((a - b) ** 2).sum()) for b in B] for a in A])


def check_pairwise_sq_dists(fn, verbose: bool = True) -> CheckResult:
    r"""Check the reader's vectorized ``fn(A, B)`` of pairwise squared distances
    :math:`D_{ij} = \lVert a_i - b_j\rVert^2` for ``A`` of shape ``(p, d)`` and ``B`` of shape
    ``(q, d)`` (NumPy float64), result ``(p, q)``, against a loop, on three pairs of shapes."""
    rng = np.random.default_rng(0)
    inputs = [
        (rng.standard_normal((p, d)), rng.standard_normal((q, d))) for p, q, d in ((5, 7, 3), (1, 4, 10), (8, 8, 2))
    ]
    return _check_function(fn, "check_pairwise_sq_dists", _pairwise_reference, inputs, verbose)


def _softmax_reference(Z):
    out = np.empty_like(Z)
    for i, row in enumerate(Z):
        e = [math.exp(v - max(row)) for v in row]
        out[i] = [v / sum(e) for v in e]
    return out


def check_batch_softmax(fn, verbose: bool = True) -> CheckResult:
    r"""Check the reader's vectorized ``fn(Z)``: the softmax of each row of ``Z`` (shape
    ``(m, k)``, NumPy float64), :math:`\operatorname{softmax}(z)_j = e^{z_j} / \sum_l e^{z_l}`,
    against a loop, including a row with large values (1000) where :math:`e^{z}` overflows
    unless the row's maximum is subtracted first."""
    rng = np.random.default_rng(1)
    big = rng.standard_normal((3, 5)) + np.array([[1000.0], [0.0], [-1000.0]])
    inputs = [(rng.standard_normal((4, 3)),), (rng.standard_normal((1, 10)),), (big,)]
    with np.errstate(all="ignore"):
        return _check_function(fn, "check_batch_softmax", _softmax_reference, inputs, verbose)


# ------------------------------------------------------------------------- command line
def _main(argv=None):
    """Command line: ``--out FILE`` runs :func:`measure` and stores it as JSON (``--worker``: internal)."""
    parser = argparse.ArgumentParser(
        prog="python -m trainlab.parts.foundations.vectorization", description=_main.__doc__.split("\n")[0]
    )
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--out", help="the JSON file to write")
    group.add_argument("--worker", choices=sorted(WORKERS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(_worker(args.worker)))
        return None
    return write_timed_record(args.out, measure, check_record)


if __name__ == "__main__":
    _main()
