"""Sphinx extension of the course site: one book, two languages.

What it adds to a stock Jupyter Book 1 build, for the language given with
``sphinx-build -D language=vi|cs``:

- **language switch**: every page links to the same page in the other language
  (``notebooks/vi/x`` <-> ``notebooks/cs/x``, ``book/vi/x`` <-> ``book/cs/x``) and
  lists both in ``<link rel="alternate" hreflang=...>`` tags;
- **UI translations that read natively**: our catalogs in ``locales/<lang>/LC_MESSAGES``
  take precedence over the theme's (``booktheme``) and Sphinx's (``sphinx``);
  the book title and author are translated too, and the copyright year is computed;
- **math**: typeset into MathML at build time by ``course_math.py`` (no math script);
- **exercises**: cells tagged ``exercise``/``solution`` become sphinx-exercise blocks,
  numbered per lesson, each solution a collapsed dropdown (see "exercises" below);
- **glossary**: the ``course-glossary`` directive renders ``book/terms.md`` (the
  en/vi/cs term list) for the page's language as a Sphinx glossary, so lessons link
  terms with ``{term}``.
"""

from __future__ import annotations

import gettext
import json
import os
import re
import time
from pathlib import Path

from docutils import nodes
from docutils.statemachine import StringList
from sphinx import locale
from sphinx.application import Sphinx
from sphinx.domains.std import Glossary
from sphinx.errors import ExtensionError
from sphinx.locale import get_translation
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective
from sphinx.util.i18n import CatalogRepository

logger = logging.getLogger(__name__)

LANGUAGES = {"vi": "Tiếng Việt", "cs": "Čeština"}
TERMS_FILE = "book/terms.md"


# --------------------------------------------------------------------------- i18n
def _translate(message: str) -> str:
    """Translate with the ``sphinx`` catalog, where our ``locales/`` come first."""
    translator = locale.translators.get(("general", "sphinx"))
    return translator.gettext(message) if translator else message


def _build_year() -> int:
    """The year of the build (``SOURCE_DATE_EPOCH`` respected, for reproducible builds)."""
    return time.gmtime(int(os.environ.get("SOURCE_DATE_EPOCH", time.time()))).tm_year


def on_config_inited(app: Sphinx, config) -> None:
    if config.language not in LANGUAGES:
        raise ExtensionError(
            f"course_site: expected language to be one of {', '.join(LANGUAGES)} "
            f"(got {config.language!r}); build with sphinx-build -D language=vi or -D language=cs"
        )
    config.html_title = _translate(config.html_title)
    config.project = config.html_title
    config.author = _translate(config.author)
    config.copyright = f"{_build_year()}, {config.author}"
    # jupyter-book writes an English 'Search this book...'; without it the theme
    # uses its translated "Search".
    config.html_theme_options.pop("search_bar_text", None)
    config.html_context = {**config.html_context, "languages": LANGUAGES, "default_mode": "auto"}
    # myst-nb's toggle for cells tagged hide-input / hide-output ("Show code cell source").
    config.nb_code_prompt_show = _translate("Show code cell")
    config.nb_code_prompt_hide = _translate("Hide code cell")


def drop_thebe(app: Sphinx) -> None:
    """Disconnect sphinx-thebe (jupyter-book always loads it; the course has no live-code
    button).  Its page script, registered twice, threw "Identifier 'THEBE_JS_URL' has
    already been declared" on every page and named a CDN.  Only the listener that adds
    its (local) static folder stays, since its stylesheet is still linked."""
    for event, listeners in app.events.listeners.items():
        app.events.listeners[event] = [
            listener
            for listener in listeners
            if getattr(listener.handler, "__module__", "") != "sphinx_thebe"
            or listener.handler.__name__ == "st_static_path"
        ]


#: Catalogs of extensions where ours go in front of the extension's own: the theme's
#: ``booktheme``, and sphinx-exercise's ``exercise`` (its solution titles).
OVERRIDDEN_CATALOGS = ("booktheme", "exercise")


def on_builder_inited(app: Sphinx) -> None:
    """Compile our .po catalogs and put ours in front of the theme's ``booktheme`` one
    (and of sphinx-exercise's ``exercise`` one)."""
    lang = app.config.language
    repo = CatalogRepository(app.srcdir, app.config.locale_dirs, lang, app.config.source_encoding)
    for catalog in repo.catalogs:
        if catalog.is_outdated():
            catalog.write_mo(lang)
    for name in OVERRIDDEN_CATALOGS:
        for locale_dir in repo.locale_dirs:
            try:
                ours = gettext.translation(name, localedir=locale_dir, languages=[lang])
            except OSError:
                continue
            key = ("general", name)
            theirs = locale.translators.get(key)
            if theirs is not None and theirs is not ours:
                ours.add_fallback(theirs)
            locale.translators[key] = ours
            break


