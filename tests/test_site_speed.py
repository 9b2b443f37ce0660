"""Issue 15, "a lighter page" and "print and download", in the built site (after `make book`):
math as MathML with no MathJax, the print stylesheet, the icon font subset, and the course's
archive per language with its header link."""

import io
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import LANGS, ROOT

HTML = ROOT / "_build" / "html"
pytestmark = pytest.mark.skipif(not (HTML / "index.html").exists(), reason="run `make book` first")

# A TeX command (\frac, \sum, ...) or delimiter (\( \[) as text in a page: math left untypeset.
RAW_TEX = re.compile(r"\\(?:[A-Za-z]{2,}|[(\[])")
TAG = re.compile(r"<[^>]+>")


class Page(HTMLParser):
    """The scripts, stylesheets and links of a page, the download link, and its MathML text."""

    def __init__(self):
        super().__init__()
        self.scripts, self.styles, self.download, self.inline_scripts = [], [], None, []
        self.math_count, self._math_depth, self.math_text, self._in_script = 0, 0, [], False
        self.download_text = []
        self._in_download = False

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script":
            self._in_script = True
            if a.get("src"):
                self.scripts.append(a["src"])
        if tag == "link" and a.get("rel") == "stylesheet":
            self.styles.append(a["href"])
        if tag == "a" and "data-course-download" in a:
            self.download = a
            self._in_download = True
        if tag == "math":
            self.math_count += 1
            self._math_depth += 1

    def handle_endtag(self, tag):
        if tag == "math":
            self._math_depth -= 1
        if tag == "script":
            self._in_script = False
        if tag == "a":
            self._in_download = False

    def handle_data(self, data):
        if self._math_depth:
            self.math_text.append(data)
        if self._in_script:
            self.inline_scripts.append(data)
        if self._in_download:
            self.download_text.append(data)


def parse(page: Path) -> Page:
    p = Page()
    p.feed(page.read_text(encoding="utf-8"))
    return p


def content_pages(lang):
    return sorted(p for p in (HTML / lang).rglob("*.html") if "/notebooks/" in str(p) or "/book/" in str(p))


def toc_lessons(lang):
    toc = (ROOT / "book" / lang / "_toc.yml").read_text(encoding="utf-8")
    return [f for f in re.findall(r"file:\s*(\S+)", toc) if f.startswith(f"notebooks/{lang}/")]


# ------------------------------------------------------------------------------ math
@pytest.mark.parametrize("lang", LANGS)
def test_every_formula_is_mathml_and_no_page_loads_mathjax(lang):
    total, problems = 0, []
    for page in content_pages(lang):
        p = parse(page)
        name = page.relative_to(HTML)
        total += p.math_count
        if any("mathjax" in s.lower() for s in p.scripts) or any("MathJax" in s for s in p.inline_scripts):
            problems.append(f"{name}: loads or configures MathJax")
        text = page.read_text(encoding="utf-8")
        # Sphinx's MathJax output: TeX between \( \) or \[ \] in span/div.math
        if re.search(r'class="math[^"]*">\s*\\[(\[]', text):
            problems.append(f"{name}: TeX left for a math script")
        leftover = RAW_TEX.search("".join(p.math_text))
        if leftover:
            problems.append(f"{name}: {leftover.group(0)!r} as text inside MathML")
    assert not problems, "\n".join(problems[:20])
    # The lessons have some 900 formulas per language (measured when this test was written).
    assert total > 500, f"only {total} <math> elements in the {lang} book"


@pytest.mark.parametrize("lang", LANGS)
def test_lessons_show_no_raw_tex_outside_code(lang):
    """No formula left as TeX in a lesson's prose (code cells and outputs may show backslashes)."""
    problems = []
    for lesson in toc_lessons(lang):
        text = (HTML / lang / f"{lesson}.html").read_text(encoding="utf-8")
        article = text[text.index("<article") : text.index("</article>")]
        article = re.sub(r"<(pre|code|script|math|style)\b.*?</\1>", "", article, flags=re.S)
        prose = TAG.sub("", article)
        for m in re.finditer(r"\\(frac|sum|partial|sqrt|mathbb|operatorname|text|hat)\b|\$\$", prose):
            problems.append(f"{lesson}: {prose[max(0, m.start() - 30) : m.end() + 30]!r}")
    assert not problems, "\n".join(problems[:20])


