"""Sphinx extension: the course map of the home pages and the formula sheet, from data files.

- ``course-map`` directive: every lesson of ``book/course.yml`` as a box of an inline SVG (topics as
  columns, the levels each lesson covers, its reading and run time), the prerequisites drawn as
  arrows (the transitive reduction of ``requires``: an arrow a -> c is left out when a -> b -> c is
  drawn), then a table topic x level (30 s, 3 min, deep) with a link to each level's heading.
  Offline, no JavaScript; colours are the theme's CSS variables (``course.css``), so it reads in the
  dark theme too.
- ``course-formulas`` directive: ``book/formulas.yml`` as the formula sheet of the page's language,
  each formula linked to the lesson (and heading) that derives it and to the source, on the
  repository, of the trainlab function that computes it (file and line found with ``inspect``).

Reading time: the words of a lesson's Markdown cells (code, maths, URLs and Markdown syntax left
out; the closing "lesson-links" cell too), divided by the reading speed of ``course.yml``. In
Vietnamese a space-separated token is one syllable, so the vi speed is in syllables per minute.
Run time: ``docs/lesson-times.json``, written by ``make timings`` (``tools/timings.py``); a lesson
without a measurement shows "—".
"""

from __future__ import annotations

import html
import importlib
import inspect
import json
import math
import re
from pathlib import Path

import yaml
from docutils import nodes
from sphinx.application import Sphinx
from sphinx.locale import get_translation
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

logger = logging.getLogger(__name__)
_ = get_translation("sphinx")

COURSE_FILE = "book/course.yml"
FORMULAS_FILE = "book/formulas.yml"
TIMES_FILE = "docs/lesson-times.json"
LINKS_TAG = "lesson-links"  # the closing cell written by tools/lesson_links.py


# ------------------------------------------------------------------------ data
def load_course(root: Path) -> dict:
    """``book/course.yml`` as a dict."""
    return yaml.safe_load((root / COURSE_FILE).read_text(encoding="utf-8"))


def toc_lessons(toc_path: Path) -> list[str]:
    """The lesson names (notebook file names without ``.ipynb``) of a ``_toc.yml``, in toc order."""
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    files = [ch["file"] for part in toc.get("parts", []) for ch in part.get("chapters", [])]
    return [f.rsplit("/", 1)[-1] for f in files if f.startswith("notebooks/")]


def load_times(root: Path) -> dict:
    """The measured run times: ``{"notebooks/vi/x.ipynb": {"seconds": ..., ...}}`` ({} if none)."""
    path = root / TIMES_FILE
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("lessons", {})


_STRIP = [
    (re.compile(r"```.*?```|~~~.*?~~~", re.S), " "),  # code blocks
    (re.compile(r"\$\$.*?\$\$", re.S), " "),  # display maths
    (re.compile(r"\$[^$\n]+\$"), " "),  # inline maths
    (re.compile(r"\{term\}`([^`<]*?)\s*(?:<[^`]*>)?`"), r"\1"),  # {term}`text <target>` -> text
    (re.compile(r"`[^`\n]*`"), " "),  # inline code
    (re.compile(r"!?\[([^\]]*)\]\([^)]*\)"), r"\1"),  # [text](url) -> text
    (re.compile(r"<[^>\n]+>"), " "),  # HTML tags
    (re.compile(r"https?://\S+"), " "),
]
_WORD = re.compile(r"\w", re.U)


def count_words(markdown: str) -> int:
    """Words of a Markdown text as a reader reads them: tokens separated by spaces that contain a
    letter or a digit, after code, maths, URLs and Markdown syntax are removed. In Vietnamese a
    token is one syllable ("chuẩn hóa" is two)."""
    for pattern, repl in _STRIP:
        markdown = pattern.sub(repl, markdown)
    return sum(1 for token in markdown.split() if _WORD.search(token))


