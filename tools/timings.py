"""How long each lesson and each part of ``make test`` take, as a Markdown table (``make timings``).

Not a test: it reports. Every lesson is executed once, in its own kernel, one at a time (so the
times are those of one core), with the numerics pinned as ``make test`` pins them (the Makefile
runs this module under ``PINNED_NUMERICS``; a reader's unpinned, multi-threaded run is usually
faster). Then each part of ``make test`` is run through ``make`` and timed, nbval once with one
worker and once with ``--workers``. Nothing in the checkout changes except the built site
(``make book`` is timed from a fresh Sphinx environment) and the output file.

It also writes each lesson's run time, with the machine and the date, to ``docs/lesson-times.json``
(``--json``), which the course map of the home pages reads (book/_ext/course_map.py). ``--lessons``
times only the named notebooks and merges them into that file, leaving the Markdown report alone.

Usage: ``python -m tools.timings --workers 2 --out docs/timings.md``;
``python -m tools.timings --lessons notebooks/vi/bn-why.ipynb`` (one lesson, into the JSON only)
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
PIN_VARS = (
    "OMP_NUM_THREADS",
    "MKL_NUM_THREADS",
    "MKL_CBWR",
    "ATEN_CPU_CAPABILITY",
    "ONEDNN_MAX_CPU_ISA",
    "OPENBLAS_NUM_THREADS",
    "OPENBLAS_CORETYPE",
    "NPY_ENABLE_CPU_FEATURES",
)


#: Lessons and parts of the suite that failed while being timed (their time is still reported, marked).
FAILED: set[str] = set()


def time_notebook(path: Path, timeout: int = 600) -> tuple[float, float, int]:
    """Execute a copy of the notebook (the file is not touched): (seconds, slowest cell's seconds, code cells)."""
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}}
    )
    start = time.perf_counter()
    try:
        client.execute()
    except Exception as error:  # a report, not a test: note it and go on
        print(f"timings: {path}: {type(error).__name__}", file=sys.stderr)
        FAILED.add(str(path.relative_to(ROOT).as_posix()))
    total = time.perf_counter() - start
    slowest, cells = 0.0, 0
    for cell in nb.cells:
        run = cell.metadata.get("execution", {})
        if cell.cell_type == "code" and "iopub.execute_input" in run and "shell.execute_reply" in run:
            cells += 1
            began = datetime.datetime.fromisoformat(run["iopub.execute_input"].replace("Z", "+00:00"))
            ended = datetime.datetime.fromisoformat(run["shell.execute_reply"].replace("Z", "+00:00"))
            slowest = max(slowest, (ended - began).total_seconds())
    return total, slowest, cells


def time_make(*args: str) -> float:
    """Seconds ``make <args>`` takes, run as from a shell: unpinned (the Makefile pins what it pins
    itself) and without the variables of a calling ``make timings``. A failure is reported, not fatal."""
    env = {k: v for k, v in os.environ.items() if k not in PIN_VARS + ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    start = time.perf_counter()
    done = subprocess.run(["make", "--no-print-directory", *args], cwd=ROOT, env=env, stdout=subprocess.DEVNULL)
    if done.returncode:
        FAILED.add(" ".join(args))
        print(f"timings: make {' '.join(args)} failed (exit {done.returncode}); its time is marked", file=sys.stderr)
    return time.perf_counter() - start


def failed(name: str) -> bool:
    """Whether the suite row ``name`` (which quotes its make command) was a failed run."""
    return any(f"`make {args}`" in name for args in FAILED)


def machine() -> str:
    """The machine a time was measured on, in words any language reads."""
    return f"{platform.machine()}, {os.cpu_count()} CPU, Python {platform.python_version()}"


def write_lesson_times(path: Path, rows, keep_others: bool) -> None:
    """Write (or, with ``keep_others``, update) the machine-readable run times: per notebook
    ``{"seconds", "slowest_cell_seconds", "code_cells", "machine", "date", "failed"}``."""
    data = json.loads(path.read_text(encoding="utf-8")) if keep_others and path.exists() else {}
    lessons = data.get("lessons", {}) if keep_others else {}
    today = datetime.date.today().isoformat()
    for name, total, slowest, cells in rows:
        lessons[name] = {
            "seconds": round(total, 1),
            "slowest_cell_seconds": round(slowest, 1),
            "code_cells": cells,
            "machine": machine(),
            "date": today,
            "failed": name in FAILED,
        }
    data = {
        "about": "Run time of each lesson, executed top to bottom in a fresh kernel, pinned to one thread "
        "(written by `make timings`, tools/timings.py; read by the course map, book/_ext/course_map.py)",
        "machine": machine(),
        "date": today,
        "lessons": dict(sorted(lessons.items())),
    }
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"timings: wrote {path}", file=sys.stderr)


