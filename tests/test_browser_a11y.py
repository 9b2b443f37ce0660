"""Accessibility and dark mode of the built site in headless Chromium (issue 15).

- **axe-core** (the copy bundled in the pinned ``axe-playwright-python`` wheel) on every page type
  (home, lesson, glossary, search results) in both languages, in the light and the dark theme
  (the theme follows the reader's ``prefers-color-scheme``): no serious or critical violation.
  Every run's findings, of any impact, are written to ``_build/a11y/axe-<lang>-<theme>.json``.
- **keyboard**: the language switch and the Colab and download buttons are reached with Tab,
  open with Enter, and have accessible names in the page's language (read from the site's .po).
- **dark mode**: the text of a lesson (prose, math, code, tables, exercise and admonition blocks,
  the glossary) reads at a contrast of at least 4.5:1 in both themes, and a figure is opaque or
  backed by white; screenshots of both themes go to ``_build/screenshots/`` (look at them).
"""

import json
import re

import pytest
from babel.messages.pofile import read_po
from test_browser import Watched, browser, pytestmark, server  # noqa: F401 (fixtures, skip marks)

from conftest import LANGS, ROOT

THEMES = ("light", "dark")
LESSON = "activations-basics"  # a figure, math, a table, exercises and admonitions on one page
PAGES = {
    "home": "book/{lang}/index.html",
    "lesson": f"notebooks/{{lang}}/{LESSON}.html",
    "glossary": "book/{lang}/glossary.html",
    "search": "search.html?q={query}",
}
SEARCH_QUERY = {"vi": "chuẩn hóa", "cs": "normalizace"}
BLOCKING = ("serious", "critical")
SCREENSHOTS = ROOT / "_build" / "screenshots"
REPORTS = ROOT / "_build" / "a11y"
MIN_CONTRAST = 4.5

# WCAG 2 contrast of an element's text against the first opaque background behind it.
CONTRAST_JS = """
el => {
  const rgba = s => { const m = s.match(/[\\d.]+/g).map(Number); return m.length === 3 ? [...m, 1] : m; };
  const lum = ([r, g, b]) => {
    const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  let fg = rgba(getComputedStyle(el).color), node = el, layers = [];
  while (node && node.nodeType === 1) {
    const bg = rgba(getComputedStyle(node).backgroundColor);
    if (bg[3] > 0) layers.push(bg);
    if (bg[3] >= 1) break;
    node = node.parentElement;
  }
  let bg = [255, 255, 255, 1];  // the canvas behind everything
  for (const layer of layers.reverse()) {
    const a = layer[3];
    bg = [0, 1, 2].map(i => layer[i] * a + bg[i] * (1 - a)).concat(1);
  }
  fg = [0, 1, 2].map(i => fg[i] * fg[3] + bg[i] * (1 - fg[3]));
  const [hi, lo] = [lum(fg), lum(bg)].sort((a, b) => b - a);
  return {ratio: (hi + 0.05) / (lo + 0.05), fg: fg.map(Math.round), bg: bg.slice(0, 3).map(Math.round)};
}
"""
# The share of an image's pixels that are opaque (alpha >= 250), drawn onto a canvas.
OPAQUE_JS = """
async img => {
  await img.decode();
  const c = document.createElement("canvas");
  c.width = img.naturalWidth; c.height = img.naturalHeight;
  const g = c.getContext("2d");
  g.drawImage(img, 0, 0);
  const d = g.getImageData(0, 0, c.width, c.height).data;
  let opaque = 0;
  for (let i = 3; i < d.length; i += 4) if (d[i] >= 250) opaque++;
  return opaque / (d.length / 4);
}
"""


def catalog(lang: str, name: str) -> dict[str, str]:
    """msgid -> msgstr of the site's ``locales/<lang>/LC_MESSAGES/<name>.po``."""
    with open(ROOT / "locales" / lang / "LC_MESSAGES" / f"{name}.po", "rb") as f:
        return {m.id: m.string for m in read_po(f) if m.id and m.string}