TRICKY = {
    # TeX the lessons use that latex2mathml misreads without book/_ext/course_math.py's fixes
    r"\hat y = \arg\max_c p_c": '<munder><mo movablelimits="true">arg&#x02006;max</mo><mi>c</mi></munder>',
    r"\Big\lVert \frac{\partial L}{\partial h_0} \Big\rVert": "&#x02016;",
    r"(\text{weight\_norm})^n": "weight_norm",
    r"f'(x)": "<mo>&#x02032;</mo>",
    r"\operatorname{Var}(w)": 'rspace="0">Var<',
    r"\lVert W_k\rVert \cdot \max|f'|": '<mo stretchy="false">&#x02016;',
}


@pytest.mark.parametrize("tex", TRICKY)
def test_converter_fixes_what_latex2mathml_misreads(tex):
    from course_math import LEFTOVER, tex_to_mathml

    mathml = tex_to_mathml(tex)
    assert not LEFTOVER.search(mathml), mathml
    assert TRICKY[tex] in mathml, mathml
    assert mathml.startswith('<math display="inline">')
    assert tex_to_mathml(tex, display=True).startswith('<math display="block">')


# --------------------------------------------------------------------- print, icons
@pytest.mark.parametrize("lang", LANGS)
def test_every_page_links_the_print_stylesheet(lang):
    css = (HTML / lang / "_static" / "course-print.css").read_text(encoding="utf-8")
    assert "@media print" in css and "break-inside: avoid" in css and "pre-wrap" in css
    missing = [
        str(p.relative_to(HTML))
        for p in content_pages(lang)
        if not any("course-print.css" in s for s in parse(p).styles)
    ]
    assert not missing, missing


