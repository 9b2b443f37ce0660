"""Write the alternative text of every lesson figure into its notebook, from ``book/figure-alt.yml``.

A figure of a lesson is the image output (PNG, JPEG, GIF or SVG) of a code cell. The site reads
its alternative text (``<img alt="...">``) from the cell's metadata, where myst-nb 1.4 looks for
image options::

    "metadata": {"mystnb": {"image": {"alt": "Two histograms: ..."}}}

The texts live in one data file, ``book/figure-alt.yml``, keyed by language and lesson, then by
the cell's id (nbformat 4.5 ids are stable across re-execution)::

    vi/batchnorm-basics:
      batchnorm-basics-06: "Hai biểu đồ tần số ..."
    cs/batchnorm-basics:
      batchnorm-basics-06: "Dva histogramy ..."

This tool writes them into the notebooks, touching nothing but that metadata key (the outputs
nbval compares stay as they are), so it can be re-applied after a lesson is re-executed or
edited. ``--check`` changes nothing and fails when a notebook is out of step with the file, when
a figure has no text, or when an entry names a cell that does not exist or draws no figure.

Usage::

    python -m tools.figure_alt                 # every notebooks/*/*.ipynb
    python -m tools.figure_alt notebooks/vi/bn-why.ipynb
    python -m tools.figure_alt --check         # what tests/test_site_a11y.py runs
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
ALT_FILE = ROOT / "book" / "figure-alt.yml"
IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml")
#: Alternative texts that say nothing about the figure (compared lower-cased, without punctuation).
PLACEHOLDERS = {"", "png", "image", "output", "figure", "plot", "chart", "img", "hình", "ảnh", "obrázek", "graf"}
#: Shorter than this, a text cannot say what a figure shows (axes, curves, the point it makes).
MIN_LENGTH = 40


def lesson_key(path: Path) -> str:
    """``notebooks/vi/bn-why.ipynb`` -> ``vi/bn-why``: the file's key in ``book/figure-alt.yml``."""
    return f"{path.parent.name}/{path.stem}"


def figure_cells(nb) -> list:
    """The code cells of a notebook that show an image output, in order."""
    return [
        cell
        for cell in nb.cells
        if cell.cell_type == "code" and any(t in out.get("data", {}) for out in cell.outputs for t in IMAGE_TYPES)
    ]


def read_alt_texts(path: Path = ALT_FILE) -> dict[str, dict[str, str]]:
    """``{"vi/bn-why": {cell id: text}}`` from the data file (an empty dict when it does not exist)."""
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict) or not all(isinstance(v, dict) for v in data.values()):
        raise ValueError(f"figure_alt: expected {path} to map 'lang/lesson' to {{cell id: text}} (got {type(data)})")
    return {str(k): {str(c): str(t).strip() for c, t in v.items()} for k, v in data.items()}


def placeholder(text: str) -> bool:
    """Whether ``text`` is no description at all: empty, a generic word, a file name, or too short."""
    bare = "".join(ch for ch in text.lower() if ch.isalnum() or ch.isspace()).strip()
    return (
        bare in PLACEHOLDERS
        or text.strip().lower().endswith((".png", ".svg", ".jpg", ".jpeg", ".gif"))
        or len(text.strip()) < MIN_LENGTH
    )


def cell_alt(cell) -> str | None:
    """The alternative text stored in a cell's metadata (``mystnb.image.alt``), if any."""
    return (cell.metadata.get("mystnb", {}).get("image", {}) or {}).get("alt")


def apply(nb, texts: dict[str, str]) -> tuple[bool, list[str]]:
    """Write ``texts`` (cell id -> text) into the figure cells of ``nb`` (in place).

    Returns whether the notebook changed and the problems found: a figure without a text, a text
    that is a placeholder, an entry for a cell that is missing or shows no figure."""
    problems, changed = [], False
    figures = {cell.get("id"): cell for cell in figure_cells(nb)}
    ids = {cell.get("id") for cell in nb.cells}
    for cell_id in texts:
        if cell_id not in ids:
            problems.append(f"entry {cell_id!r}: no cell has this id")
        elif cell_id not in figures:
            problems.append(f"entry {cell_id!r}: this cell shows no image output")
    for cell_id, cell in figures.items():
        text = texts.get(cell_id)
        if text is None:
            problems.append(f"cell {cell_id!r}: a figure without alternative text")
            continue
        if placeholder(text):
            problems.append(f"cell {cell_id!r}: {text!r} does not say what the figure shows")
        if cell_alt(cell) != text:
            mystnb = cell.metadata.setdefault("mystnb", {})
            image = mystnb.setdefault("image", {})
            image["alt"] = text
            changed = True
    return changed, problems


def run(
    paths: list[Path], check: bool, alt_file: Path = ALT_FILE, every_lesson: bool = False
) -> tuple[list[Path], list[str]]:
    """Apply the data file to ``paths``; returns the notebooks that changed (or would, with
    ``check``) and every problem as ``"notebooks/vi/x.ipynb: ..."`` (with ``every_lesson``, also
    the data file's keys that name no notebook in ``paths``)."""
    texts = read_alt_texts(alt_file)
    changed, problems = [], []
    for path in paths:
        before = path.read_text(encoding="utf-8")
        nb = nbformat.reads(before, as_version=4)
        did_change, found = apply(nb, texts.get(lesson_key(path), {}))
        problems += [f"{path.relative_to(ROOT) if path.is_absolute() else path}: {p}" for p in found]
        if did_change:
            changed.append(path)
            if not check:
                after = nbformat.writes(nb)
                after += "" if after.endswith("\n") else "\n"  # as nbformat.write ends a file
                path.write_text(after, encoding="utf-8")
    if every_lesson:
        known = {lesson_key(p) for p in paths}
        problems += [f"{alt_file.name}: '{key}' is no lesson" for key in texts if key not in known]
    return changed, problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="*", type=Path, help="default: every notebooks/*/*.ipynb")
    parser.add_argument("--check", action="store_true", help="change nothing; fail if a notebook is out of step")
    args = parser.parse_args(argv)
    paths = [p.resolve() for p in args.notebooks] or sorted((ROOT / "notebooks").glob("*/*.ipynb"))
    changed, problems = run(paths, args.check, every_lesson=not args.notebooks)
    for path in changed:
        print(f"{'out of step' if args.check else 'wrote'}: {path.relative_to(ROOT)}")
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems or (args.check and changed) else 0


if __name__ == "__main__":
    sys.exit(main())
