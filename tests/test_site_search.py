"""The built search index (run after `make book`): each language was indexed by its own search
language of book/_ext/course_search.py (folded, and for Czech stemmed), not by Sphinx's English
fallback, so the words of every lesson title lead to that lesson."""

import html
import json

import pytest
from course_search import SearchCzech, SearchVietnamese, fold

from conftest import LANGS, ROOT

HTML = ROOT / "_build" / "html"
SEARCH = {"vi": SearchVietnamese({}), "cs": SearchCzech({})}
pytestmark = pytest.mark.skipif(not (HTML / "index.html").exists(), reason="run `make book` first")


def search_index(lang):
    text = (HTML / lang / "searchindex.js").read_text(encoding="utf-8")
    assert text.startswith("Search.setIndex(") and text.endswith(")")
    return json.loads(text[len("Search.setIndex(") : -1])


@pytest.mark.parametrize("lang", LANGS)
def test_every_lesson_title_word_leads_to_its_lesson_in_the_index(lang):
    index, search = search_index(lang), SEARCH[lang]
    lessons = [i for i, doc in enumerate(index["docnames"]) if doc.startswith(f"notebooks/{lang}/")]
    assert len(lessons) >= 10
    missing = []
    for i in lessons:
        for word in search.split(html.unescape(index["titles"][i])):
            docs = index["titleterms"].get(search.stem(word), [])
            if i not in (docs if isinstance(docs, list) else [docs]):
                missing.append(f"{index['docnames'][i]}: {word!r} ({search.stem(word)!r})")
    assert not missing, "title words the index does not lead to their lesson:\n" + "\n".join(missing[:20])


def test_the_czech_index_is_folded_and_stemmed_not_english():
    terms = search_index("cs")["titleterms"]
    assert "normalizak" in terms and "davk" in terms  # normalizace, dávková
    assert "normalizac" not in terms and "dávková" not in terms  # the English fallback's stems


@pytest.mark.parametrize("lang", LANGS)
def test_no_indexed_word_keeps_its_diacritics(lang):
    index = search_index(lang)
    kept = [t for terms in (index["terms"], index["titleterms"]) for t in terms if fold(t) != t]
    assert not kept, f"{len(kept)} words indexed with diacritics, e.g. {kept[:10]}"
