"""What search engines read on the built site (book/_ext/course_seo.py), all from the one base
URL of _config.yml: a canonical URL and a description in the page's language on every page,
and a sitemap.xml of both languages with hreflang alternates that agree with the pages' own."""

import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from urllib.parse import urljoin

import pytest
import yaml

from conftest import LANGS, ROOT

HTML = ROOT / "_build" / "html"
CONFIG = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
BASE = CONFIG["html"]["baseurl"]
SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
XHTML_NS = "{http://www.w3.org/1999/xhtml}"
#: Letters one of the two languages writes and the other never does.
OWN_LETTERS = {
    "vi": set("ăâđêôơưàãèẽìĩòõùũỳỹạảấầẩẫậắằẳẵặẹẻếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỵỷ"),
    "cs": set("ěščřžůťďň"),
}
pytestmark = pytest.mark.skipif(not (HTML / "index.html").exists(), reason="run `make book` first")


class Head(HTMLParser):
    """The <link rel=canonical>, <link rel=alternate hreflang>, <meta name=...> of a page, and its text."""

    def __init__(self):
        super().__init__()
        self.canonical, self.alternates, self.meta, self.text, self._skip = [], {}, {}, [], 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and a.get("rel") == "canonical":
            self.canonical.append(a["href"])
        if tag == "link" and a.get("rel") == "alternate" and a.get("hreflang"):
            self.alternates[a["hreflang"]] = a["href"]
        if tag == "meta" and a.get("name"):
            self.meta.setdefault(a["name"], []).append(a.get("content", ""))
        self._skip += tag in ("script", "style", "head")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style", "head")

    def handle_data(self, data):
        if not self._skip:
            self.text.append(data)


def head(page):
    h = Head()
    h.feed(page.read_text(encoding="utf-8"))
    h.text = re.sub(r"\s+", " ", html.unescape(" ".join(h.text)))
    return h


def content_pages(lang):
    """The pages made from the book's sources (what the sitemap must list)."""
    return sorted(
        p for p in (HTML / lang).rglob("*.html") if p.relative_to(HTML / lang).parts[0] in ("book", "notebooks")
    )


def built_pages(lang):
    """Every page a reader can land on: the content pages, the search page and the index."""
    return content_pages(lang) + [HTML / lang / "search.html", HTML / lang / "genindex.html"]


def url_of(page):
    return BASE + page.relative_to(HTML).as_posix()


def test_the_base_url_is_one_https_url():
    assert re.fullmatch(r"https://[^/\s]+/([^\s]*/)?", BASE), f"html.baseurl in _config.yml: {BASE!r}"


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_names_its_canonical_url(lang):
    wrong = [
        f"{page.relative_to(HTML)}: {h.canonical}"
        for page in built_pages(lang)
        if (h := head(page)).canonical != [url_of(page)]
    ]
    assert len(content_pages(lang)) >= 10
    assert not wrong, "pages without their one canonical URL:\n" + "\n".join(wrong[:20])


@pytest.mark.parametrize("lang", LANGS)
def test_every_page_has_a_description_in_its_language_from_its_own_words(lang):
    other = next(code for code in LANGS if code != lang)
    home = head(HTML / lang / "book" / lang / "index.html").meta.get("description")
    wrong, seen = [], {}
    for page in built_pages(lang):
        h = head(page)
        name = page.relative_to(HTML).as_posix()
        found = h.meta.get("description", [])
        if len(found) != 1:
            wrong.append(f"{name}: {len(found)} descriptions")
            continue
        text = found[0]
        letters = set(text.lower())
        if not 50 <= len(text) <= 160:
            wrong.append(f"{name}: {len(text)} characters: {text!r}")
        if not letters & OWN_LETTERS[lang] or letters & OWN_LETTERS[other]:
            wrong.append(f"{name}: not in {lang}: {text!r}")
        if page.name in ("search.html", "genindex.html"):
            if found != home:
                wrong.append(f"{name}: not the home page's description")
            if h.meta.get("robots") != ["noindex"]:
                wrong.append(f"{name}: a generated page without noindex")
        elif not any(" ".join(run) in h.text for run in zip(*(text.split()[i:] for i in range(5)))):
            wrong.append(f"{name}: no five words in a row of it are on the page: {text!r}")
        elif text in seen:
            wrong.append(f"{name}: the same description as {seen[text]}")
        seen.setdefault(text, name)
    assert not wrong, "\n".join(wrong[:20])


def read_sitemap():
    root = ET.parse(HTML / "sitemap.xml").getroot()
    return {
        url.findtext(f"{SITEMAP_NS}loc"): {
            link.get("hreflang"): link.get("href")
            for link in url.findall(f"{XHTML_NS}link")
            if link.get("rel") == "alternate"
        }
        for url in root.findall(f"{SITEMAP_NS}url")
    }


def test_the_sitemap_lists_every_page_of_both_languages_with_the_pages_hreflang_alternates():
    sitemap = read_sitemap()
    pages = [page for lang in LANGS for page in content_pages(lang)]
    assert set(sitemap) == {url_of(page) for page in pages}, (
        f"sitemap.xml and the built pages differ: {sorted(set(sitemap) ^ {url_of(page) for page in pages})[:10]}"
    )
    wrong = []
    for page in pages:
        alternates = sitemap[url_of(page)]
        # the page's own hreflang tags, resolved against its URL, are the sitemap's alternates
        tags = {code: urljoin(url_of(page), href) for code, href in head(page).alternates.items()}
        if alternates != tags or set(alternates) != {*LANGS, "x-default"}:
            wrong.append(f"{url_of(page)}: sitemap {alternates} vs page {tags}")
        for href in alternates.values():
            if not href.startswith(BASE) or not (HTML / href[len(BASE) :]).is_file():
                wrong.append(f"{url_of(page)}: alternate {href} is not a page of the site")
    assert not wrong, "\n".join(wrong[:20])


@pytest.mark.parametrize("lang", LANGS)
def test_each_language_has_its_own_sitemap_too(lang):
    ET.parse(HTML / lang / "sitemap.xml")  # well-formed
    assert set(ET.parse(HTML / lang / "sitemap.xml").getroot().itertext()) >= {url_of(p) for p in content_pages(lang)}
