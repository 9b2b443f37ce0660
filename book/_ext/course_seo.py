"""Sphinx extension of the course site: what search engines read, from the one base URL.

``html.baseurl`` in ``_config.yml`` (``html_baseurl`` in the generated conf.py) is where the
site is published, e.g. ``https://trainlab-course.github.io/trainlab/``; the site is
``<base>vi/...`` and ``<base>cs/...``, one ``sphinx-build`` per language. From it:

- **canonical URL**: each language's build gets ``html_baseurl = <base><lang>/``, so Sphinx
  writes ``<link rel="canonical" href="<base><lang>/<page>.html">`` on every page;
- **description**: ``<meta name="description">`` in the page's language, from the lesson's
  own words: the first paragraph of its "30 seconds" section when it has one, else its first
  paragraph that is not a lead-in such as "What this lesson assumes:", cut at a word near
  160 characters (generated pages, search and index, get the home page's; they also get
  ``noindex``);
- **sitemap**: ``<lang>/sitemap.xml`` lists the language's pages, each with
  ``<xhtml:link rel="alternate" hreflang>`` to every language version and ``x-default``,
  the same targets as the ``hreflang`` tags ``course_site`` writes in the page; each build
  then merges the languages' lists into the site's ``sitemap.xml`` (after ``make book`` built
  both, the root sitemap has both). No robots.txt: on a GitHub Pages project site
  (``<owner>.github.io/<repo>/``) crawlers only read the one at the domain's root, so the
  sitemap is submitted in the search engines' consoles.

sphinx-sitemap was considered: its alternates substitute the language into the *same* page
name (``{lang}{version}{link}``), while our pages carry the language in their name too
(``vi/notebooks/vi/x.html`` <-> ``cs/notebooks/cs/x.html``), so it would list pages that do not
exist.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

from course_site import LANGUAGES, _page_exists, other_language_page

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
XHTML_NS = "http://www.w3.org/1999/xhtml"
DESCRIPTION_CHARS = 160
#: Pages Sphinx generates (no source): not in the sitemap, and marked noindex.
GENERATED = ("search", "genindex")


# ------------------------------------------------------------------------ base URL
def site_base(config) -> str:
    """The site's base URL: ``_config.yml``'s ``html.baseurl``, checked, ending in ``/``."""
    base = getattr(config, "course_site_baseurl", "") or config.html_baseurl
    if not re.fullmatch(r"https://[^\s/]+(/[^\s]*)?", base or ""):
        raise ExtensionError(
            f"course_seo: expected html.baseurl in _config.yml to be the https:// URL the site is published at "
            f"(got {base!r})"
        )
    return base if base.endswith("/") else base + "/"


def on_config_inited(app: Sphinx, config) -> None:
    base = site_base(config)
    config.course_site_baseurl = base
    # Sphinx writes <link rel="canonical" href="{html_baseurl}{page}.html"> on every page.
    config.html_baseurl = f"{base}{config.language}/"


# --------------------------------------------------------------------- description
LATEX_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "varepsilon": "ε", "eta": "η",
    "theta": "θ", "lambda": "λ", "mu": "μ", "rho": "ρ", "sigma": "σ", "tau": "τ", "phi": "φ", "odot": "⊙",
    "times": "×", "cdot": "·", "approx": "≈", "le": "≤", "ge": "≥", "to": "→", "infty": "∞", "in": "∈",
    "max": "max", "min": "min", "log": "log", "exp": "exp", "tanh": "tanh", "left": "", "right": "",
}  # fmt: skip


def _math_text(tex: str) -> str | None:
    """Simple inline TeX as text (``\\gamma`` -> ``γ``, ``x_i`` stays); None if it is not simple."""
    text = re.sub(r"\\([A-Za-z]+)", lambda m: LATEX_SYMBOLS.get(m.group(1), "\\" + m.group(1)), tex)
    text = re.sub(r"\\[,;! ]", " ", text).strip()
    return None if re.search(r"[\\{}]", text) else text


def paragraph_text(paragraph: nodes.paragraph) -> str | None:
    """The text of a paragraph with simple math as text; None if its math is not simple."""
    parts = []
    for node in paragraph.findall(lambda n: isinstance(n, (nodes.Text, nodes.math))):
        if isinstance(node, nodes.math):
            math = _math_text(node.astext())
            if math is None:
                return None
            parts.append(math)
        elif not any(isinstance(a, nodes.math) for a in _ancestors(node, paragraph)):
            parts.append(node.astext())
    return re.sub(r"\s+", " ", "".join(parts)).strip()


def _ancestors(node, stop):
    node = node.parent
    while node is not None and node is not stop:
        yield node
        node = node.parent


def _is_lead_in(paragraph: nodes.paragraph) -> bool:
    """A paragraph that opens with bold text ("**What this lesson assumes:** ...")."""
    first = next((c for c in paragraph.children if not (isinstance(c, nodes.Text) and not c.astext().strip())), None)
    return isinstance(first, nodes.strong)


def shorten(text: str, limit: int = DESCRIPTION_CHARS) -> str:
    """``text`` in at most ``limit`` characters: whole sentences when they fit, else cut at a word
    with an ellipsis."""
    if text.endswith(":"):  # "... Parts of the course:" opens a list: end at the sentence before
        sentences = re.split(r"(?<=[.!?])\s+", text)
        if len(sentences) > 1 and len(" ".join(sentences[:-1])) >= 40:
            text = " ".join(sentences[:-1])
    if len(text) <= limit:
        return text
    # a sentence ends at . ! ? before a capital letter, outside parentheses ("(obr. 2)" goes on)
    ends = [
        m.end()
        for m in re.finditer(r"[.!?](?=\s+[^\W\d_])", text[: limit + 2])
        if limit // 2 <= m.end() <= limit
        and text[m.end() :].lstrip()[0].isupper()
        and text[: m.end()].count("(") == text[: m.end()].count(")")
    ]
    if ends:  # a whole sentence (or two) when one ends in the second half of the limit
        return text[: ends[-1]]
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:-–(")
    return cut + "…"


def description(doctree: nodes.document) -> str | None:
    """The page's description from its own words (see the module docstring)."""
    sections = list(doctree.findall(nodes.section))
    if not sections:
        return None
    top = sections[0]
    thirty = [s for s in sections if s.children and re.match(r"30\b", s[0].astext())]
    for section in thirty[:1] + [top] + sections[1:]:
        for child in section.children:
            if isinstance(child, nodes.paragraph) and not _is_lead_in(child):
                text = paragraph_text(child)
                if text and len(text) >= 40:
                    return shorten(text)
    return None


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;")