def fmt(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds:.0f} s ({seconds / 60:.1f} min)"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "timings.md")
    parser.add_argument("--lessons-only", action="store_true", help="time the lessons, not the suite")
    parser.add_argument("--suite-only", action="store_true", help="time the suite; keep the lessons' table of --out")
    parser.add_argument(
        "--json", type=Path, default=ROOT / "docs" / "lesson-times.json", help="lessons' times, for the course map"
    )
    parser.add_argument("--lessons", nargs="+", type=Path, help="time only these notebooks, into --json only")
    args = parser.parse_args(argv)
    unpinned = [v for v in PIN_VARS if v not in os.environ]
    if unpinned:
        print(f"timings: warning: not pinned ({', '.join(unpinned)}); run it as `make timings`", file=sys.stderr)

    lessons = sorted((ROOT / "notebooks").glob("*/*.ipynb"), key=lambda p: (p.name, p.parent.name))
    if args.lessons:
        rows = []
        for path in args.lessons:
            total, slowest, cells = time_notebook(path.resolve())
            rows.append((path.resolve().relative_to(ROOT).as_posix(), total, slowest, cells))
            print(f"timings: {rows[-1][0]}: {total:.1f} s", file=sys.stderr)
        write_lesson_times(args.json, rows, keep_others=True)
        return 0
    rows = []
    for path in [] if args.suite_only else lessons:
        total, slowest, cells = time_notebook(path)
        rows.append((path.relative_to(ROOT).as_posix(), total, slowest, cells))
        print(f"timings: {rows[-1][0]}: {total:.1f} s", file=sys.stderr)
    lesson_sum = sum(r[1] for r in rows)
    if rows:
        write_lesson_times(args.json, rows, keep_others=False)

    suite = []
    if not args.lessons_only:
        (ROOT / "_build" / ".site-deps").unlink(missing_ok=True)  # a full build, as from a fresh clone
        suite.append(("`make book` (both languages, from a fresh Sphinx environment)", time_make("book")))
        suite.append((f"`make unit WORKERS={args.workers}`", time_make("unit", f"WORKERS={args.workers}")))
        suite.append(("`make unit WORKERS=1`", time_make("unit", "WORKERS=1")))
        nbval = {w: time_make("notebooks-test", f"WORKERS={w}") for w in sorted({1, args.workers})}
        for w, seconds in nbval.items():
            suite.append((f"`make notebooks-test WORKERS={w}` (nbval, {len(lessons)} notebooks)", seconds))
        suite.append(("`make site-test`", time_make("site-test")))
        suite.append(("`make lint`", time_make("lint")))
        suite.append(("`make browser-test`", time_make("browser-test")))

    lines = [
        "# Timings",
        "",
        "Written by `make timings` (`tools/timings.py`); a report, not a test. "
        f"Machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}; "
        f"{datetime.date.today().isoformat()}.",
        "",
        "## Lessons",
        "",
        "Each lesson's default run, executed from top to bottom in a fresh kernel, one lesson at a time, with the "
        "numerics pinned to one thread and portable code paths as `make test` runs them (`PINNED_NUMERICS` in the "
        "Makefile). Kernel start-up included. nbval stops a cell after 300 s (a margin for a busy machine).",
        "",
        "| lesson | run time | slowest cell | code cells |",
        "| --- | ---: | ---: | ---: |",
    ]
    if args.suite_only:  # the lessons' table as the last full run wrote it
        previous = args.out.read_text(encoding="utf-8").split("\n")
        table = [line for line in previous if line.startswith("| `notebooks/") or line.startswith("| **all")]
        lines += table + [""]
    else:
        lines += [
            f"| `{name}` | {total:.1f} s{' (failed)' if name in FAILED else ''} | {slowest:.1f} s | {cells} |"
            for name, total, slowest, cells in rows
        ]
        lines += [f"| **all {len(rows)}** | **{fmt(lesson_sum)}** | | |", ""]
    if suite:
        lines += [
            "## `make test`, part by part",
            "",
            "Each part run on its own through `make` (the environment already installed); `WORKERS` is the number "
            "of processes that run notebooks and unit tests side by side (default: the number of cores).",
            "",
            "| part | time |",
            "| --- | ---: |",
        ]
        lines += [f"| {name} | {fmt(seconds)}{' (failed)' if failed(name) else ''} |" for name, seconds in suite]
        total = sum(s for name, s in suite if "WORKERS=1" not in name or args.workers == 1)
        lines += [
            f"| **`make test` with WORKERS={args.workers}** (sum of the parts above at that setting) | **{fmt(total)}** |",
            "",
            f"At {len(lessons)} notebooks nbval takes {fmt(nbval[1])} with one worker "
            f"({nbval[1] / len(lessons):.1f} s a notebook)"
            + (f" and {fmt(nbval[args.workers])} with {args.workers}." if args.workers != 1 else "."),
            "",
        ]
    args.out.write_text("\n".join(lines), encoding="utf-8")
    print(f"timings: wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
