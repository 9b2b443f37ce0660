"""Sphinx extension of the course site: one book, two languages.

What it adds to a stock Jupyter Book 1 build, for the language given with
``sphinx-build -D language=vi|cs``:

- **language switch**: every page links to the same page in the other language
  (``notebooks/vi/x`` <-> ``notebooks/cs/x``, ``book/vi/x`` <-> ``book/cs/x``) and
  lists both in ``<link rel="alternate" hreflang=...>`` tags;
- **UI translations that read natively**: our catalogs in ``locales/<lang>/LC_MESSAGES``
  take precedence over the theme's (``booktheme``) and Sphinx's (``sphinx``);
  the book title and author are translated too, and the copyright year is computed;
- **offline math**: MathJax 3 is copied from the pinned ``django-static-mathjax``
  wheel into ``_static/mathjax`` (``mathjax_path`` points there), so no page asks a CDN;
- **glossary**: the ``course-glossary`` directive renders ``book/terms.md`` (the
  en/vi/cs term list) for the page's language as a Sphinx glossary, so lessons link
  terms with ``{term}``.
"""

from __future__ import annotations

import gettext
import os
import shutil
import time
from pathlib import Path

from docutils.statemachine import StringList
from sphinx import locale
from sphinx.application import Sphinx
from sphinx.domains.std import Glossary
from sphinx.errors import ExtensionError
from sphinx.util.docutils import SphinxDirective
from sphinx.util.i18n import CatalogRepository

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
            listener for listener in listeners
            if getattr(listener.handler, "__module__", "") != "sphinx_thebe"
            or listener.handler.__name__ == "st_static_path"
        ]


def on_builder_inited(app: Sphinx) -> None:
    """Compile our .po catalogs and put ours in front of the theme's ``booktheme`` one."""
    lang = app.config.language
    repo = CatalogRepository(app.srcdir, app.config.locale_dirs, lang, app.config.source_encoding)
    for catalog in repo.catalogs:
        if catalog.is_outdated():
            catalog.write_mo(lang)
    for locale_dir in repo.locale_dirs:
        try:
            ours = gettext.translation("booktheme", localedir=locale_dir, languages=[lang])
        except OSError:
            continue
        key = ("general", "booktheme")
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


# -------------------------------------------------------------------- offline math
def _mathjax_es5() -> Path:
    import mathjax  # the django-static-mathjax wheel, pinned in requirements.txt

    es5 = Path(mathjax.__file__).resolve().parent / "static" / "mathjax" / "es5"
    if not (es5 / "tex-chtml.js").exists():
        raise ExtensionError(f"course_site: MathJax not found in {es5}; run `make book` to install requirements.txt")
    return es5


def _copy_if_changed(src: Path, dst: Path) -> None:
    if dst.exists() and dst.stat().st_size == src.stat().st_size and dst.stat().st_mtime >= src.stat().st_mtime:
        return
    dst.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(src, dst)


def on_build_finished(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    es5 = _mathjax_es5()
    _copy_if_changed(es5 / "tex-chtml.js", out / "_static" / "mathjax" / "tex-chtml.js")
    for font in sorted((es5 / "output" / "chtml" / "fonts" / "woff-v2").glob("*.woff")):
        _copy_if_changed(font, out / "_static" / "mathjax" / "output" / "chtml" / "fonts" / "woff-v2" / font.name)
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
    "vi": {"en": "Tiếng Anh", "other": "Tiếng Séc", "never": "Không dùng", "note": "Ghi chú"},
    "cs": {"en": "Anglicky", "other": "Vietnamsky", "never": "Nepoužívat", "note": "Poznámka"},
}


class CourseGlossary(SphinxDirective):
    """``{course-glossary}``: the term list for the page's language as a Sphinx glossary."""

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
            entry = [term] + ([en] if en and en.lower() not in seen | {term.lower()} else [])
            seen.update(t.lower() for t in entry)
            lines += entry
            lines.append(f"   **{label['en']}:** {en} · **{label['other']}:** {row[f'{other} (use)']}")
            if row.get(f"never ({lang})"):
                lines.append(f"   · **{label['never']}:** ~~{row[f'never ({lang})']}~~")
            lines.append("")
        directive = Glossary(
            "glossary", [], {"sorted": True}, StringList(lines, source=str(path)),
            self.lineno, self.content_offset, self.block_text, self.state, self.state_machine,
        )
        return directive.run()


def setup(app: Sphinx):
    app.connect("config-inited", on_config_inited)
    app.connect("builder-inited", on_builder_inited)
    app.connect("builder-inited", drop_thebe)
    app.connect("html-page-context", on_page_context)
    app.connect("build-finished", on_build_finished)
    app.add_directive("course-glossary", CourseGlossary)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
