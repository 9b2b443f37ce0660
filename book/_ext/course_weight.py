"""A lighter page: the theme's icons from a font of only the icons the site uses, and no
stylesheet or script on a page that nothing on it uses.

**Icons.** pydata-sphinx-theme draws its icons (``<i class="fa-solid fa-bars">``, admonition
titles, ...) from Font Awesome 6 Free Solid, a 156 kB web font of about 1,400 icons, which every
page loads; the site shows a few dozen of them. When the build has finished, this extension
collects every icon the built site can show:

- the ``fa-*`` class names in every page and script of the output (a script that inserts
  an icon names its class);
- every icon code point that a stylesheet uses outside the theme's ``.fa-NAME:before``
  table (admonition icons, CSS variables, ...);

and writes ``_static/course-icons-solid.woff``: the theme's own ``fa-solid-900.ttf`` subset
to those icons with fontTools (pinned in requirements.txt). ``book/_static/course-speed.css``
declares it as the same face (``Font Awesome 6 Free``, weight 900), after the theme's
stylesheet, so the browser takes it instead of the theme's font. An icon missing from the subset
would make the browser fetch the theme's font again: ``tests/test_browser_speed.py`` checks
that it does not, and ``tests/test_site_speed.py`` that every icon class of a page is covered.

**Unused assets.** Jupyter Book loads sphinx-design on every page (55 kB of CSS, 7 kB of
script for its tabs) and sphinx-thebe's stylesheet; the course uses neither (no ``sd-*``
element, no live code). A page whose body has no sphinx-design element does not link them.
"""

from __future__ import annotations

import re
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

SUBSET = "course-icons-solid.woff"
SOURCE = "vendor/fontawesome/webfonts/fa-solid-900.ttf"
CSS_RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
CLASS_ONLY = re.compile(r"^\s*\.(fa-[\w-]+)::?before\s*$")
ESCAPE = re.compile(r"\\([0-9a-fA-F]{1,6})\s?")
QUOTED = re.compile(r"\"([^\"]*)\"|'([^']*)'")
FA_CLASS = re.compile(r"\bfa-[a-z0-9]+(?:-[a-z0-9]+)*")


def _codepoints(text: str) -> set[int]:
    """The characters of the quoted strings of a CSS declaration block, escapes decoded."""
    found = set()
    for m in QUOTED.finditer(text):
        value = m.group(1) if m.group(1) is not None else m.group(2)
        decoded = ESCAPE.sub(lambda e: chr(int(e.group(1), 16)), value)
        found.update(ord(c) for c in decoded)
    return found


def icons_used(outdir: Path) -> tuple[set[int], set[str]]:
    """(code points, class names without a code point) of the icons the built site can show."""
    table: dict[str, set[int]] = {}
    loose: set[int] = set()
    for css in sorted((outdir / "_static").rglob("*.css")):
        for selectors, body in CSS_RULE.findall(css.read_text(encoding="utf-8", errors="replace")):
            names = [CLASS_ONLY.match(s) for s in selectors.split(",")]
            if all(names) and "content" in body:
                for name in names:
                    table.setdefault(name.group(1), set()).update(_codepoints(body))
            elif not selectors.lstrip().startswith("@"):
                loose |= {c for c in _codepoints(body) if c >= 0xE000}
    classes: set[str] = set()
    for path in sorted(outdir.rglob("*")):
        if path.suffix in (".html", ".js") and path.is_file():
            classes |= set(FA_CLASS.findall(path.read_text(encoding="utf-8", errors="replace")))
    used = set(loose)
    for name in classes:
        used |= table.get(name, set())
    return used, {name for name in classes if name not in table}


def write_subset(outdir: Path) -> int:
    """Write the subset font into ``_static``; return how many icons it has."""
    from fontTools import subset

    source = outdir / "_static" / SOURCE
    if not source.exists():
        logger.warning(f"course_weight: {source} not found (the theme's Font Awesome); icons keep the full font")
        return 0
    used, _ = icons_used(outdir)
    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    font = subset.load_font(str(source), options)
    cmap = font.getBestCmap()
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(c for c in used if c in cmap))
    subsetter.subset(font)
    target = outdir / "_static" / SUBSET
    tmp = target.with_suffix(".tmp")
    subset.save_font(font, str(tmp), options)
    if target.exists() and target.read_bytes() == tmp.read_bytes():
        tmp.unlink()
    else:
        tmp.replace(target)
    return len(used & set(cmap))


#: Files a page links only when its body uses them: (file name, what the body must contain).
UNUSED_UNLESS = (
    ("sphinx-design.min.css", "sd-"),
    ("design-tabs.js", "sd-tab"),
    ("sphinx-thebe.css", "thebe"),
)


def drop_unused_assets(app: Sphinx, pagename, templatename, context, doctree) -> None:
    body = context.get("body", "")
    drop = {name for name, needed in UNUSED_UNLESS if needed not in body}
    for key in ("css_files", "script_files"):
        if key in context:
            context[key] = [f for f in context[key] if (getattr(f, "filename", None) or "").split("/")[-1] not in drop]


def on_build_finished(app: Sphinx, exception) -> None:
    if exception is None and app.builder.format == "html":
        write_subset(Path(app.outdir))


def setup(app: Sphinx):
    app.connect("html-page-context", drop_unused_assets)
    app.connect("build-finished", on_build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
