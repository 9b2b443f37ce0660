"""The site's search languages (book/_ext/course_search.py): accent folding, the light Czech
stemmer, and that the JavaScript the search page runs on a query splits and stems every
word of the lessons exactly as Python did when it built the index."""

import json
import shutil
import subprocess

import pytest
from course_search import SearchCzech, SearchVietnamese, fold, stem_czech

from conftest import LANGS, ROOT

SEARCH = {"vi": SearchVietnamese({}), "cs": SearchCzech({})}

#: Forms a reader may type (another case or number, with or without diacritics), each list
#: one word: all must stem alike.
CZECH_FAMILIES = [
    ["normalizace", "normalizaci", "normalizací", "normalizacemi", "normalizacím", "normalizacích", "Normalizace"],
    ["dávková", "dávkové", "dávkovou", "dávkovým", "dávkovými", "davkova", "DÁVKOVÁ"],
    ["inicializace", "inicializaci", "inicializací", "inicializacemi", "inicializaci"],
    ["váh", "váhy", "váha", "váhu", "vahách", "váhami", "vah"],
    ["aktivační", "aktivačních", "aktivačními", "aktivačním", "aktivacni"],
    ["funkce", "funkcí", "funkcemi", "funkcích", "funkci"],
    ["zpětný", "zpětného", "zpětném", "zpetny"],
    ["průchod", "průchodu", "průchodem", "pruchod"],
    ["gradient", "gradientu", "gradientů", "gradienty", "gradientem"],
    ["síť", "sítě", "sítí", "site", "sit"],
]


def test_folding_drops_diacritics_in_both_languages():
    assert fold("Chuẩn hóa") == fold("chuẩn hoá") == fold("chuan hoa") == "chuan hoa"
    assert fold("Đường cong") == "duong cong"
    assert fold("Dávková normalizace") == "davkova normalizace"
    assert fold("Khởi tạo trọng số") == "khoi tao trong so"
    # a word typed in decomposed form (NFD, as some keyboards send it) folds the same
    assert fold("chu\u0061\u0302\u0309n") == "chuan"


@pytest.mark.parametrize("family", CZECH_FAMILIES, ids=[f[0] for f in CZECH_FAMILIES])
def test_czech_forms_of_one_word_stem_alike(family):
    stems = {stem_czech(word) for word in family}
    assert len(stems) == 1, {word: stem_czech(word) for word in family}


def test_czech_stemmer_keeps_different_words_apart():
    stems = [stem_czech(family[0]) for family in CZECH_FAMILIES]
    assert len(set(stems)) == len(stems), dict(zip([f[0] for f in CZECH_FAMILIES], stems))
    # words of three letters or fewer are only folded
    assert [stem_czech(w) for w in ("BN", "MLP", "váh", "síť")] == ["bn", "mlp", "vah", "sit"]


def test_vietnamese_words_are_folded_not_stemmed():
    assert [SEARCH["vi"].stem(w) for w in SEARCH["vi"].split("Chuẩn hóa theo batch")] == [
        "chuan",
        "hoa",
        "theo",
        "batch",
    ]
    assert SEARCH["vi"].stem("kích hoạt") == "kich hoat"


def lesson_texts(lang):
    """The Markdown of every lesson and book page of ``lang``, paragraph by paragraph."""
    texts = []
    for path in sorted((ROOT / "notebooks" / lang).glob("*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "markdown":
                texts += "".join(cell["source"]).split("\n\n")
    for path in sorted((ROOT / "book" / lang).glob("*.md")):
        texts += path.read_text(encoding="utf-8").split("\n\n")
    return [t for t in texts if t.strip()]


# What the search page runs (language_data.js), with stand-ins for the parts of Sphinx's
# searchtools.js it hooks into; prints [[stems of each text]] for the texts on stdin.
JS_RUNNER = """
var Search = { _parseQuery: (q) => [q, new Set()] };
var Scorer = {};
%s
const texts = JSON.parse(require("fs").readFileSync(0, "utf8"));
const stemmer = new Stemmer();
process.stdout.write(JSON.stringify(texts.map((t) => splitQuery(t.toLowerCase()).map((w) => stemmer.stemWord(w)))));
"""


def run_js(code, texts):
    """Run ``code`` on ``texts`` in node, or else in headless Chromium; skip if neither is here."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node:
        done = subprocess.run([node, "-e", code], input=json.dumps(texts), capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return json.loads(done.stdout)
    from test_browser import CHROMIUM

    if CHROMIUM is None:
        pytest.skip("neither node nor chromium is installed")
    from playwright.sync_api import sync_playwright

    body = code.replace('JSON.parse(require("fs").readFileSync(0, "utf8"))', "window.__texts").replace(
        "process.stdout.write(", "window.__out = ("
    )
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page()
        page.evaluate("(texts) => { window.__texts = texts; }", texts)
        page.add_script_tag(content=body)
        out = page.evaluate("() => window.__out")
        browser.close()
    return json.loads(out)


@pytest.mark.parametrize("lang", LANGS)
def test_javascript_splits_and_stems_every_lesson_word_as_python(lang):
    texts = lesson_texts(lang) + [" ".join(family) for family in CZECH_FAMILIES]
    texts.append("chu\u0061\u0302\u0309n ho\u0301a")  # a query in decomposed form
    search = SEARCH[lang]
    expected = [[search.stem(w).lower() for w in search.split(t)] for t in texts]
    got = run_js(JS_RUNNER % type(search).js_stemmer_code, texts)
    words = sum(len(e) for e in expected)
    assert words > 5000, f"only {words} words in the {lang} lessons"
    differ = [(t[:80], e, g) for t, e, g in zip(texts, expected, got) if e != g]
    assert not differ, f"{len(differ)} of {len(texts)} texts split or stem differently, e.g. {differ[:3]}"
