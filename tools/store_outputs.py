"""Make an executed notebook's stored outputs the same bytes on every run (``make execute`` calls this).

After ``jupyter nbconvert --execute --inplace``, three things in a notebook differ from one run
to the next although nothing in the lesson changed:

- **execution timestamps** in each cell's metadata, and the **widget state** in the notebook's
  metadata: both are dropped. (Widget state is not kept: the site shows static figures instead,
  and stored state would make the pages load the widget manager from a CDN.)
- a widget's **model_id** (a fresh random UUID per run): replaced by one derived from the
  notebook's language folder and name and the cell's and output's position, and the widget's
  ``text/plain`` fallback (``VBox(children=(Label(value='…'), IntSlider(…``, what Jupyter shows
  when it cannot draw the widget) by the text of the widget's first label: the lesson's
  translated hint. ``tests/nbval_sanitize.cfg`` maps the fresh repr to the same text, so nbval
  compares like with like (nbval itself ignores model ids).
- **stream outputs** split wherever the kernel happened to flush: consecutive outputs of the same
  stream (``stdout``, ``stderr``) are merged into one, as Jupyter shows them anyway.

Usage: ``python -m tools.store_outputs notebooks/vi/bn-why.ipynb ...`` (rewrites the files in place,
only when something changed).
"""

from __future__ import annotations

import argparse
import hashlib
import re
import sys
from pathlib import Path

import nbformat

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

#: A container widget's repr whose first child is a Label: group 1 or 2 is the label's text.
#: The same pattern (written for configparser) is in tests/nbval_sanitize.cfg.
WIDGET_REPR = re.compile(r"""\A\w+\(children=\(Label\(value=(?:'([^'\\]*)'|"([^"\\]*)")[\s\S]*""")


def widget_text(text: str) -> str:
    """The text a widget's ``text/plain`` should show: its first label's text when it has one."""
    return WIDGET_REPR.sub(lambda m: m.group(1) or m.group(2) or "", text)


def model_id(notebook: Path, cell: int, output: int) -> str:
    """A UUID-shaped id that depends only on where the widget is displayed."""
    where = f"{notebook.parent.name}/{notebook.name}#cell{cell}/output{output}"
    return hashlib.sha256(where.encode("utf-8")).hexdigest()[:32]


def merge_streams(outputs: list) -> list:
    """Consecutive outputs of the same stream, merged into one."""
    merged: list = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (
            out.get("output_type") == "stream"
            and prev is not None
            and prev.get("output_type") == "stream"
            and prev.get("name") == out.get("name")
        ):
            prev["text"] = "".join(prev["text"]) + "".join(out["text"])
        else:
            merged.append(out)
    return merged


def store(nb, path: Path):
    """Apply every normalization above to the notebook ``nb`` read from ``path`` (in place)."""
    nb.metadata.pop("widgets", None)
    for i, cell in enumerate(nb.cells):
        cell.metadata.pop("execution", None)
        if cell.cell_type != "code":
            continue
        cell.outputs = merge_streams(cell.outputs)
        for j, out in enumerate(cell.outputs):
            data = out.get("data", {})
            if WIDGET_VIEW in data:
                data[WIDGET_VIEW]["model_id"] = model_id(path, i, j)
                if "text/plain" in data:
                    data["text/plain"] = widget_text("".join(data["text/plain"]))
    return nb


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args(argv)
    for path in args.notebooks:
        before = path.read_text(encoding="utf-8")
        nb = store(nbformat.reads(before, as_version=4), path)
        after = nbformat.writes(nb)
        after += "" if after.endswith("\n") else "\n"  # as nbformat.write ends a file
        if after != before:
            path.write_text(after, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
