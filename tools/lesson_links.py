"""Write (or check) the closing "next / see also / glossary / formula sheet" cell of every lesson.

The cell is generated from ``book/course.yml`` (see also its ``closing_cell`` strings) and the
table of contents ``book/<lang>/_toc.yml``: the next lesson in toc order, the lesson's ``see_also``
list, and links to the glossary and the formula sheet. It is the notebook's last cell, a Markdown
cell tagged ``lesson-links``; ``--write`` appends it or replaces the tagged cell (moving it to the
end), ``--check`` reports every notebook whose cell is missing or stale (tests/test_course_map.py
calls it). Only that Markdown cell is touched: code cells and their outputs stay as they are.

Links to lessons use the notebook file name (``bn-why.ipynb``), which MyST resolves on the site and
which works in Jupyter and on Colab; links to the glossary and the formula sheet are relative paths
to their Markdown pages, which MyST resolves on the site.

Usage: ``python -m tools.lesson_links --write`` / ``python -m tools.lesson_links --check``
(``python -m tools.lesson_links --write vectorization`` only that lesson, in both languages)
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parent.parent
LANGS = ("vi", "cs")
TAG = "lesson-links"
CELL_ID = "lesson-links"


def toc_lessons(lang: str) -> list[str]:
    """Lesson names of ``book/<lang>/_toc.yml`` in toc order."""
    toc = yaml.safe_load((ROOT / "book" / lang / "_toc.yml").read_text(encoding="utf-8"))
    files = [ch["file"] for part in toc.get("parts", []) for ch in part.get("chapters", [])]
    return [f.rsplit("/", 1)[-1] for f in files if f.startswith("notebooks/")]


def lesson_title(lang: str, name: str, course: dict) -> str:
    """The lesson's own title (its first ``# `` heading), or the map's label if it has none yet."""
    path = ROOT / "notebooks" / lang / f"{name}.ipynb"
    if path.exists():
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            if cell["cell_type"] == "markdown" and text.startswith("# "):
                return text.splitlines()[0][2:].strip()
    return course["lessons"][name]["label"][lang]


def closing_text(lang: str, name: str, course: dict, order: list[str]) -> str:
    """The Markdown of the closing cell of lesson ``name`` in ``lang``. Only lessons whose notebook
    exists are linked (a lesson of the toc not written yet is skipped; ``--check`` reports the cell
    as stale once it exists)."""
    words = course["closing_cell"][lang]

    def exists(target: str) -> bool:
        return (ROOT / "notebooks" / lang / f"{target}.ipynb").exists()

    def link(target: str) -> str:
        return f"[{lesson_title(lang, target, course)}]({target}.ipynb)"

    following = next((t for t in order[order.index(name) + 1 :] if exists(t)), None)
    lines = [f"## {words['heading']}", ""]
    lines.append(f"- **{words['next']}:** {link(following)}" if following else f"- {words['last']}")
    see_also = [t for t in course["lessons"][name].get("see_also", []) if t != following and exists(t)]
    if see_also:
        lines.append(f"- **{words['see_also']}:** " + "; ".join(link(t) for t in see_also))
    book = f"../../book/{lang}"
    lines.append(
        f"- **{words['reference']}:** [{words['glossary']}]({book}/glossary.md) · "
        f"[{words['formulas']}]({book}/formulas.md) · [{words['map']}]({book}/index.md)"
    )
    return "\n".join(lines)


def _is_links_cell(cell: dict) -> bool:
    return cell["cell_type"] == "markdown" and TAG in cell.get("metadata", {}).get("tags", [])


def updated(nb: dict, text: str) -> dict:
    """The notebook with its closing cell set to ``text`` (every other cell unchanged)."""
    cells = [c for c in nb["cells"] if not _is_links_cell(c)]
    cell = {"cell_type": "markdown", "id": CELL_ID, "metadata": {"tags": [TAG]}, "source": text}
    if nb.get("nbformat", 4) == 4 and nb.get("nbformat_minor", 0) < 5:
        del cell["id"]
    return {**nb, "cells": cells + [cell]}


def current(nb: dict) -> str | None:
    """The text of the notebook's closing cell if it is the last cell, else None."""
    if not nb["cells"] or not _is_links_cell(nb["cells"][-1]):
        return None
    source = nb["cells"][-1]["source"]
    return "".join(source) if isinstance(source, list) else source


def dump(nb: dict) -> str:
    """The notebook as ``tools/store_outputs.py`` writes it (``nbformat.writes``, a final newline)."""
    text = nbformat.writes(nbformat.from_dict(nb))
    return text if text.endswith("\n") else text + "\n"


def run(write: bool, langs=LANGS, only=None) -> list[str]:
    """Write (``write``) or check the closing cells (of the lessons ``only``, default all); returns
    the problems (stale or missing cells, or lessons of the toc without a notebook yet)."""
    course = yaml.safe_load((ROOT / "book" / "course.yml").read_text(encoding="utf-8"))
    problems = []
    for lang in langs:
        order = toc_lessons(lang)
        for name in order:
            if only and name not in only:
                continue
            path = ROOT / "notebooks" / lang / f"{name}.ipynb"
            if not path.exists():
                problems.append(f"{path.relative_to(ROOT)}: in the toc, no notebook yet")
                continue
            raw = path.read_text(encoding="utf-8")
            nb = json.loads(raw)
            text = closing_text(lang, name, course, order)
            if current(nb) == text:
                continue
            if write:
                path.write_text(dump(updated(nb, text)), encoding="utf-8")
                print(f"lesson_links: wrote {path.relative_to(ROOT)}", file=sys.stderr)
            else:
                problems.append(f"{path.relative_to(ROOT)}: closing '{TAG}' cell missing or stale")
    return problems


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--write", action="store_true", help="append or replace the closing cell")
    mode.add_argument("--check", action="store_true", help="report missing or stale closing cells")
    parser.add_argument("lessons", nargs="*", help="only these lessons (file names without .ipynb)")
    args = parser.parse_args(argv)
    problems = run(write=args.write, only=set(args.lessons))
    for problem in problems:
        print(f"lesson_links: {problem}", file=sys.stderr)
    if args.check and problems:
        print("lesson_links: run `python -m tools.lesson_links --write`", file=sys.stderr)
    return 1 if problems and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