def on_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is None:  # a generated page: the home page's description
        doctree = app.env.get_doctree(app.config.root_doc)
    text = description(doctree)
    tags = []
    if text:
        tags.append(f'<meta name="description" content="{_escape(text)}" />')
    if pagename in GENERATED:
        tags.append('<meta name="robots" content="noindex" />')
    context["metatags"] = context.get("metatags", "") + "\n" + "\n".join(tags)


# ------------------------------------------------------------------------- sitemap
def page_url(base: str, lang: str, pagename: str) -> str:
    return f"{base}{lang}/{pagename}.html"


def alternates(app: Sphinx, pagename: str) -> dict[str, str]:
    """hreflang -> URL of the page in every language (the same targets as course_site's tags:
    a page missing in a language falls back to that language's home page) and x-default."""
    lang, base = app.config.language, app.config.course_site_baseurl
    links = {}
    for code in LANGUAGES:
        target = other_language_page(pagename, lang, code)
        if not _page_exists(Path(app.srcdir), target, app.config.source_suffix):
            target = other_language_page(app.config.root_doc, lang, code)
        links[code] = page_url(base, code, target)
    links["x-default"] = f"{base}index.html"
    return links


def _urlset(entries: list[tuple[str, dict[str, str]]]) -> str:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<urlset xmlns="{SITEMAP_NS}" xmlns:xhtml="{XHTML_NS}">',
    ]
    for loc, links in entries:
        lines.append(f"  <url>\n    <loc>{_escape(loc)}</loc>")
        lines += [
            f'    <xhtml:link rel="alternate" hreflang="{code}" href="{_escape(href)}" />'
            for code, href in links.items()
        ]
        lines.append("  </url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def read_sitemap(path: Path) -> list[tuple[str, dict[str, str]]]:
    """``[(loc, {hreflang: href})]`` of a sitemap written by :func:`_urlset`."""
    root = ET.parse(path).getroot()
    return [
        (
            url.findtext(f"{{{SITEMAP_NS}}}loc"),
            {link.get("hreflang"): link.get("href") for link in url.findall(f"{{{XHTML_NS}}}link")},
        )
        for url in root.findall(f"{{{SITEMAP_NS}}}url")
    ]


def on_build_finished(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    lang, base = app.config.language, app.config.course_site_baseurl
    out = Path(app.outdir)
    pages = sorted(d for d in app.env.found_docs if d in app.env.all_docs)
    entries = [(page_url(base, lang, page), alternates(app, page)) for page in pages]
    (out / "sitemap.xml").write_text(_urlset(entries), encoding="utf-8")
    # The site's root (_build/html) holds one folder per language (see course_site's links).
    site = out.parent
    merged = []
    for code in LANGUAGES:
        if (site / code / "sitemap.xml").exists():
            merged += read_sitemap(site / code / "sitemap.xml")
    (site / "sitemap.xml").write_text(_urlset(merged), encoding="utf-8")


def setup(app: Sphinx):
    app.setup_extension("course_site")
    app.add_config_value("course_site_baseurl", "", "html", str)
    app.connect("config-inited", on_config_inited)
    app.connect("html-page-context", on_page_context)
    app.connect("build-finished", on_build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
