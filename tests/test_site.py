"""The built site in _build/html (run after `make book`): links, language switch, offline assets."""

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from conftest import LANGS, ROOT

HTML = ROOT / "_build" / "html"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
pytestmark = pytest.mark.skipif(not (HTML / "index.html").exists(), reason="run `make book` first")


class Links(HTMLParser):
    """Collects (tag, attribute, value) of every link-like attribute, and <link rel=alternate>."""

    def __init__(self):
        super().__init__()
        self.refs, self.alternates, self.switch = [], {}, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for attr in ("href", "src"):
            if a.get(attr):
                self.refs.append((tag, attr, a[attr]))
        if tag == "link" and a.get("rel") == "alternate" and a.get("hreflang"):
            self.alternates[a["hreflang"]] = a["href"]
        if tag == "a" and "data-lang-switch" in a:
            self.switch = a["href"]


def parse(page: Path) -> Links:
    p = Links()
    p.feed(page.read_text(encoding="utf-8"))
    return p


def pages():
    """Every HTML page of the site (the theme's Jinja macro files under _static are not pages)."""
    return sorted(p for p in HTML.rglob("*.html") if "_static" not in p.parts)


def content_pages(lang):
    """Pages made from the book's sources (not search/genindex/redirects)."""
    return sorted(p for p in (HTML / lang).rglob("*.html") if "/notebooks/" in str(p) or "/book/" in str(p))


def resolve(page: Path, url: str) -> Path:
    return (page.parent / unquote(urlsplit(url).path)).resolve()


def is_local(url: str) -> bool:
    return not urlsplit(url).scheme and not url.startswith(("//", "#", "mailto:", "data:", "javascript:"))


def test_every_internal_link_and_asset_exists():
    broken = []
    for page in pages():
        for tag, attr, url in parse(page).refs:
            if is_local(url) and urlsplit(url).path and not resolve(page, url).exists():
                broken.append(f"{page.relative_to(HTML)}: <{tag} {attr}={url!r}>")
    assert not broken, "broken internal links:\n" + "\n".join(broken[:30])


def test_no_page_loads_a_script_style_or_font_from_another_host():
    remote = []
    for page in pages():
        text = page.read_text(encoding="utf-8")
        for tag, attr, url in parse(page).refs:
            if (
                tag in ("script", "img", "iframe") or (tag == "link" and attr == "href" and "stylesheet" in text)
            ) and not is_local(url):
                if tag == "link":
                    continue  # <link> to other sites are alternates/canonical, checked in the browser test
                remote.append(f"{page.relative_to(HTML)}: <{tag} {attr}={url!r}>")
        if re.search(r"https?://(cdn|unpkg|cdnjs)\.", text):
            remote.append(f"{page.relative_to(HTML)}: names a CDN")
    assert not remote, "\n".join(remote[:20])


# Math is MathML typeset at build time, with no MathJax: tests/test_site_speed.py checks it.


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_switches_to_the_same_page_in_the_other_language(lang):
    other = next(code for code in LANGS if code != lang)
    pages_ = content_pages(lang)
    assert pages_
    for page in pages_:
        links = parse(page)
        target = resolve(page, links.switch)
        rel = page.relative_to(HTML / lang)
        same = HTML / other / Path(*[other if part == lang else part for part in rel.parts])
        assert target == same.resolve() and target.exists(), f"{page.relative_to(HTML)}: switch goes to {links.switch}"
        assert set(links.alternates) == {"vi", "cs", "x-default"}, (
            f"{page.relative_to(HTML)}: hreflang {links.alternates}"
        )
        assert resolve(page, links.alternates[lang]) == page.resolve()
        assert resolve(page, links.alternates["x-default"]) == (HTML / "index.html").resolve()


@pytest.mark.parametrize("lang", LANGS)
def test_colab_and_download_buttons_point_at_notebooks_in_the_repository(lang):
    repo = CONFIG["repository"]["url"].removeprefix("https://github.com/")
    branch = CONFIG["repository"]["branch"]
    prefix = f"https://colab.research.google.com/github/{repo}/blob/{branch}/"
    lessons = [p for p in content_pages(lang) if "/notebooks/" in str(p)]
    assert lessons
    for page in lessons:
        refs = [url for _, _, url in parse(page).refs]
        colab = [u for u in refs if u.startswith("https://colab.research.google.com")]
        assert len(colab) == 1, f"{page.relative_to(HTML)}: expected one Colab link (got {colab})"
        assert colab[0].startswith(prefix), colab[0]
        notebook = colab[0].removeprefix(prefix)
        assert (ROOT / notebook).is_file(), f"{page.relative_to(HTML)}: Colab opens {notebook}, not in the repository"
        assert notebook == f"notebooks/{lang}/{page.stem}.ipynb"
        downloads = [u for u in refs if u.endswith(".ipynb") and is_local(u)]
        assert downloads, f"{page.relative_to(HTML)}: no .ipynb download link"
        for url in downloads:
            assert resolve(page, url).read_bytes() == (ROOT / notebook).read_bytes()