def open_page(browser, server, theme: str, path: str) -> Watched:  # noqa: F811
    context = browser.new_context(color_scheme=theme, viewport={"width": 1280, "height": 900})
    w = Watched(_ContextBrowser(context), server)
    w.page.goto(f"{server}/{path}", wait_until="load")
    w.page.evaluate("() => window.MathJax && MathJax.startup && MathJax.startup.promise")
    w.page.wait_for_load_state("networkidle")
    assert w.page.evaluate("document.documentElement.dataset.theme") == theme
    return w


class _ContextBrowser:
    """``Watched`` opens its page with ``browser.new_page``: hand it a context (for the colour scheme)."""

    def __init__(self, context):
        self.context = context

    def new_page(self, **_):
        return self.context.new_page()


def blocking(violations: list[dict]) -> list[str]:
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
        if v["impact"] in BLOCKING
    ]


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("lang", LANGS)
def test_every_page_type_passes_axe_and_reads_in_the_theme(browser, server, lang, theme):  # noqa: F811
    """axe on home, lesson, glossary and search results; on the lesson (and home, glossary) the
    contrast of what must read, a figure's backing, and the screenshots."""
    from axe_playwright_python.sync_playwright import Axe

    axe, found, report, low = Axe(), {}, {}, []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for kind, path in PAGES.items():
        w = open_page(browser, server, theme, f"{lang}/" + path.format(lang=lang, query=SEARCH_QUERY[lang]))
        page = w.page
        if kind == "search":  # results arrive one by one: audit the page with them
            page.locator("#search-results li").first.wait_for(timeout=15000)
            page.wait_for_timeout(500)
        if kind == "lesson":
            low += [f"{kind} {problem}" for problem in lesson_reads(page, lang, theme)]
        elif kind != "search":
            low += [f"{kind} {problem}" for problem in contrast_problems(page, {"text": "article p, article dd"})]
            page.screenshot(path=str(SCREENSHOTS / f"{kind}-{lang}-{theme}.png"))
        if kind == "lesson":  # the download menu open, so that its items are audited too
            page.locator(".dropdown-download-buttons button.dropdown-toggle").click()
            page.locator(".dropdown-download-buttons .dropdown-menu.show").wait_for()
        assert page.locator("html").get_attribute("lang") == lang
        # Checked before axe runs: its CSS preload resolves the theme's `@import "../basic.css"`
        # against the page instead of the stylesheet and asks for a file that does not exist.
        assert not w.errors, w.errors
        assert not w.offsite, w.offsite
        violations = axe.run(page).response["violations"]
        report[kind] = [{"id": v["id"], "impact": v["impact"], "nodes": len(v["nodes"])} for v in violations]
        found[kind] = blocking(violations)
        page.context.close()
    REPORTS.mkdir(parents=True, exist_ok=True)
    (REPORTS / f"axe-{lang}-{theme}.json").write_text(json.dumps(report, indent=1), encoding="utf-8")
    assert not any(found.values()), json.dumps(found, indent=1, ensure_ascii=False)
    assert not low, f"{lang} {theme}: text below {MIN_CONTRAST}:1 contrast: {low}"


def focus_by_tab(page, selector: str, limit: int = 15) -> None:
    """From the first control of the article header (the contents toggle), press Tab until
    ``selector`` has the focus (fails after ``limit`` presses)."""
    page.locator(".bd-header-article button.primary-toggle").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} not reached with {limit} presses of Tab")


