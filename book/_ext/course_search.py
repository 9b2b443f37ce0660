"""Sphinx extension of the course site: search that forgives missing diacritics and Czech endings.

Sphinx has no search language for Czech or Vietnamese and falls back to English (Porter
stemmer, no accent folding): "normalizaci" and "normalizací" were two unrelated words, and
"chuan hoa" found nothing. This registers a search language of our own for each
(``app.add_search_language``); each stems a word once in Python when the index is built and
once in JavaScript when the reader types a query, with the same algorithm:

- **accent folding** (both languages): lower case, Unicode NFKD, combining marks dropped,
  Vietnamese ``đ`` -> ``d``; so "chuẩn hóa", "chuẩn hoá" (the other tone placement) and
  "chuan hoa" are one query, and so are "dávková" and "davkova";
- **a light Czech stemmer** (cs) on the folded word: the light stemmer of Dolamic & Savoy
  (L. Dolamic and J. Savoy, "Indexing and stemming approaches for the Czech language",
  *Information Processing & Management* 45(6):714-720, 2009), as Apache Lucene implements it
  (``org.apache.lucene.analysis.cz.CzechStemmer``: case endings, then possessive endings, then
  normalization of the stem's last letters), with its endings folded as the word is; its
  ``ů`` -> ``o`` rule is left out, since after folding ``ů`` and ``u`` are one letter. So
  normalizace, normalizaci, normalizací and normalizacemi all index as ``normalizak``.

Ranking: Sphinx scores a title match above a body match, but many lessons share words of
their titles ("Dropout: 30 sekund a 3 minuty", "Dropout do hloubky (1): ..."), and a glossary
index entry outscores both. ``Scorer.score`` (in the same JavaScript) orders results by how
many query words the title holds, then puts a page before a section of another page, then
prefers the title whose head (before its colon) the query covers best: the lesson whose
title matches comes first. ``tests/test_search_stemmer.py`` checks Python = JavaScript on
every word of the lessons; ``tests/test_browser_search.py`` types queries into the built site.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from sphinx import locale
from sphinx.application import Sphinx
from sphinx.search import SearchLanguage


# ------------------------------------------------------------------------ Python side
def fold(word: str) -> str:
    """Lower case without diacritics: ``"Chuẩn"`` -> ``"chuan"``, ``"Đường"`` -> ``"duong"``."""
    decomposed = unicodedata.normalize("NFKD", word.lower())
    return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M")).replace("đ", "d")


# The endings of Lucene's CzechStemmer.removeCase, folded (ích and ich are one ending), by length.
_CASE_ENDINGS = (
    (7, 5, ("atech",)),
    (6, 4, ("etem", "atum")),
    (5, 3, tuple("ech ich eho emi emu ete eti iho imi imu ach ata aty ych ama ami ove ovi ymi".split())),
    (4, 2, tuple("em es im um at am os us ym mi ou".split())),
)


def stem_czech(word: str) -> str:
    """The light Czech stemmer of Dolamic & Savoy on a folded word (see the module docstring)."""
    w = fold(word)
    # remove a case ending
    for longer_than, cut, endings in _CASE_ENDINGS:
        if len(w) > longer_than and w.endswith(endings):
            w = w[:-cut]
            break
    else:
        if len(w) > 3 and w[-1] in "aeiouy":
            w = w[:-1]
    # remove a possessive ending
    if len(w) > 5 and w.endswith(("ov", "in", "uv")):
        w = w[:-2]
    # normalize the stem's end
    if not w:
        return w
    if w.endswith("ct"):
        return w[:-2] + "ck"
    if w.endswith("st"):
        return w[:-2] + "sk"
    if w[-1] == "c":
        return w[:-1] + "k"
    if w[-1] == "z":
        return w[:-1] + "h"
    if len(w) > 1 and w[-2] == "e":
        return w[:-2] + w[-1]
    return w


_WORD = re.compile(r"\w+")


class _FoldingSearch(SearchLanguage):
    """A search language that folds accents; the JavaScript is the same algorithm as ``stem``."""

    stopwords: set[str] = set()

    def split(self, input: str) -> list[str]:  # noqa: A002 (Sphinx's signature)
        return _WORD.findall(unicodedata.normalize("NFC", input))

    def stem(self, word: str) -> str:
        return fold(word)


class SearchVietnamese(_FoldingSearch):
    lang = "vi"
    language_name = "Vietnamese"


class SearchCzech(_FoldingSearch):
    lang = "cs"
    language_name = "Czech"

    def stem(self, word: str) -> str:
        return stem_czech(word)


# -------------------------------------------------------------------- JavaScript side
# Inserted into _static/language_data.js, which the search page loads after searchtools.js:
# ``Stemmer`` and ``splitQuery`` replace Sphinx's, ``Scorer.score`` is Sphinx's hook for
# re-scoring a result ([docname, title, anchor, descr, score, filename]).
JS_FOLD = r"""
const courseFold = (word) =>
  word.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "").replace(/đ/g, "d");