def lesson_words(notebook: Path) -> int:
    """Words in the Markdown cells of a notebook (the closing lesson-links cell left out)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    total = 0
    for cell in nb["cells"]:
        if cell["cell_type"] != "markdown" or LINKS_TAG in cell.get("metadata", {}).get("tags", []):
            continue
        source = cell["source"]
        total += count_words("".join(source) if isinstance(source, list) else source)
    return total


def reading_minutes(words: int, per_minute: float) -> int:
    """Minutes to read ``words`` at ``per_minute``, rounded up (at least 1)."""
    return max(1, math.ceil(words / per_minute))


def transitive_reduction(requires: dict[str, list[str]]) -> list[tuple[str, str]]:
    """Edges (prerequisite, lesson) of the DAG ``requires`` without those implied by a longer path."""

    def reachable(start: str, skip_direct: str) -> set[str]:
        seen, stack = set(), [p for p in requires.get(start, []) if p != skip_direct]
        while stack:
            node = stack.pop()
            if node not in seen:
                seen.add(node)
                stack.extend(requires.get(node, []))
        return seen

    return [(p, lesson) for lesson, pres in requires.items() for p in pres if p not in reachable(lesson, p)]


def section_anchors(doctree) -> dict[str, str]:
    """``{heading text: its HTML id}`` of every section of a doctree (first occurrence wins)."""
    anchors = {}
    for section in doctree.findall(nodes.section):
        title = section.next_node(nodes.title)
        if title is not None and section["ids"]:
            anchors.setdefault(title.astext().strip(), section["ids"][0])
    return anchors


# ------------------------------------------------------------------------ nodes
class course_map_node(nodes.General, nodes.Element):
    """Placeholder of the course map, replaced by its HTML once every lesson has been read."""


class lesson_ref_node(nodes.General, nodes.Inline, nodes.Element):
    """A link to a lesson (and, if found, one of its headings), resolved once every lesson has been read."""


class CourseMap(SphinxDirective):
    """``{course-map}``: the course map of the page's language (see the module docstring)."""

    has_content = False

    def run(self):
        root = Path(self.env.srcdir)
        lang = self.config.language
        self.env.note_dependency(str(root / COURSE_FILE))
        self.env.note_dependency(str(root / TIMES_FILE))
        for name in load_course(root)["lessons"]:
            notebook = root / "notebooks" / lang / f"{name}.ipynb"
            if notebook.exists():
                self.env.note_dependency(str(notebook))
        return [course_map_node()]


def _wrap(text: str, width: int) -> list[str]:
    """Split ``text`` into lines of at most about ``width`` characters, at spaces."""
    lines, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    return lines + [line] if line else lines


def _fmt_seconds(seconds: float | None) -> str:
    """A run time as the map prints it, in whole seconds ("—" when not measured)."""
    return "—" if seconds is None else f"{seconds:.0f} s"


class MapData:
    """Everything the map shows about the lessons of one language."""

    def __init__(self, app: Sphinx):
        root = Path(app.srcdir)
        self.lang = lang = app.config.language
        self.course = load_course(root)
        self.order = toc_lessons(root / app.config.external_toc_path)
        self.lessons = {name: self.course["lessons"][name] for name in self.order if name in self.course["lessons"]}
        reading = self.course["reading"][lang]
        times = load_times(root)
        path = root / TIMES_FILE
        self.meta = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
        self.words, self.minutes, self.seconds = {}, {}, {}
        for name in self.lessons:
            notebook = root / "notebooks" / lang / f"{name}.ipynb"
            words = lesson_words(notebook) if notebook.exists() else 0
            self.words[name] = words
            self.minutes[name] = reading_minutes(words, reading["per_minute"])
            entry = times.get(f"notebooks/{lang}/{name}.ipynb")
            self.seconds[name] = entry.get("seconds") if entry else None
        self.reading = reading


def _level_names(data: MapData, levels: list[str], short: bool = False) -> str:
    """The levels a lesson covers, as its headings name them (``short``: as the boxes write them)."""
    names = [data.course["levels"][lv]["short"] if short else data.course["levels"][lv] for lv in levels]
    return " · ".join(name[data.lang] for name in names)


def _times_text(data: MapData, name: str) -> str:
    return _("read {minutes} min · run {run}").format(minutes=data.minutes[name], run=_fmt_seconds(data.seconds[name]))