@pytest.mark.parametrize("lang", LANGS)
def test_interface_reads_in_the_page_language(lang):
    html = (HTML / lang / "notebooks" / lang / "batchnorm-basics.html").read_text(encoding="utf-8")
    assert f'<html lang="{lang}"' in html
    bad = {
        "vi": ["Xem Lại", "Tìm Kiếm", "Phóng", "Search this book", ">By "],
        "cs": ["Podle x", ">Podle ", "Zahájení", "Search this book", ">By "],
    }[lang]
    for phrase in bad:
        assert phrase not in html, f"{lang}: stock mistranslation {phrase!r} still on the page"
    import time

    assert f"© {time.gmtime().tm_year}" in html


def test_root_page_offers_both_languages():
    text = (HTML / "index.html").read_text(encoding="utf-8")
    for lang in LANGS:
        assert f'href="{lang}/index.html"' in text
        assert (HTML / lang / "index.html").exists()
    assert (HTML / ".nojekyll").exists()


def test_our_theme_macros_are_the_installed_themes_without_the_icon_script():
    """book/_templates/static/webpack-macros.html is a copy of the theme's file minus one
    script; after a theme upgrade the copy must be made again, or pages would load stale assets."""
    import pydata_sphinx_theme

    theme = (
        Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static" / "webpack-macros.html"
    )
    ours = (ROOT / "book" / "_templates" / "static" / "webpack-macros.html").read_text(encoding="utf-8")
    theirs = theme.read_text(encoding="utf-8")

    def macros(text):
        return re.findall(r"{% macro .*?{% endmacro %}", text, re.S)

    assert "fontawesome.js" in "".join(macros(theirs)) and "fontawesome.js" not in "".join(macros(ours))

    without_icon_script = [
        re.sub(r"\s*<!-- So that users can add custom icons -->\s*<script[^>]*fontawesome\.js[^>]*></script>", "", m)
        for m in macros(theirs)
    ]
    assert macros(ours) == without_icon_script, "remake the copy from the installed pydata-sphinx-theme"


# ------------------------------------------------------------ the course as one whole (issue 14)
FORMULAS = yaml.safe_load((ROOT / "book" / "formulas.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("lang", LANGS)
def test_formula_sheet_shows_every_formula_with_its_lesson_and_trainlab_source(lang):
    page = HTML / lang / "book" / lang / "formulas.html"
    text = page.read_text(encoding="utf-8")
    items = [f for group in FORMULAS["groups"] for f in group["formulas"]]
    # every formula typeset (as MathML at build time, book/_ext/course_math.py), none left as TeX
    assert text.count("<math") >= len(items)
    assert "\\frac" not in text and "\\mathbb" not in text
    prefix = f"{CONFIG['repository']['url']}/blob/{CONFIG['repository']['branch']}/src/trainlab/"
    sources = {url for _, _, url in parse(page).refs if url.startswith(prefix)}
    names = {name for f in items for name in f.get("trainlab") or []}
    assert len(sources) == len(names), f"{len(sources)} source links for {len(names)} trainlab names"
    for url in sources:
        path, line = url.removeprefix(CONFIG["repository"]["url"] + "/blob/main/").split("#L")
        assert (ROOT / path).is_file() and int(line) <= len((ROOT / path).read_text(encoding="utf-8").splitlines())
    lessons = {resolve(page, url) for _, _, url in parse(page).refs if "/notebooks/" in url}
    assert lessons and all(p.exists() for p in lessons)


#: The id of the closing section that tools/lesson_links.py writes ("## Đọc tiếp" / "## Co dál").
CLOSING_SECTION = {"vi": "doc-tiep", "cs": "co-dal"}


@pytest.mark.parametrize("lang", LANGS)
def test_every_lesson_page_ends_with_links_to_the_glossary_and_the_formula_sheet(lang):
    lessons = [p for p in content_pages(lang) if "/notebooks/" in str(p)]
    assert lessons
    missing = []
    for page in lessons:
        text = page.read_text(encoding="utf-8")
        starts = [m.end() for m in re.finditer(rf'<section id="{CLOSING_SECTION[lang]}[^"]*"', text)]
        if not starts:
            missing.append(f"{page.name}: no closing section")
            continue
        closing = Links()
        closing.feed(text[starts[-1] : text.index("</section>", starts[-1])])
        targets = {resolve(page, url) for _, attr, url in closing.refs if attr == "href" and is_local(url)}
        for name in ("glossary", "formulas", "index"):
            if (HTML / lang / "book" / lang / f"{name}.html").resolve() not in targets:
                missing.append(f"{page.name}: the closing section does not link {name}")
    assert not missing, "run `python -m tools.lesson_links --write`:\n" + "\n".join(missing)


@pytest.mark.parametrize("lang", LANGS)
def test_home_page_map_is_accessible_and_uses_the_theme_colours(lang):
    text = (HTML / lang / "book" / lang / "index.html").read_text(encoding="utf-8")
    svg = text[
        text.index('<svg class="course-map-svg"') : text.index("</svg>", text.index('<svg class="course-map-svg"'))
    ]
    assert re.search(r'<title id="course-map-title">[^<]+</title>', svg) and "aria-labelledby" in svg
    assert "aria-label=" in svg and "fill=" not in svg.replace('fill="none"', "")  # colours come from course.css
    css = (HTML / lang / "_static" / "course.css").read_text(encoding="utf-8")
    assert "var(--pst-color-text-base)" in css and "currentColor" in css