# ----------------------------------------------------------------- language switch
def other_language_page(pagename: str, lang: str, other: str) -> str:
    """``notebooks/vi/x`` -> ``notebooks/cs/x``: swap the language folder of a page name."""
    parts = pagename.split("/")
    return "/".join(other if p == lang else p for p in parts)


def _page_exists(srcdir: Path, pagename: str, suffixes) -> bool:
    return any((srcdir / f"{pagename}{s}").exists() for s in suffixes)


def on_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    lang = app.config.language
    up = "../" * (pagename.count("/") + 1)  # from this page up to _build/html/
    links = {}
    for code in LANGUAGES:
        target = other_language_page(pagename, lang, code)
        # A lesson not yet written in the other language: fall back to its home page.
        # Generated pages (search, genindex) have the same name in both languages.
        if pagename in app.env.found_docs and not _page_exists(Path(app.srcdir), target, app.config.source_suffix):
            target = other_language_page(app.config.root_doc, lang, code)
        links[code] = f"{up}{code}/{target}.html"
    other = next(code for code in LANGUAGES if code != lang)
    context["lang_switch"] = {"href": links[other], "lang": other, "label": LANGUAGES[other]}
    tags = [f'<link rel="alternate" hreflang="{code}" href="{href}" />' for code, href in links.items()]
    tags.append(f'<link rel="alternate" hreflang="x-default" href="{up}index.html" />')
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(tags)