def map_svg(data: MapData, href) -> str:
    """The SVG of the map: the first topic as a row on top, the others as columns below it;
    ``href(name)`` is the URL of a lesson from the page."""
    topics = list(data.course["topics"])
    columns = topics[1:]
    width, col_w, box_w, box_h, gap = 780, 195, 180, 76, 22
    pos, y = {}, 34
    first = [n for n in data.lessons if data.lessons[n]["topic"] == topics[0]]
    for i, name in enumerate(first):
        pos[name] = (i % len(columns) * col_w + (col_w - box_w) / 2, y + i // len(columns) * (box_h + gap), 0, i)
    y0 = y + math.ceil(len(first) / len(columns)) * (box_h + gap) + 34
    rows = {}
    for name, lesson in data.lessons.items():
        if lesson["topic"] in columns:
            col = columns.index(lesson["topic"])
            row = rows.get(col, 0)
            rows[col] = row + 1
            pos[name] = (col * col_w + (col_w - box_w) / 2, y0 + row * (box_h + gap), col + 1, row)
    height = y0 + max(rows.values(), default=0) * (box_h + gap) + 4
    title = _("Course map")
    desc = _(
        "Each box is a lesson, with the levels it covers and its reading and run time; "
        "an arrow goes from a lesson to one that assumes it."
    )
    out = [
        f'<svg class="course-map-svg" viewBox="0 0 {width} {height:.0f}" xmlns="http://www.w3.org/2000/svg" '
        f'role="group" aria-labelledby="course-map-title course-map-desc">',
        f'<title id="course-map-title">{html.escape(title)}</title>',
        f'<desc id="course-map-desc">{html.escape(desc)}</desc>',
        '<defs><marker id="course-map-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" '
        'markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" class="cm-arrowhead"/></marker></defs>',
        f'<text class="cm-topic" x="6" y="20">{html.escape(data.course["topics"][topics[0]][data.lang])}</text>',
    ]
    for col, topic in enumerate(columns):
        out.append(
            f'<text class="cm-topic" x="{col * col_w + (col_w - box_w) / 2:.0f}" y="{y0 - 12}">'
            f"{html.escape(data.course['topics'][topic][data.lang])}</text>"
        )
    requires = {n: [p for p in data.lessons[n]["requires"] if p in pos] for n in data.lessons}
    out.append('<g class="cm-edges">')
    for source, target in transitive_reduction(requires):
        out.append(
            f'<path class="cm-edge" d="{_edge_path(pos[source], pos[target], box_w, box_h)}" '
            'marker-end="url(#course-map-arrow)"/>'
        )
    out.append("</g>")
    for name, (x, y, _col, _row) in pos.items():
        lesson = data.lessons[name]
        label = lesson["label"][data.lang]
        levels = _level_names(data, lesson["levels"])
        short = _level_names(data, lesson["levels"], short=True)
        times = _times_text(data, name)
        kind = "cm-basics" if "30s" in lesson["levels"] else "cm-deep"
        aria = f"{label} ({levels}; {times})"
        out.append(f'<a href="{html.escape(href(name))}" class="cm-lesson" aria-label="{html.escape(aria)}">')
        out.append(f'<rect class="cm-box {kind}" x="{x:.0f}" y="{y:.0f}" width="{box_w}" height="{box_h}" rx="8"/>')
        lines = _wrap(label, 21)[:2]
        for i, line in enumerate(lines):
            out.append(f'<text class="cm-label" x="{x + 10:.0f}" y="{y + 18 + i * 16:.0f}">{html.escape(line)}</text>')
        out.append(f'<text class="cm-levels" x="{x + 10:.0f}" y="{y + box_h - 22:.0f}">{html.escape(short)}</text>')
        out.append(f'<text class="cm-times" x="{x + 10:.0f}" y="{y + box_h - 8:.0f}">{html.escape(times)}</text>')
        out.append("</a>")
    out.append("</svg>")
    return "\n".join(out)


def _edge_path(src, dst, box_w: float, box_h: float) -> str:
    """A cubic Bézier from box ``src`` to box ``dst`` (each ``(x, y, column, row)``)."""
    sx, sy, scol, srow = src
    dx, dy, dcol, drow = dst
    if scol == dcol and scol > 0 and drow == srow + 1:  # the next box below
        x1, y1, x2, y2 = sx + box_w / 2, sy + box_h, dx + box_w / 2, dy
        return f"M{x1:.0f},{y1:.0f} C{x1:.0f},{y1 + 12:.0f} {x2:.0f},{y2 - 12:.0f} {x2:.0f},{y2 - 1:.0f}"
    if scol == dcol and scol > 0:  # further down the same column: along its left side
        bulge = 14 + 5 * (drow - srow)
        x1, y1, x2, y2 = sx, sy + box_h * 0.62, dx, dy + box_h * 0.38
        return f"M{x1:.0f},{y1:.0f} C{x1 - bulge:.0f},{y1:.0f} {x2 - bulge:.0f},{y2:.0f} {x2 - 1:.0f},{y2:.0f}"
    if sy + box_h <= dy and drow == 0:  # from above into the top of a column's first box
        x1, y1, x2, y2 = sx + box_w / 2, sy + box_h, dx + box_w / 2, dy
        return f"M{x1:.0f},{y1:.0f} C{x1:.0f},{y1 + 40:.0f} {x2:.0f},{y2 - 40:.0f} {x2:.0f},{y2 - 1:.0f}"
    # side to side, facing each other
    right = dx > sx
    x1 = sx + box_w if right else sx
    x2 = dx if right else dx + box_w
    y1, y2 = sy + box_h / 2, dy + box_h / 2
    if scol == 0 and srow >= 0 and dcol > 0:  # from the top row down into a column's side
        x1, y1 = sx + box_w / 2, sy + box_h
        return f"M{x1:.0f},{y1:.0f} C{x1:.0f},{y2:.0f} {x1:.0f},{y2:.0f} {x2 + (-1 if right else 1):.0f},{y2:.0f}"
    k = 24 if right else -24
    return f"M{x1:.0f},{y1:.0f} C{x1 + k:.0f},{y1:.0f} {x2 - k:.0f},{y2:.0f} {x2 + (-1 if right else 1):.0f},{y2:.0f}"


def level_table(data: MapData, href, anchors) -> str:
    """The topic x level table: each cell lists the lessons (or their headings) of that level."""
    levels = list(data.course["levels"])
    head = "".join(f"<th scope='col'>{html.escape(data.course['levels'][lv][data.lang])}</th>" for lv in levels)
    rows = []
    for topic, names in data.course["topics"].items():
        cells = []
        for lv in levels:
            links = []
            for name, lesson in data.lessons.items():
                if lesson["topic"] != topic or lv not in lesson["levels"]:
                    continue
                url, label = href(name), lesson["label"][data.lang]
                if len(lesson["levels"]) > 1:
                    anchor = anchors(name).get(data.course["levels"][lv][data.lang])
                    url += f"#{anchor}" if anchor else ""
                links.append(f'<li><a href="{html.escape(url)}">{html.escape(label)}</a></li>')
            cells.append(f"<td><ul>{''.join(links)}</ul></td>" if links else "<td>—</td>")
        rows.append(f"<tr><th scope='row'>{html.escape(names[data.lang])}</th>{''.join(cells)}</tr>")
    caption = _("Topics and levels")
    return (
        f'<table class="course-levels"><caption>{html.escape(caption)}</caption>'
        f"<thead><tr><td></td>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    )


def map_note(data: MapData) -> str:
    """How the times are computed, in the page's language."""
    unit = _("course map: syllables") if data.reading["unit"] == "syllables" else _("course map: words")
    text = _(
        "Reading time: the words of the lesson's text (without code and formulas) at {speed} {unit} a minute, "
        "rounded up. Run time: the lesson's run from top to bottom with each process on one thread, as measured by "
        "`make timings`{machine}; — where not measured yet."
    )
    meta = data.meta
    machine = f" ({meta['machine']}, {meta['date']})" if meta.get("machine") and meta.get("date") else ""
    return html.escape(text.format(speed=data.reading["per_minute"], unit=unit, machine=machine)).replace(
        "`make timings`", "<code>make timings</code>"
    )


def resolve_map(app: Sphinx, doctree, docname: str) -> None:
    """Replace the course map placeholders by their HTML, and resolve the lesson links."""
    env = app.env
    cache: dict[str, dict] = {}

    def anchors(target_doc: str) -> dict[str, str]:
        if target_doc not in cache:
            cache[target_doc] = section_anchors(env.get_doctree(target_doc)) if target_doc in env.all_docs else {}
        return cache[target_doc]

    for node in list(doctree.findall(lesson_ref_node)):
        target = node["target"]
        if target not in env.all_docs:  # a lesson left out of this build's toc: plain text
            node.replace_self(node.children)
            continue
        uri = app.builder.get_relative_uri(docname, target)
        heading = node.get("heading")
        if heading:
            anchor = anchors(target).get(heading)
            if anchor is None:
                logger.warning(f"course_map: no heading {heading!r} in {target}", location=docname)
            else:
                uri += f"#{anchor}"
        ref = nodes.reference("", "", internal=True, refuri=uri)
        ref += node.children
        node.replace_self(ref)

    nodes_ = list(doctree.findall(course_map_node))
    if not nodes_:
        return
    data = MapData(app)
    lang = app.config.language

    def doc(name: str) -> str:
        return f"notebooks/{lang}/{name}"

    def href(name: str) -> str:
        return app.builder.get_relative_uri(docname, doc(name))

    for node in nodes_:
        body = (
            '<figure class="course-map">'
            + map_svg(data, href)
            + f"<figcaption>{map_note(data)}</figcaption></figure>"
            + level_table(data, href, lambda name: anchors(doc(name)))
        )
        node.replace_self(nodes.raw("", body, format="html"))


# --------------------------------------------------------------------- formulas
def source_file(dotted: str) -> Path:
    """The source file of the trainlab object named ``dotted``."""
    module_name, _sep, attr = dotted.rpartition(".")
    return Path(inspect.getsourcefile(inspect.unwrap(getattr(importlib.import_module(module_name), attr)))).resolve()


def trainlab_source(dotted: str, repo_url: str, branch: str) -> str:
    """The repository URL (file and first line) of the trainlab object named ``dotted``."""
    module_name, _sep, attr = dotted.rpartition(".")
    obj = inspect.unwrap(getattr(importlib.import_module(module_name), attr))
    path = source_file(dotted)
    line = inspect.getsourcelines(obj)[1]
    parts = path.parts
    rel = "/".join(parts[parts.index("src") :]) if "src" in parts else "src/trainlab/" + path.name
    return f"{repo_url.rstrip('/')}/blob/{branch}/{rel}#L{line}"


class CourseFormulas(SphinxDirective):
    """``{course-formulas}``: the formula sheet of ``book/formulas.yml`` in the page's language."""

    has_content = False

    def run(self):
        root = Path(self.env.srcdir)
        lang = self.config.language
        self.env.note_dependency(str(root / FORMULAS_FILE))
        sheet = yaml.safe_load((root / FORMULAS_FILE).read_text(encoding="utf-8"))
        course = load_course(root)
        options = self.config.html_theme_options
        repo_url = options.get("repository_url") or "https://github.com/trainlab-course/trainlab"
        branch = options.get("repository_branch") or "main"
        result = []
        for group in sheet["groups"]:
            section = nodes.section(ids=[f"formulas-{group['id']}"])
            section += nodes.title(text=group["title"][lang])
            for item in group["formulas"]:
                section += self._formula(item, lang, course, repo_url, branch)
            result.append(section)
        return result

    def _formula(self, item: dict, lang: str, course: dict, repo_url: str, branch: str) -> list:
        """One formula: its description, the maths, and where it is derived and computed."""
        out = self.parse_text_to_nodes(f"**{item['text'][lang]}**")  # Markdown: $maths$ allowed
        lines = [line for line in item["tex"].splitlines() if line.strip()]
        tex = lines[0] if len(lines) == 1 else "\\begin{gathered}" + " \\\\\n".join(lines) + "\\end{gathered}"
        math = nodes.math_block(tex, tex, nowrap=False, number=None, docname=self.env.docname)
        math["label"] = None
        out.append(math)
        para = nodes.paragraph(classes=["formula-links"])
        lesson = item["lesson"]
        label = course["lessons"].get(lesson, {}).get("label", {}).get(lang, lesson)
        heading = (item.get("heading") or {}).get(lang)
        para += nodes.Text(_("Derived in: "))
        ref = lesson_ref_node(target=f"notebooks/{lang}/{lesson}", heading=heading)
        ref += nodes.Text(label + (f" › {heading}" if heading else ""))
        para += ref
        names = item.get("trainlab") or []
        para += nodes.Text(" · " + _("Computed by: "))
        if not names:
            para += nodes.Text("—")
        for i, dotted in enumerate(names):
            if i:
                para += nodes.Text(", ")
            uri = trainlab_source(dotted, repo_url, branch)
            self.env.note_dependency(str(source_file(dotted)))  # its line moves: rebuild the page
            para += nodes.reference("", "", nodes.literal(text=dotted), refuri=uri)
        out.append(para)
        return out


def _skip(self, node) -> None:
    """Writers never see the placeholders (``resolve_map`` replaces them); skip any left over."""
    raise nodes.SkipNode


def setup(app: Sphinx):
    app.add_node(course_map_node, html=(_skip, None), latex=(_skip, None), text=(_skip, None))
    app.add_node(lesson_ref_node, html=(_skip, None), latex=(_skip, None), text=(_skip, None))
    app.add_directive("course-map", CourseMap)
    app.add_directive("course-formulas", CourseFormulas)
    app.connect("doctree-resolved", resolve_map)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