@pytest.mark.parametrize("lang", LANGS)
def test_icon_font_has_every_icon_the_pages_use(lang):
    """Each fa-* icon class of a page maps (in the theme's stylesheet) to a glyph of the subset font."""
    from fontTools.ttLib import TTFont

    table = {}
    theme_css = (HTML / lang / "_static" / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    for selectors, code in re.findall(r"([^{}]+)\{content:\"\\([0-9a-f]{4})\"\}", theme_css):
        for sel in selectors.split(","):
            m = re.fullmatch(r"\.(fa-[\w-]+):before", sel.strip())
            if m:
                table[m.group(1)] = int(code, 16)
    subset = TTFont(HTML / lang / "_static" / "course-icons-solid.woff")
    glyphs = set(subset.getBestCmap())
    assert 10 < len(glyphs) < 200, f"{len(glyphs)} icons in the subset"
    missing = set()
    for page in content_pages(lang):
        text = page.read_text(encoding="utf-8")
        for classes in re.findall(r'class="([^"]*\bfa-(?:solid|fas)\b[^"]*|[^"]*\bfas\b[^"]*)"', text):
            for name in re.findall(r"\bfa-[\w-]+", classes):
                if name in table and table[name] not in glyphs:
                    missing.add(name)
    assert not missing, f"icons missing from course-icons-solid.woff: {sorted(missing)}"
    # The brand font is no longer needed: its one icon (the repository button) is an SVG mask.
    brands = {
        name
        for page in content_pages(lang)
        for classes in re.findall(r'class="([^"]*\bfa(?:b|-brands)\b[^"]*)"', page.read_text(encoding="utf-8"))
        for name in re.findall(r"\bfa-[\w-]+", classes)
        if name != "fa-brands"
    }
    assert brands <= {"fa-github"}, f"brand icons without a replacement in course-speed.css: {brands}"
    assert (HTML / lang / "_static" / "github-mark.svg").exists()


# --------------------------------------------------------------------------- download
def archive(lang) -> Path:
    return HTML / lang / "_downloads" / f"trainlab-course-{lang}.zip"


@pytest.mark.parametrize("lang", LANGS)
def test_archive_has_every_lesson_notebook_byte_for_byte(lang):
    top = f"trainlab-course-{lang}/"
    with zipfile.ZipFile(archive(lang)) as zf:
        names = zf.namelist()
        lessons = toc_lessons(lang)
        assert len(lessons) >= 10
        for lesson in lessons:
            stored = zf.read(f"{top}{lesson}.ipynb")
            assert stored == (ROOT / f"{lesson}.ipynb").read_bytes(), f"{lesson}.ipynb differs from the repository's"
        other = next(code for code in LANGS if code != lang)
        assert not [n for n in names if f"/notebooks/{other}/" in n], "notebooks of the other language"


@pytest.mark.parametrize("lang", LANGS)
def test_archive_has_the_package_and_a_readme_in_the_language(lang):
    top = f"trainlab-course-{lang}/"
    with zipfile.ZipFile(archive(lang)) as zf:
        names = set(zf.namelist())
        for name in ("pyproject.toml", "requirements.txt"):
            assert zf.read(top + name) == (ROOT / name).read_bytes()
        source = [p for p in (ROOT / "src").rglob("*") if p.is_file() and "__pycache__" not in p.parts]
        source = [p for p in source if not p.suffix == ".pyc" and not any(".egg-info" in s for s in p.parts)]
        assert any(p.name == "__init__.py" for p in source)
        for path in source:
            name = top + path.relative_to(ROOT).as_posix()
            assert name in names, f"{name} missing from the archive"
            assert zf.read(name) == path.read_bytes()
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
        readme = zf.read(top + "README.md").decode("utf-8")
    for step in ("python3 -m venv", "pip install -r requirements.txt", "pip install -e .", "jupyter lab"):
        assert step in readme, f"README.md does not say {step!r}"
    words = {"vi": ("bài học", "ngoại tuyến"), "cs": ("lekce", "offline")}[lang]
    assert all(w in readme for w in words), f"README.md not in {lang}"
    for lesson in toc_lessons(lang):
        assert Path(lesson).name + ".ipynb" in readme, f"README.md does not list {lesson}"


@pytest.mark.parametrize("lang", LANGS)
def test_archive_is_reproducible(lang):
    """Entries sorted, one fixed time stamp and mode, and the same bytes when made again."""
    from course_download import build_archive

    data = archive(lang).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        infos = zf.infolist()
    assert [i.filename for i in infos] == sorted(i.filename for i in infos)
    assert {i.date_time for i in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert {i.external_attr >> 16 for i in infos} == {0o644}
    assert build_archive(ROOT, ROOT / "book" / lang / "_toc.yml", lang) == data


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_links_the_archive_with_a_name_in_its_language(lang):
    names = {"vi": "Tải khóa học", "cs": "Stáhnout kurz"}
    pages = content_pages(lang)
    assert len(pages) > len(toc_lessons(lang))
    for page in pages:
        p = parse(page)
        assert p.download is not None, f"{page.relative_to(HTML)}: no download link"
        target = (page.parent / unquote(urlsplit(p.download["href"]).path)).resolve()
        assert target == archive(lang).resolve(), f"{page.relative_to(HTML)}: {p.download['href']}"
        assert " ".join("".join(p.download_text).split()) == names[lang]
        assert "zip" in p.download.get("title", "")


@pytest.mark.parametrize("lang", LANGS)
def test_pages_link_no_asset_they_do_not_use(lang):
    """sphinx-design's stylesheet and tab script, and thebe's stylesheet, only where a page uses them."""
    linked = []
    for page in content_pages(lang):
        text = page.read_text(encoding="utf-8")
        body = text[text.index("<body") :]
        p = parse(page)
        for name, needed in (
            ("sphinx-design.min.css", "sd-"),
            ("design-tabs.js", "sd-tab"),
            ("sphinx-thebe.css", "thebe"),
        ):
            if any(name in u for u in p.styles + p.scripts) and needed not in body:
                linked.append(f"{page.relative_to(HTML)}: {name}")
    assert not linked, linked[:10]