@pytest.mark.parametrize("lang", LANGS)
def test_language_switch_and_lesson_buttons_work_from_the_keyboard(browser, server, lang):  # noqa: F811
    sphinx, booktheme = catalog(lang, "sphinx"), catalog(lang, "booktheme")
    other = next(code for code in LANGS if code != lang)
    w = open_page(browser, server, "light", f"{lang}/notebooks/{lang}/{LESSON}.html")
    page = w.page

    # Accessible names in the page's language (Playwright computes them as assistive technology does)
    switch_name = re.compile(re.escape(sphinx["Read this page in the other language"]))
    assert page.get_by_role("link", name=switch_name).count() == 1
    launch = page.get_by_role("button", name=booktheme["Launch interactive content"], exact=True)
    download = page.get_by_role("button", name=booktheme["Download this page"], exact=True)
    assert launch.count() == 1 and download.count() == 1
    for english in ("Launch interactive content", "Download this page", "Toggle primary sidebar"):
        assert page.get_by_role("button", name=english, exact=True).count() == 0, english

    # Colab: Tab to the launch menu, Enter opens it, the arrow key reaches the Colab link
    focus_by_tab(page, ".dropdown-launch-buttons button.dropdown-toggle")
    page.keyboard.press("Enter")
    assert launch.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    colab = page.locator(".dropdown-launch-buttons .dropdown-menu a").first
    assert colab.evaluate("e => e === document.activeElement")
    assert colab.get_attribute("href").endswith(f"/notebooks/{lang}/{LESSON}.ipynb")
    tooltip = colab.get_attribute("title") or colab.get_attribute("data-bs-original-title")
    assert tooltip == f"{booktheme['Launch on']} Colab"
    page.keyboard.press("Escape")
    assert launch.get_attribute("aria-expanded") == "false"

    # Download: Tab to the menu, Enter opens it, ArrowDown + Enter opens the .ipynb
    focus_by_tab(page, ".dropdown-download-buttons button.dropdown-toggle")
    page.keyboard.press("Enter")
    assert download.get_attribute("aria-expanded") == "true"
    page.keyboard.press("ArrowDown")
    ipynb = lambda request: request.url.endswith(".ipynb")  # noqa: E731
    with page.context.expect_event("request", predicate=ipynb) as fetched:  # a new tab, or a download
        page.keyboard.press("Enter")
    assert fetched.value.url.endswith(f"/_sources/notebooks/{lang}/{LESSON}.ipynb")

    # The language switch: Tab to it, Enter goes to the same lesson in the other language
    focus_by_tab(page, "a.course-lang-switch")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", ""), "the focused language switch shows no focus ring"
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/{other}/notebooks/{other}/{LESSON}.html")
    assert page.locator("html").get_attribute("lang") == other
    assert not w.errors, w.errors
    assert not w.offsite, w.offsite
    page.context.close()


#: What must read in both themes on the lesson page, and where to find it.
READABLE = {
    "prose": "article p",
    "heading": "article h2",
    "math": "article div.math, article span.math",
    "code": "article .cell_input pre",
    "output": "article .cell_output pre",
    "table": "article table td",
    "exercise": "article div.exercise p",
    "admonition": "article div.admonition p",
    "link": "article a.reference.internal",
    "language switch": "a.course-lang-switch",
}


def contrast_problems(page, selectors: dict[str, str]) -> list[str]:
    """``"what: ratio (fg on bg)"`` for each of ``selectors``' first element that reads below the minimum."""
    low = []
    for what, selector in selectors.items():
        element = page.locator(selector).first
        assert element.count() == 1, f"no {what} ({selector}) on {page.url}"
        c = element.evaluate(CONTRAST_JS)
        if c["ratio"] < MIN_CONTRAST:
            low.append(f"{what}: {c['ratio']:.2f} ({c['fg']} on {c['bg']})")
    return low


def lesson_reads(page, lang: str, theme: str) -> list[str]:
    """The lesson's contrast problems; asserts a figure is opaque or white-backed (white in the dark
    theme), and takes the screenshots: the first figure, the first admonition, the first exercise."""
    low = contrast_problems(page, READABLE)
    figure = page.locator("article .cell_output img").first
    opaque = figure.evaluate(OPAQUE_JS)
    backing = figure.evaluate("e => getComputedStyle(e).backgroundColor")
    assert opaque >= 0.99 or backing == "rgb(255, 255, 255)", (
        f"{theme}: a figure {opaque:.0%} opaque on {backing} (black text on a dark page would vanish)"
    )
    if theme == "dark":
        assert backing == "rgb(255, 255, 255)", f"dark: figures are backed by {backing}, not white"
    figure.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"lesson-{lang}-{theme}.png"))
    page.locator("article div.admonition").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"lesson-{lang}-{theme}-blocks.png"))
    page.locator("article div.exercise").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENSHOTS / f"lesson-{lang}-{theme}-exercise.png"))
    return low