# ------------------------------------------------------------------ the root page
def on_build_finished(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    root = app.config.root_doc
    (out / "index.html").write_text(
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        f'<meta http-equiv="refresh" content="0; url={root}.html">'
        f'<link rel="canonical" href="{root}.html"></head>'
        f'<body><a href="{root}.html">{app.config.html_title}</a></body></html>\n',
        encoding="utf-8",
    )


# ------------------------------------------------------------------------ glossary
def read_terms(path: Path) -> list[dict]:
    """Rows of the term table in ``book/terms.md`` as dicts keyed by the header."""
    rows, header = [], None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("|"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if header is None:
            header = cells
        elif not set("".join(cells)) <= set("-: "):
            rows.append(dict(zip(header, cells)))
    return rows


GLOSSARY_LABELS = {
    "vi": {"en": "Tiếng Anh", "other": "Tiếng Séc", "also": "Cũng gặp", "never": "Không dùng", "note": "Ghi chú"},
    "cs": {
        "en": "Anglicky",
        "other": "Vietnamsky",
        "also": "Také se používá",
        "never": "Nepoužívat",
        "note": "Poznámka",
    },
}


def _listed(cell: str) -> list[str]:
    """The comma-separated phrases of a cell of ``book/terms.md``."""
    return [p.strip() for p in cell.split(",") if p.strip()]


class CourseGlossary(SphinxDirective):
    """``{course-glossary}``: the term list for the page's language as a Sphinx glossary.

    An entry's terms: the rendering the course uses, the English term and the other renderings a
    reader meets (column ``also (<lang>)``, so a ``{term}`` link to a former rendering still
    resolves); its description: the English and the other language's term, the "also" and
    "never" renderings and the note for readers of this language (column ``note (<lang>)``)."""

    has_content = False

    def run(self):
        lang = self.config.language
        other = next(code for code in LANGUAGES if code != lang)
        path = Path(self.env.srcdir) / TERMS_FILE
        self.env.note_dependency(str(path))
        label = GLOSSARY_LABELS[lang]
        lines, seen = [], set()
        for row in sorted(read_terms(path), key=lambda r: r[f"{lang} (use)"].lower()):
            term, en = row[f"{lang} (use)"], row["en"]
            if not term or term.lower() in seen:
                continue
            also = _listed(row.get(f"also ({lang})", ""))
            entry = [term] + [t for t in [en, *also] if t and t.lower() != term.lower()]
            entry = [
                t for i, t in enumerate(entry) if t.lower() not in seen and t.lower() not in map(str.lower, entry[:i])
            ]
            seen.update(t.lower() for t in entry)
            lines += entry
            lines.append(f"   **{label['en']}:** {en} · **{label['other']}:** {row[f'{other} (use)']}")
            if also:
                lines.append(f"   · **{label['also']}:** {', '.join(also)}")
            if row.get(f"never ({lang})"):
                lines.append(f"   · **{label['never']}:** *{row[f'never ({lang})']}*")
            if row.get(f"note ({lang})"):
                lines += ["", f"   {row[f'note ({lang})']}"]
            lines.append("")
        directive = Glossary(
            "glossary",
            [],
            {"sorted": True},
            StringList(lines, source=str(path)),
            self.lineno,
            self.content_offset,
            self.block_text,
            self.state,
            self.state_machine,
        )
        return directive.run()


# ----------------------------------------------------------------------- exercises
# A lesson marks its exercises and solutions with cell tags and plain Markdown, so that the
# notebook reads cleanly in Jupyter and Colab (where a MyST directive would show as raw text):
#
#   markdown cell tagged ``exercise``:  **Bài tập 1 (an optional title).** The statement ...
#                                        (several per cell; one ends at the next one or heading)
#   code cells tagged ``exercise`` right after it: the reader's code, inside the exercise
#   markdown cell tagged ``solution``:  **Lời giải bài tập 1.** The explanation ...
#   code cells tagged ``solution`` right after it: the solution's code (stored collapsed:
#                                        ``jupyter.source_hidden`` for JupyterLab, ``cellView:
#                                        form`` for Colab)
#
# When Sphinx reads a lesson, ``exercise_directives`` rewrites these cells into sphinx-exercise's
# ``exercise``/``solution`` directives (gated ``-start``/``-end`` ones around code cells), with
# labels ``<lesson>-exercise-<n>``; solutions become dropdowns, collapsed on the page.
EXERCISE_TAG, SOLUTION_TAG = "exercise", "solution"
LEAD_IN = re.compile(
    r"\*\*(?P<word>[^*\n]*?)\s*(?P<number>\d+)(?:\s*\((?P<title>[^)\n]*)\))?\s*[.:]?\*\*[ \t]*(?P<rest>.*)"
)
HEADING = re.compile(r"#{1,6}\s")
FENCE = re.compile(r"(`{3,}|~{3,})")


def exercise_label(lesson: str, number: int) -> str:
    return f"{lesson}-exercise-{number}"


def _split_lead_ins(text: str):
    """``(before, [(number, word, title, body)], after)`` of a Markdown text: each exercise
    starts at a bold lead-in line ``**Word N (title).**`` and runs to the next one, to the
    next heading or to the end; headings and text before the first and after the last stay out."""
    before, items, after, fence = [], [], [], None
    for line in text.splitlines():
        mark = FENCE.match(line.lstrip())
        if mark and fence is None:
            fence = mark.group(1)
        elif mark and mark.group(1).startswith(fence):
            fence = None
        m = LEAD_IN.fullmatch(line) if fence is None and not after else None
        if m:
            items.append([int(m["number"]), m["word"], m["title"], [m["rest"]] if m["rest"] else []])
        elif items and not after and not (fence is None and HEADING.match(line)):
            items[-1][3].append(line)
        else:
            (after if items else before).append(line)
    return (
        "\n".join(before).strip("\n"),
        [(n, w, t, "\n".join(b).strip("\n")) for n, w, t, b in items],
        "\n".join(after).strip("\n"),
    )


def _directive(name: str, argument: str, options: dict, body: str = "") -> str:
    """A MyST directive; a gated one (``-start``) gets its body after it, where sphinx-exercise
    merges it with the cells up to the ``-end`` (it drops a ``solution-start``'s own content)."""
    lines = [f"::::{{{name}}}" + (f" {argument}" if argument else "")]
    lines += [f":{key}: {value}" for key, value in options.items()]
    if name.endswith("-start"):
        return "\n".join(lines + ["::::"] + (["", body] if body else []))
    return "\n".join(lines + ([""] + body.splitlines() if body else []) + ["::::"])


def _markdown_cell(text: str, cell_id: str) -> dict:
    return {"cell_type": "markdown", "id": cell_id, "metadata": {}, "source": text}


def exercise_directives(nb: dict, lesson: str, exercise_word: str) -> tuple[dict, list[str]]:
    """The notebook ``nb`` (its JSON, as a dict) with its tagged exercise and solution cells
    rewritten into sphinx-exercise directives (see above), and the problems found."""
    cells, problems, out, number = nb["cells"], [], [], 0

    def tags(cell):
        return cell.get("metadata", {}).get("tags", [])

    def code_run(i, tag):
        j = i + 1
        while j < len(cells) and cells[j]["cell_type"] == "code" and tag in tags(cells[j]):
            j += 1
        return cells[i + 1 : j]

    i = 0
    while i < len(cells):
        cell = cells[i]
        tag = next((t for t in (EXERCISE_TAG, SOLUTION_TAG) if t in tags(cell)), None)
        if cell["cell_type"] != "markdown" or tag is None:
            if cell["cell_type"] == "code" and tag:  # one right after its markdown cell was taken along
                problems.append(f"cell {i + 1}: a code cell tagged '{tag}' must follow the markdown cell of its {tag}")
            out.append(cell)
            i += 1
            continue
        text = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
        before, items, after = _split_lead_ins(text)
        code = code_run(i, tag)
        if not items:
            problems.append(
                f"cell {i + 1}: tagged '{tag}' but no line starts with a lead-in such as '**{exercise_word} 1.**'"
            )
        if code and after.strip():
            problems.append(f"cell {i + 1}: text after the last {tag} of the cell would split it from its code cell")
        parts = [before] if before.strip() else []
        for k, (n, word, title, body) in enumerate(items):
            gated = "-start" if code and k == len(items) - 1 else ""
            if tag == EXERCISE_TAG:
                number += 1
                if n != number:
                    problems.append(f"cell {i + 1}: '**{word} {n}**' is exercise {number} of the lesson")
                if word.strip().lower() != exercise_word.lower():
                    problems.append(
                        f"cell {i + 1}: the lead-in reads '{word}', the site numbers it '{exercise_word} {n}'"
                    )
                parts.append(_directive(f"exercise{gated}", title or "", {"label": exercise_label(lesson, n)}, body))
            else:
                if n > number:
                    problems.append(f"cell {i + 1}: a solution to exercise {n} before that exercise")
                parts.append(
                    _directive(
                        f"solution{gated}",
                        exercise_label(lesson, n),
                        {"label": f"{lesson}-solution-{n}", "class": "dropdown"},
                        body,
                    )
                )
        if after.strip():
            parts.append(after)
        out.append({**cell, "source": "\n\n".join(parts)})
        out.extend(code)
        if code:
            out.append(_markdown_cell(_directive(f"{tag}-end", "", {}), f"{cell.get('id', i)}-{tag}-end"))
        i += 1 + len(code)
    return {**nb, "cells": out}, problems


def on_source_read(app: Sphinx, docname: str, source: list) -> None:
    """Turn a lesson's tagged exercise and solution cells into sphinx-exercise directives."""
    if not str(app.env.doc2path(docname)).endswith(".ipynb"):
        return
    nb = json.loads(source[0])
    if not any({EXERCISE_TAG, SOLUTION_TAG} & set(c.get("metadata", {}).get("tags", [])) for c in nb["cells"]):
        return
    word = get_translation("exercise")("Exercise")
    nb, problems = exercise_directives(nb, docname.rsplit("/", 1)[-1], word)
    for problem in problems:
        logger.warning(f"course_site: {problem}", location=docname)
    source[0] = json.dumps(nb, ensure_ascii=False)


def number_exercises_per_lesson(app: Sphinx, env) -> list[str]:
    """sphinx-exercise numbers exercises as Sphinx numbers figures, on through the whole book
    when the toctree has no section numbers: restart at 1 in every lesson (runs after Sphinx has
    assigned the numbers, on ``env-get-updated``)."""
    for fignumbers in env.toc_fignumbers.values():
        numbers = fignumbers.get("exercise", {})
        counters: dict[tuple, int] = {}
        for label in sorted(numbers, key=numbers.get):
            prefix = tuple(numbers[label][:-1])
            counters[prefix] = counters.get(prefix, 0) + 1
            numbers[label] = prefix + (counters[prefix],)
    return []


class SolutionTitles(SphinxPostTransform):
    """A solution's title as one translatable message, "Lời giải bài tập 1" / "Řešení cvičení 1"
    (sphinx-exercise glues "Solution to" + "Exercise" + number: "Řešení k Cvičení 1"), as plain
    text: the title is the dropdown's toggle, where a link would jump instead of opening it."""

    default_priority = 23  # after sphinx-exercise's ResolveTitlesInSolutions (21)

    def run(self) -> None:
        from sphinx_exercise.nodes import exercise_enumerable_node, solution_node
        from sphinx_exercise.utils import get_node_number

        registry = getattr(self.env, "sphinx_exercise_registry", {})
        translate = get_translation("exercise")
        for node in self.document.findall(solution_node):
            target = registry.get(node.get("target_label"), {}).get("node")
            if not isinstance(target, exercise_enumerable_node) or not isinstance(node.children[0], nodes.title):
                continue
            text = translate("Solution to exercise {number}").format(
                number=get_node_number(self.app, target, "exercise")
            )
            node.children[0].children = []
            node.children[0] += nodes.Text(text)
            node["title"] = text


def setup(app: Sphinx):
    app.connect("config-inited", on_config_inited)
    app.connect("builder-inited", on_builder_inited)
    app.connect("builder-inited", drop_thebe)
    app.connect("html-page-context", on_page_context)
    app.connect("build-finished", on_build_finished)
    app.add_directive("course-glossary", CourseGlossary)
    app.connect("source-read", on_source_read)
    app.connect("env-get-updated", number_exercises_per_lesson, priority=900)
    app.add_post_transform(SolutionTitles)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
