"""The site's search page in headless Chromium: queries typed with or without diacritics, and
Czech words in another case or number than the lesson uses, find the lesson whose title
matches, first (book/_ext/course_search.py)."""

import unicodedata
from urllib.parse import urlsplit

import pytest
from test_browser import CHROMIUM, HTML, browser, server  # noqa: F401 (fixtures)

from conftest import LANGS

pytestmark = [
    pytest.mark.skipif(not (HTML / "index.html").exists(), reason="run `make book` first"),
    pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed (make browser-test installs it)"),
]

# query -> the lesson (notebook name) that must come first
QUERIES = {
    "cs": {
        "davkova normalizace": "batchnorm-basics",  # typed without diacritics
        "dávková normalizace": "batchnorm-basics",
        "normalizaci": "batchnorm-basics",  # the title says "normalizace"
        "normalizací": "batchnorm-basics",
        "dropout": "dropout-basics",
        "inicializace vah": "initialization-basics",
        "inicializaci váh": "initialization-basics",
        "aktivacni funkce": "activations-basics",
        "aktivačními funkcemi": "activations-basics",  # instrumental plural
        "zpetny pruchod": "bn-backward",  # "zpětný průchod ručně"
        "mizejici gradient": "act-vanishing",  # "mizející a explodující gradient"
    },
    "vi": {
        "chuan hoa": "batchnorm-basics",
        "chuẩn hóa": "batchnorm-basics",
        "chuẩn hoá": "batchnorm-basics",  # the other tone placement
        unicodedata.normalize("NFD", "chuẩn hóa"): "batchnorm-basics",  # as some keyboards send it
        "dropout": "dropout-basics",
        "khoi tao trong so": "initialization-basics",
        "khởi tạo trọng số": "initialization-basics",
        "ham kich hoat": "activations-basics",
        "lan truyen nguoc": "bn-backward",  # "lan truyền ngược bằng tay"
        "tieu bien gradient": "act-vanishing",  # "tiêu biến và bùng nổ gradient"
    },
}


# Run before the page's scripts: mark when Sphinx's searchtools.js finishes a search.
SEARCH_DONE = """
document.addEventListener("DOMContentLoaded", () => {
  if (typeof Search === "undefined") return;
  const stopPulse = Search.stopPulse;
  Search.stopPulse = () => { window.courseSearchDone = true; return stopPulse(); };
});
"""


def search(page, query):
    """Type ``query`` into the box of the search page ``page`` shows; the result links in their order."""
    box = page.locator(".bd-search-container input[name=q]")
    box.fill(query)
    with page.expect_navigation(url="**/search.html?q=*"):
        box.press("Enter")
    # The search is over when Sphinx stops its "Searching..." pulse, after listing the last
    # result (SEARCH_DONE marks it).
    page.wait_for_function("() => window.courseSearchDone === true", timeout=15000)
    results = page.locator("#search-results ul.search > li > a").evaluate_all(
        "links => links.map(a => [a.getAttribute('href'), a.textContent])"
    )
    # the heading and the count, in the page's language (Vietnamese had neither)
    heading, status = (page.locator(f"#search-results {tag}").inner_text() for tag in ("h2", ".search-summary"))
    assert heading.strip() and str(len(results)) in status, f"{query!r}: heading {heading!r}, status {status!r}"
    return results


@pytest.mark.parametrize("lang", LANGS)
def test_search_finds_the_lesson_whose_title_matches_first(browser, server, lang):  # noqa: F811
    # Errors and requests are watched with listeners: routing every request through Python (as
    # test_browser's Watched does) triples this test's time, each result fetches its page.
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors, offsite = [], []
    page.on("pageerror", lambda e: errors.append(f"uncaught: {e}"))
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("response", lambda r: errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
    host = urlsplit(server).netloc
    page.on("request", lambda r: offsite.append(r.url) if urlsplit(r.url).netloc not in ("", host) else None)
    page.add_init_script(SEARCH_DONE)
    page.goto(f"{server}/{lang}/search.html", wait_until="load")
    # what the reader types starts after the box's magnifying glass, not under it
    icon_right, text_left = page.locator(".bd-search-container form.bd-search").evaluate(
        """f => { const i = f.querySelector('input'), s = getComputedStyle(i);
                  return [f.querySelector('.fa-magnifying-glass').getBoundingClientRect().right,
                          i.getBoundingClientRect().left + parseFloat(s.paddingLeft)]; }"""
    )
    assert icon_right <= text_left, f"the search icon (right edge {icon_right}px) covers the text (from {text_left}px)"
    wrong = []
    for query, lesson in QUERIES[lang].items():
        results = search(page, query)
        target = f"notebooks/{lang}/{lesson}.html"
        if not results or not results[0][0].startswith(target):
            wrong.append(f"{query!r}: expected {lesson} first, got {[t for _, t in results[:3]]}")
    assert not wrong, f"{len(wrong)} of {len(QUERIES[lang])} queries:\n" + "\n".join(wrong)
    assert not errors, errors
    assert not offsite, f"requests off the machine: {offsite}"
    page.close()