"""

JS_STEM_CZECH = r"""
const COURSE_CASE_ENDINGS = [
  [7, 5, ["atech"]],
  [6, 4, ["etem", "atum"]],
  [5, 3, ["ech", "ich", "eho", "emi", "emu", "ete", "eti", "iho", "imi", "imu", "ach", "ata", "aty", "ych",
          "ama", "ami", "ove", "ovi", "ymi"]],
  [4, 2, ["em", "es", "im", "um", "at", "am", "os", "us", "ym", "mi", "ou"]],
];
const courseStem = (word) => {
  let w = courseFold(word);
  let cased = false;
  for (const [longerThan, cut, endings] of COURSE_CASE_ENDINGS) {
    if (w.length > longerThan && endings.some((e) => w.endsWith(e))) {
      w = w.slice(0, -cut);
      cased = true;
      break;
    }
  }
  if (!cased && w.length > 3 && "aeiouy".includes(w[w.length - 1])) w = w.slice(0, -1);
  if (w.length > 5 && ["ov", "in", "uv"].some((e) => w.endsWith(e))) w = w.slice(0, -2);
  if (!w) return w;
  if (w.endsWith("ct")) return w.slice(0, -2) + "ck";
  if (w.endsWith("st")) return w.slice(0, -2) + "sk";
  if (w[w.length - 1] === "c") return w.slice(0, -1) + "k";
  if (w[w.length - 1] === "z") return w.slice(0, -1) + "h";
  if (w.length > 1 && w[w.length - 2] === "e") return w.slice(0, -2) + w[w.length - 1];
  return w;
};
"""

JS_STEM_FOLD_ONLY = """
const courseStem = courseFold;
"""

JS_SEARCH = r"""
var Stemmer = function () {
  this.stemWord = (word) => courseStem(word);
};

/* Sphinx's own splitter, on the query composed (NFC): a query typed in decomposed form
   (as some keyboards send Vietnamese) would otherwise split at every combining mark. */
var splitQuery = (query) =>
  query.normalize("NFC").split(/[^\p{Letter}\p{Number}_\p{Emoji_Presentation}]+/gu).filter((t) => t);

