"""Issue 15 in headless Chromium: a lesson's math drawn with no math script, the page's weight
within half of what it was, the icons still drawn, and a lesson printed to PDF (playwright's
page.pdf) as a clean document in each language."""

import io
import re

import pytest
from test_browser import CHROMIUM, HTML, Watched, browser, server  # noqa: F401 (fixtures)

from conftest import LANGS

pytestmark = [
    pytest.mark.skipif(not (HTML / "index.html").exists(), reason="run `make book` first"),
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make browser-test installs it)"),
]

# Every byte a lesson page loads (HTML, CSS, scripts, fonts, images; uncompressed), as counted by
# Watched (tests/test_browser.py: the bodies of all responses until the network is idle), for
# batchnorm-basics, measured before issue 15 (2 December 2026, commit 9d642be, MathJax 3 in the
# page): vi 2,513,834 bytes, cs 2,568,252 bytes, of which 1,160,971 the MathJax script and about
# 80 kB its fonts. The issue asks for half of that at most. After it: vi 1.02 MB, cs 1.09 MB
# (no MathJax, icon font subset, no brand font).
BEFORE_ISSUE_15 = {"vi": 2_513_834, "cs": 2_568_252}
PAGE_BUDGET = {lang: before // 2 for lang, before in BEFORE_ISSUE_15.items()}
LESSON = "batchnorm-basics"
# A lesson with many formulas (about 90 per language).
MATH_LESSON = "act-vanishing"
# A short lesson with figures, code and exercises with solutions, to print.
PRINT_LESSON = "act-krizhevsky"
# An A4 page (297 mm, 16 mm margins top and bottom; course-print.css) holds about 1,000 CSS px of
# the lesson at 96 px per inch.
PRINT_PAGE_PX = (297 - 2 * 16) / 25.4 * 96


def lesson_url(server, lang, lesson):  # noqa: F811
    return f"{server}/{lang}/notebooks/{lang}/{lesson}.html"


@pytest.mark.parametrize("lang", LANGS)
def test_math_is_drawn_without_a_script_and_the_page_weighs_half(browser, server, lang):  # noqa: F811
    w = Watched(browser, server)
    page = w.page
    urls = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(lesson_url(server, lang, MATH_LESSON), wait_until="networkidle")
    maths = page.locator("article math")
    assert maths.count() >= 50, f"{maths.count()} formulas drawn as MathML"
    # Drawn by the browser: display formulas have a height, a fraction is taller than a line.
    heights = page.evaluate(
        "[...document.querySelectorAll('article div.math > math')].map(m => m.getBoundingClientRect().height)"
    )
    assert heights and min(heights) > 10, heights
    text = page.locator("article").inner_text()
    for raw in ("\\frac", "\\partial", "\\sum", "\\operatorname", "\\mathbb", "\\text{", "\\(", "\\["):
        assert raw not in text, f"raw TeX {raw!r} on the page"
    assert page.evaluate("typeof window.MathJax") == "undefined"
    assert not [u for u in urls if "mathjax" in u.lower()], "a MathJax file was requested"
    assert not w.errors, w.errors
    assert not w.offsite, w.offsite
    page.close()

    w = Watched(browser, server)
    page = w.page
    urls = []
    page.on("request", lambda r: urls.append(r.url))
    page.goto(lesson_url(server, lang, LESSON), wait_until="load")
    page.wait_for_load_state("networkidle")
    assert page.locator("article math").count() >= 10
    assert w.loaded_bytes <= PAGE_BUDGET[lang], (
        f"the page loads {w.loaded_bytes:,} bytes, more than half of {BEFORE_ISSUE_15[lang]:,} (before issue 15)"
    )
    # The icons come from the small subset font, drawn (not blank), and the big fonts are not loaded:
    # an icon missing from the subset would make the browser fetch the theme's fa-solid-900 for it.
    fonts = [u for u in urls if re.search(r"\.(woff2?|ttf)\b", u)]
    assert any("course-icons-solid.woff" in u for u in fonts), fonts
    assert not [u for u in fonts if "fa-solid-900" in u or "fa-brands-400" in u], fonts
    # (those in closed menus have no box to measure)
    shown = [
        i for i in page.locator(".article-header-buttons i, .course-download span[aria-hidden]").all() if i.is_visible()
    ]
    assert len(shown) >= 4, f"{len(shown)} icons in the article header"
    for icon in shown:
        width = icon.evaluate("e => e.getBoundingClientRect().width")
        assert width > 5, f"an icon is blank: {icon.evaluate('e => e.outerHTML')}"
    github = page.locator(".article-header-buttons .fa-github")
    if github.count():
        assert "github-mark.svg" in github.first.evaluate("e => getComputedStyle(e, '::before').maskImage")
    assert not w.errors, w.errors
    page.close()


def pdf_text(reader):
    return " ".join(" ".join(p.extract_text() or "" for p in reader.pages).split())


@pytest.mark.parametrize("lang", LANGS)
def test_a_lesson_prints_as_a_clean_document(browser, server, lang):  # noqa: F811
    from pypdf import PdfReader

    w = Watched(browser, server)
    page = w.page
    page.goto(lesson_url(server, lang, PRINT_LESSON), wait_until="networkidle")
    article = " ".join(page.locator("article").inner_text().split())
    screen_px = page.evaluate("document.querySelector('article').scrollHeight")
    # What must not print: the sidebars' lesson titles (those the lesson's text does not quote),
    # the language switch and the download link of the header.
    sidebar = {
        " ".join(t.split())
        for t in page.locator(".bd-sidebar-primary nav a, .bd-sidebar-secondary nav a").all_inner_texts()
    }
    chrome = [t for t in sidebar if len(t) > 12 and t not in article]
    chrome += [" ".join(page.locator(sel).inner_text().split()) for sel in (".course-lang-switch", ".course-download")]
    assert len(chrome) >= 5, chrome
    # A line of each solution's code (collapsed on screen) must print.
    solutions = [
        code.strip().splitlines()[0]
        for code in page.evaluate("[...document.querySelectorAll('.solution .cell_input pre')].map(p => p.textContent)")
        if code.strip()
    ]
    # In print, code wraps instead of running past the page's edge.
    page.emulate_media(media="print")
    cut = page.evaluate(
        "[...document.querySelectorAll('article pre')].filter(p => p.scrollWidth > p.clientWidth + 1).length"
    )
    assert cut == 0, f"{cut} code blocks wider than the printed page"
    assert page.evaluate(
        "[...document.querySelectorAll('article .cell_output img')].every(i => getComputedStyle(i).breakInside === 'avoid')"
    ), "a figure may be split across two pages"
    data = page.pdf(format="A4", print_background=True)
    page.close()

    reader = PdfReader(io.BytesIO(data))
    pages = len(reader.pages)
    expected = screen_px / PRINT_PAGE_PX
    assert 0.6 * expected <= pages <= 2.0 * expected, f"{pages} pages for {screen_px} px on screen (~{expected:.0f})"
    fonts, embedded = set(), set()
    for p in reader.pages:
        for font in ((p.get("/Resources") or {}).get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts")
            for f in [font] + ([d.get_object() for d in descendants] if descendants else []):
                desc = f.get("/FontDescriptor")
                if desc is not None:
                    desc = desc.get_object()
                    name = str(desc.get("/FontName"))
                    fonts.add(name)
                    if any(k in desc for k in ("/FontFile", "/FontFile2", "/FontFile3")):
                        embedded.add(name)
    assert len(fonts) >= 3, fonts
    assert fonts == embedded, f"fonts not embedded: {fonts - embedded}"
    text = pdf_text(reader)
    leaked = [t for t in chrome if t in text]
    assert not leaked, f"the site's navigation printed: {leaked}"
    assert solutions, "no solution code found on the page"
    missing = [line for line in solutions if " ".join(line.split()) not in text]
    assert not missing, f"solutions not printed: {missing}"