const CourseSearch = {
  terms: new Set(),
  stems: (text) =>
    new Set(
      splitQuery(text.replace(/&[#\w]+;/g, " ").toLowerCase())
        .filter((w) => !/^\d+$/.test(w))
        .map(courseStem)
    ),
  /* [query words in the title, share of the title's head (before ':') they cover, share of the title] */
  match: (title) => {
    const words = CourseSearch.stems(title);
    const head = CourseSearch.stems(title.split(":")[0]);
    const inTitle = [...CourseSearch.terms].filter((t) => words.has(t)).length;
    const inHead = [...CourseSearch.terms].filter((t) => head.has(t)).length;
    return [inTitle, head.size ? inHead / head.size : 0, words.size ? inTitle / words.size : 0];
  },
};

/* Remember the stemmed query words of the search being run (Scorer.score sees one result). */
const courseParseQuery = Search._parseQuery;
Search._parseQuery = (query) => {
  const parsed = courseParseQuery(query);
  CourseSearch.terms = new Set(parsed[1]);
  return parsed;
};

/* The snippet under a result: the text of the article (not the header's buttons, the print-only
   contents or the title, which the result's link already shows), spaces collapsed, from the
   first place the (folded) text holds a query word's stem, or the stem less its last letter
   (Czech stems end in k/h where the text has c/z); Sphinx looks for the stems in the page's
   text as it is, so it found none and showed the header's button labels. */
Search.makeSearchSummary = (htmlText, keywords, anchor) => {
  const doc = new DOMParser().parseFromString(htmlText, "text/html");
  doc.querySelectorAll(".headerlink, script, style, article h1").forEach((e) => e.remove());
  const root = doc.querySelector("article") || doc.querySelector('[role="main"]');
  const main = (anchor && doc.getElementById(anchor.slice(1))) || root;
  const text = main ? main.textContent.replace(/\s+/g, " ").trim() : "";
  if (text === "") return null;
  let folded = "";
  const at = [];
  for (let i = 0; i < text.length; i++) {
    const f = courseFold(text[i]);
    folded += f;
    for (let j = 0; j < f.length; j++) at.push(i);
  }
  const hits = [...keywords]
    .flatMap((k) => [k, k.length > 4 ? k.slice(0, -1) : k])
    .map((k) => folded.search(new RegExp("(^|[^\\p{L}\\p{N}])" + _escapeRegExp(k), "u")))
    .filter((i) => i > -1);
  let start = hits.length ? Math.max(at[Math.min(...hits)] - 120, 0) : 0;
  if (start > 0) start = text.indexOf(" ", start) + 1; // at a word's start
  const summary = document.createElement("p");
  summary.classList.add("context");
  summary.textContent =
    (start ? "..." : "") + text.substr(start, 240).trim() + (start + 240 < text.length ? "..." : "");
  return summary;
};

/* Title first: more query words in the title, then a page before a section of a page, then
   the title whose head the query covers best, then the whole title, then Sphinx's score. */
Scorer.score = (result) => {
  const [, title, anchor, , score] = result;
  const own = anchor ? title.split(" > ").pop() : title;
  const [inTitle, headShare, titleShare] = CourseSearch.match(own);
  if (!inTitle) return Math.min(score, 99);
  return inTitle * 10000 + (anchor ? 0 : 5000) + Math.round(headShare * 1000) + Math.round(titleShare * 100)
    + Math.min(score, 99);
};
"""


def js_stemmer_code(lang: str) -> str:
    """The JavaScript that language_data.js gets for ``lang`` (also what the tests run in node)."""
    return JS_FOLD + (JS_STEM_CZECH if lang == "cs" else JS_STEM_FOLD_ONLY)


SearchVietnamese.js_stemmer_code = js_stemmer_code("vi") + JS_SEARCH
SearchCzech.js_stemmer_code = js_stemmer_code("cs") + JS_SEARCH


# --------------------------------------------------------- the search page's messages
def translate_search_messages(app: Sphinx, exception) -> None:
    """Sphinx's JavaScript messages ("Search Results", "Search finished, found ... page(s)")
    come from its own ``translations.js``, where Vietnamese has none of them (the search page
    showed no heading and no count) and Czech lacks the count: fill them in from our
    ``sphinx`` catalog in ``locales/`` (which the HTML templates already read)."""
    path = Path(app.outdir) / "_static" / "translations.js"
    if exception is not None or app.builder.format != "html" or not path.exists():
        return
    text = path.read_text(encoding="utf-8")
    match = re.fullmatch(r"(?s)(Documentation\.addTranslations\()(\{.*\})(\);?\s*)", text)
    translator = locale.translators.get(("general", "sphinx"))
    if match is None or translator is None:
        return
    catalog = json.loads(match.group(2))
    for msgid, msgstr in catalog["messages"].items():
        ours = translator.gettext(msgid)
        if isinstance(msgstr, str) and ours != msgid and ours:
            catalog["messages"][msgid] = ours
    path.write_text(match.group(1) + json.dumps(catalog, indent=4) + match.group(3), encoding="utf-8")


def setup(app: Sphinx):
    app.add_search_language(SearchVietnamese)
    app.add_search_language(SearchCzech)
    app.add_css_file("course-search.css")  # in book/_static: the search box's icon
    app.connect("build-finished", translate_search_messages)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
