"""The glossary (book/terms.md): every term in both languages, no lesson, book page or UI
string uses a "never" rendering, in any spelling a reader would still read as that rendering,
and every lesson gives a term's English at its first use (the rule: "first use" below).

A never-phrase and the text it is looked for in are folded the same way (``fold``):

* Unicode NFC, so a decomposed (NFD) "hóa" is the same "hóa";
* invisible format characters (category Cf: soft hyphen, zero-width space, word joiner, BOM)
  dropped: a reader does not see them;
* case folded;
* any run of white space (a line break inside a cell or a .po entry, an indentation, a tab,
  NBSP U+00A0, narrow NBSP U+202F, ...) read as one space;
* Vietnamese only: the two tone placements of an open "oa", "oe", "uy" read as one: "hoá" as
  "hóa", "khoẻ" as "khỏe", "thuý" as "thúy" (the course writes "hóa"); only at the end of the
  syllable, where the two conventions differ ("hoàn", "toán", "huỳnh" keep their one spelling),
  and never in "qu" + y ("quý": the u belongs to the consonant qu, the tone is always on y);
* Vietnamese only: i and y read as one in the open syllables h/k/l/m/s/t/qu + i|y, where both
  spellings are in use ("tỉ"/"tỷ", "lí"/"lý", "kĩ"/"kỹ", "mĩ"/"mỹ", "sĩ"/"sỹ", "quí"/"quý"),
  and nowhere else ("y tế", "tây", "thủy" keep their y).

Czech never-phrases also match their inflected forms (``cs_word``): "šaržová normalizace"
finds "šaržovou normalizací", "posun kovariancí" finds "posunu kovariance".
"""

import json
import re
import unicodedata
from functools import cache
from typing import NamedTuple

import pytest

from conftest import LANGS, ROOT

SETUP_TAG = "setup"
NOTEBOOKS = {lang: sorted((ROOT / "notebooks" / lang).glob("*.ipynb")) for lang in LANGS}


# ---------------------------------------------------------------- folding
def nfc(s):
    return unicodedata.normalize("NFC", s)


SPACE = re.compile(r"[\s\u00a0\u202f]+")  # \s already covers U+00A0 and U+202F; named for the reader

# The five marked Vietnamese tones: huyền, sắc, hỏi, ngã, nặng (combining marks).
TONES = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
# "Kiểu mới" puts the tone of an open oa/oe/uy on the second vowel (hoá, khoẻ, thuý), "kiểu cũ"
# on the first (hóa, khỏe, thúy), the course's form. Both are correct Vietnamese, so both must
# be caught. With a final consonant (hoàn, toán, xoèn, huỳnh) the tone is on the second vowel
# in both conventions, hence the (?!\w): only where the syllable ends.
TONE_MOVES = {nfc(a + b + t): nfc(a + t + b) for a, b in ("oa", "oe", "uy") for t in TONES}
TONE_MOVE = re.compile(r"(?<!q)(" + "|".join(TONE_MOVES) + r")(?!\w)")
# i/y: only a whole syllable of one of these onsets and a lone i|y (with any tone); "y" alone,
# "ay", "uy", "ây", "yê" are never spelled with i.
Y_TO_I = {nfc("y" + t): nfc("i" + t) for t in ("",) + TONES}
I_Y = re.compile(r"(?<!\w)(h|k|l|m|s|t|qu)(" + "|".join(Y_TO_I) + r")(?!\w)")


def fold(text, lang):
    """`text` as the never-check compares it (see the module's docstring)."""
    s = nfc(text)
    s = "".join(c for c in s if unicodedata.category(c) != "Cf")
    s = SPACE.sub(" ", nfc(s.casefold()))
    if lang == "vi":
        s = TONE_MOVE.sub(lambda m: TONE_MOVES[m[1]], s)
        s = I_Y.sub(lambda m: m[1] + Y_TO_I[m[2]], s)
    return s


# Czech: a never-phrase's word matches any case form of it. Its stem is the word without its
# final 1-2 vowels (the nominative ending: šaržov|á, normalizac|e, kovarianc|í, škol|ení -> školen),
# kept whole when it ends in a consonant (posun, předpojatost); then up to 4 more letters: the
# longest noun and adjective endings have 3 (-ami, -emi, -ách, -ích, -ými, -ého, -ému, -ovi),
# and one more covers a derived form (šarž|ov|ým). A masculine noun in -ek/-ec/-el loses its e
# in the other cases (výpadek -> výpadku, předsudek -> předsudky), so that e is optional.
# The stem keeps every consonant of the word, so the course's own terms, which share no stem
# with a never-phrase (dávkov-, kovariát-), are not matched: see test_no_use_rendering_is_a_never_rendering.
# Not covered: vowel-length and consonant alternations inside the stem (dům -> domu, kniha ->
# knize); no never-phrase of the glossary has one today.
CS_VOWELS = "aáeéěiíoóuúůyý"
CS_MIN_STEM = 4  # shorter stems (prepositions, "se", "na") match only the word itself


def cs_word(word):
    stem = re.sub(f"[{CS_VOWELS}]{{1,2}}$", "", word)
    if len(stem) < CS_MIN_STEM:
        return re.escape(word)
    if stem == word and re.search(r"[^aeiouyáéěíóúůý]e[kcl]$", word):
        return re.escape(word[:-2]) + "e?" + re.escape(word[-1]) + r"\w{0,4}"
    return re.escape(stem) + r"\w{0,4}"


@cache
def phrase_pattern(phrase, lang):
    words = fold(phrase, lang).strip().split(" ")
    parts = [cs_word(w) for w in words] if lang == "cs" else [re.escape(w) for w in words]
    return re.compile(r"(?<!\w)" + " ".join(parts) + r"(?!\w)")


# ---------------------------------------------------------------- the glossary
def glossary_rows():
    from course_site import read_terms

    return read_terms(ROOT / "book" / "terms.md")


def never_phrases(lang):
    return [(p.strip(), row["en"]) for row in glossary_rows() for p in row[f"never ({lang})"].split(",") if p.strip()]


class Violation(NamedTuple):
    where: str
    phrase: str  # the never-phrase as book/terms.md writes it
    term: str  # the English term of its row
    seen: str  # what matched, folded


def never_violations(lang, texts):
    """A Violation for every never-rendering of `lang` found in {where: text}."""
    found = []
    phrases = never_phrases(lang)
    for where, text in texts.items():
        folded = fold(text, lang)
        for phrase, term in phrases:
            for m in phrase_pattern(phrase, lang).finditer(folded):
                found.append(Violation(where, phrase, term, m[0]))
    return found


# ---------------------------------------------------------------- what a reader reads
def notebook_texts(path):
    """{'cell N': text} of a notebook's markdown cells and its setup cell."""
    texts = {}
    for i, c in enumerate(json.loads(path.read_text(encoding="utf-8"))["cells"], start=1):
        if c["cell_type"] == "markdown" or SETUP_TAG in c["metadata"].get("tags", []):
            src = c["source"]
            texts[f"cell {i}"] = "".join(src) if isinstance(src, list) else src
    return texts


def po_texts(path):
    """{'msgid …': msgstr} of a .po catalog, each msgstr joined across its continuation lines."""
    from babel.messages.pofile import read_po

    with open(path, "rb") as f:
        catalog = read_po(f)
    texts = {}
    for message in catalog:
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, (tuple, list)) else (message.string,)
        msgid = message.id[0] if isinstance(message.id, (tuple, list)) else message.id
        texts[f"msgid {msgid!r}"] = "\n".join(s for s in strings if s)
    return texts


def reader_texts(lang):
    texts = {}
    for nb in NOTEBOOKS[lang]:
        for where, text in notebook_texts(nb).items():
            texts[f"notebooks/{lang}/{nb.name} {where}"] = text
    for page in sorted((ROOT / "book" / lang).glob("*.md")):
        texts[str(page.relative_to(ROOT))] = page.read_text(encoding="utf-8")
    for po in sorted((ROOT / "locales" / lang / "LC_MESSAGES").glob("*.po")):
        for where, text in po_texts(po).items():
            texts[f"{po.relative_to(ROOT)} {where}"] = text
    return texts


# ---------------------------------------------------------------- tests
def test_glossary_has_every_term_in_both_languages():
    rows = glossary_rows()
    assert len(rows) >= 40
    for row in rows:
        for col in (
            "en",
            "vi (use)",
            "cs (use)",
            "also (vi)",
            "also (cs)",
            "never (vi)",
            "never (cs)",
            "note (vi)",
            "note (cs)",
        ):
            assert col in row, f"book/terms.md: no '{col}' column"
        for col in ("en", "vi (use)", "cs (use)"):
            assert row[col], f"book/terms.md: '{row['en']}' has no '{col}'"


def test_never_check_catches_a_machine_translation_slip():
    assert [v[:3] for v in never_violations("vi", {"x": "Kỹ thuật Bỏ học giúp mạng"})] == [("x", "bỏ học", "dropout")]
    assert never_violations("cs", {"x": "posun kovariancí v síti"})[0].phrase == "posun kovariancí"
    assert never_violations("vi", {"x": "bỏ học sinh"})  # a phrase, matched as a whole phrase
    assert not never_violations("vi", {"x": "dropout"})


# Each slip kind, with the never-phrase it must be reported as.
SLIPS = [
    # vi
    ("vi", "nfd", unicodedata.normalize("NFD", "Chuẩn hóa hàng loạt giúp mạng"), "chuẩn hóa hàng loạt"),
    ("vi", "tone-on-second", "chuẩn hoá hàng loạt", "chuẩn hóa hàng loạt"),
    ("vi", "tone-on-second-upper", "CHUẨN HOÁ HÀNG LOẠT", "chuẩn hóa hàng loạt"),
    (
        "vi",
        "tone-on-second-nfd",
        unicodedata.normalize("NFD", "bình thường hoá hàng loạt"),
        "bình thường hóa hàng loạt",
    ),
    ("vi", "tone-on-second-end", "gọi là chính quy hoá.", "chính quy hóa"),
    ("vi", "line-break", "dùng chuẩn hóa\nhàng loạt", "chuẩn hóa hàng loạt"),
    ("vi", "line-break-indent", "- dùng chuẩn hóa\n  hàng loạt", "chuẩn hóa hàng loạt"),
    ("vi", "crlf", "chuẩn hóa\r\nhàng loạt", "chuẩn hóa hàng loạt"),
    ("vi", "nbsp", "chuẩn hóa\u00a0hàng loạt", "chuẩn hóa hàng loạt"),
    ("vi", "narrow-nbsp", "chuẩn\u202fhóa hàng\u202floạt", "chuẩn hóa hàng loạt"),
    ("vi", "soft-hyphen", "chuẩn hó\u00ada hàng loạt", "chuẩn hóa hàng loạt"),
    ("vi", "zero-width-space", "bỏ\u200b học", "bỏ học"),
    ("vi", "ti-for-ty", "tỉ lệ học tập", "tỷ lệ học tập"),
    ("vi", "ty-nfd-upper", unicodedata.normalize("NFD", "TỶ LỆ HỌC TẬP"), "tỷ lệ học tập"),
    ("vi", "double-space", "dịch chuyển  hiệp phương sai", "dịch chuyển hiệp phương sai"),
    # cs
    ("cs", "instrumental", "se šaržovou normalizací", "šaržová normalizace"),
    ("cs", "dative-locative", "o šaržové normalizaci", "šaržová normalizace"),
    ("cs", "genitive", "bez šaržové normalizace", "šaržová normalizace"),
    ("cs", "plural-instrumental", "šaržovými normalizacemi", "šaržová normalizace"),
    ("cs", "nfd", unicodedata.normalize("NFD", "šaržová normalizace"), "šaržová normalizace"),
    ("cs", "upper", "ŠARŽOVÁ NORMALIZACE", "šaržová normalizace"),
    ("cs", "line-break", "šaržová\nnormalizace", "šaržová normalizace"),
    ("cs", "nbsp", "šaržová\u00a0normalizace", "šaržová normalizace"),
    ("cs", "posun-genitive", "kvůli posunu kovariancí", "posun kovariancí"),
    ("cs", "posun-nominative-singular", "posun kovariance", "posun kovariancí"),
    ("cs", "posun-instrumental", "posunem kovariancí", "posun kovariancí"),
    ("cs", "posun-narrow-nbsp", "posunu\u202fkovariancí", "posun kovariancí"),
    ("cs", "fleeting-e-genitive", "bez výpadku neuronů", "výpadek"),
    ("cs", "fleeting-e-instrumental", "výpadkem", "výpadek"),
    ("cs", "fleeting-e-plural", "předsudky", "předsudek"),
    ("cs", "verbal-noun", "při školením sítě", "školení"),
    ("cs", "soft-noun", "po šaržích", "šarže"),
    ("cs", "consonant-stem", "bez předpojatosti", "předpojatost"),
    ("cs", "adjective-noun", "nadměrného vybavení", "nadměrné vybavení"),
]


@pytest.mark.parametrize("lang, kind, text, phrase", SLIPS, ids=[f"{lang}-{kind}" for lang, kind, _, _ in SLIPS])
def test_never_check_catches_each_slip_kind(lang, kind, text, phrase):
    assert phrase in {p for p, _ in never_phrases(lang)}, (
        f"'{phrase}' is no longer a never-phrase of book/terms.md: update this test"
    )
    assert phrase in {v.phrase for v in never_violations(lang, {"x": text})}, (
        f"{kind}: {text!r} not reported as '{phrase}'"
    )


def variants(phrase, lang):
    """Spellings of `phrase` a reader reads as the same words."""
    words = phrase.split(" ")
    out = [
        unicodedata.normalize("NFD", phrase),
        phrase.upper(),
        "\n".join(words),
        "\u00a0".join(words),
        "\u202f".join(words),
        " \n  ".join(words),
    ]
    if lang == "vi":
        back = {v: k for k, v in TONE_MOVES.items()}
        out.append(re.sub("|".join(back), lambda m: back[m[0]], phrase))  # hóa -> hoá
        i_for_y = {y: i for i, y in zip("iíìỉĩị", "yýỳỷỹỵ")}
        out.append(
            re.sub(r"(?<!\w)(h|k|l|m|s|t|qu)([yýỳỷỹỵ])(?!\w)", lambda m: m[1] + i_for_y[m[2]], phrase)
        )  # tỷ -> tỉ
    return out


@pytest.mark.parametrize("lang", LANGS)
def test_every_never_phrase_is_caught_in_every_spelling(lang):
    phrases = never_phrases(lang)
    assert phrases
    for phrase, _ in phrases:
        for text in [phrase] + variants(phrase, lang):
            found = {v.phrase for v in never_violations(lang, {"x": f"Xem {text}."})}
            assert phrase in found, f"{lang}: {text!r} not reported as '{phrase}'"


# Correct text, and look-alikes the folding must leave alone.
CORRECT = [
    ("vi", "Chuẩn hóa theo batch giúp mạng huấn luyện nhanh hơn."),
    ("vi", "Chuẩn hoá theo batch (tone on the second vowel, still the course's term)"),
    ("vi", "chuẩn hóa theo lô"),  # an acceptable variant (terms.md note)
    ("vi", "Một loạt thí nghiệm hàng loạt; chuẩn hóa dữ liệu."),  # both halves, not the phrase
    ("vi", "hoàn toàn; toán học; huỳnh; quý; khỏe; thủy; y tế; Kỹ thuật; tỉ lệ đúng"),
    ("vi", "dropout; bỏ qua; trọng số; điều chuẩn; tốc độ học; đặc trưng"),
    ("cs", "Dávková normalizace zrychluje učení."),
    ("cs", "s dávkovou normalizací; o dávkové normalizaci"),
    ("cs", "vnitřní posun kovariát; kvůli posunu kovariát; posunem kovariát"),
    ("cs", "kovariance dvou veličin; posun o jeden prvek"),  # each word alone is fine
    ("cs", "batch normalizace; krok učení; narušit symetrii; nedoučení"),  # attested variants (terms.md notes)
    ("cs", "normalizace vrstvy; normalizací instance; skupinovou normalizací"),
    ("cs", "trénování; dávka; dávkami; váha; bias; vychýlení; přeučení (overfitting); školní úloha; výpad"),
]


@pytest.mark.parametrize("lang, text", CORRECT, ids=[f"{lang}-{i}" for i, (lang, _) in enumerate(CORRECT)])
def test_correct_text_is_not_flagged(lang, text):
    assert not never_violations(lang, {"x": text})


def test_folding_changes_only_what_it_should():
    assert fold(unicodedata.normalize("NFD", "Hòa"), "vi") == "hòa"
    for new, old in [("hoà", "hòa"), ("thuý", "thúy"), ("khoẻ", "khỏe"), ("hoá.", "hóa."), ("thuỷ\n", "thủy ")]:
        assert fold(new, "vi") == old
    for same in ["hoàn", "toán", "hoạch", "huỳnh", "quý", "quà", "khoèo", "ngoài", "thuyết", "thủy"]:
        assert TONE_MOVE.search(same) is None, same  # tone placement is moved only at a syllable's end
    assert fold("quý", "vi") == "quí"  # i/y, but never "qúy"
    for y, i in [("tỷ", "tỉ"), ("lý", "lí"), ("kỹ", "kĩ"), ("mỹ", "mĩ"), ("sỹ", "sĩ"), ("quý", "quí"), ("hy", "hi")]:
        assert fold(y, "vi") == fold(i, "vi") == i
    for keep in ["y", "ý", "tây", "thủy", "bảy", "thuyết", "khuya", "hoàn", "toán"]:
        assert fold(keep, "vi") == keep
    assert fold("ty, my", "cs") == "ty, my"  # Czech words: no Vietnamese folding
    assert fold("a\u00a0b\u202fc\n\t d\u00ade", "cs") == "a b c de"


@pytest.mark.parametrize("lang", LANGS)
def test_no_use_rendering_is_a_never_rendering(lang):
    """The course's own terms (book/terms.md's '(use)' column) must not match a never-phrase of
    their language: the folding and the Czech stems must not reach them."""
    texts = {f"book/terms.md '{row['en']}' {lang} (use)": row[f"{lang} (use)"] for row in glossary_rows()}
    found = never_violations(lang, texts)
    assert not found, "; ".join(f"{v.where}: '{v.seen}' matches never-phrase '{v.phrase}'" for v in found)


def test_po_and_notebook_texts_join_a_term_broken_across_lines(tmp_path):
    po = tmp_path / "x.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n"Language: vi\\n"\n\nmsgid "BN"\nmsgstr ""\n"Dùng chuẩn hoá "\n"hàng loạt"\n',
        encoding="utf-8",
    )
    assert [v.phrase for v in never_violations("vi", po_texts(po))] == ["chuẩn hóa hàng loạt"]
    nb = tmp_path / "x.ipynb"
    cell = {"cell_type": "markdown", "metadata": {}, "source": ["Dùng chuẩn hóa\n", "hàng loạt."]}
    nb.write_text(json.dumps({"cells": [cell]}), encoding="utf-8")
    assert [v.phrase for v in never_violations("vi", notebook_texts(nb))] == ["chuẩn hóa hàng loạt"]


@pytest.mark.parametrize("lang", LANGS)
def test_lessons_and_ui_never_use_a_forbidden_rendering(lang):
    texts = reader_texts(lang)
    assert any(w.startswith("notebooks/") for w in texts) and any(".po " in w for w in texts)
    found = never_violations(lang, texts)
    assert not found, "; ".join(
        f"{v.where}: '{v.seen}' (the glossary's never-rendering '{v.phrase}' for '{v.term}')" for v in found
    )


# ---------------------------------------------------------------- first use: the English term
# The glossary pages promise: "the English term is kept in brackets at a term's first use in
# every lesson". The rule a lesson author follows, and this test checks, for every row of
# book/terms.md and every lesson (its markdown cells, read in order):
#
# * the first use of the row's rendering (any form of its "(use)" column: each ", " or " / "
#   alternative, without a bracketed remark; folded as fold() does: any case, either Vietnamese
#   tone placement and i/y, any white space between words; in Czech any case form, see
#   cs_use_word) in body text is either
#   - followed by a bracket, "(" after nothing but spaces, quotes or emphasis marks, that contains
#     one of the row's English forms ("chuẩn hóa theo batch (batch normalization)", "… (BN)",
#     "dávková normalizace (batch normalization, BN)"), or
#   - part of a {term} role (its text or its target), which links to the glossary entry that
#     shows the English term: {term}`chuẩn hóa theo batch`, {term}`průměrem <průměr, střední hodnota>`;
# * not counted: headings, code (fenced or `inline`), math ($…$), HTML tags, the text and target
#   of a Markdown link or image; a use inside a longer term's use counts for the longer term
#   only ("chuẩn hóa" inside "chuẩn hóa theo batch");
# * exempt: rows whose rendering contains the English word itself (dropout, epoch, batch, logit,
#   momentum, fan-in; cs "neuron", "bias").
PAREN = re.compile(r"\s*\([^)]*\)")
ABBREV = re.compile(r"\(([A-Z]{2,4})\)")
ROLE = re.compile(r"\{term\}`([^`]*)`")
MASKED = re.compile(
    r"^[ \t]*#[^\n]*$|```.*?```|~~~.*?~~~|`[^`\n]*`|\$\$.*?\$\$|\$[^$\n]*\$|<[^>\n]*>|!?\[[^\]\n]*\]\([^)\n]*\)|\*",
    re.S | re.M,
)
AFTER = re.compile(r"[\s_*\"“”„'’]*\(([^)]*)\)")


def _alternatives(text):
    """'trénovací / validační / testovací množina' -> ['trénovací množina', 'validační množina',
    'testovací množina']: split on ', ' and ' / '; a part shorter than the last part of its
    alternative takes the last part's tail."""
    out = []
    for alt in re.split(r",\s+", PAREN.sub("", text)):
        parts = [p.strip() for p in alt.split(" / ") if p.strip()]
        tail = parts[-1].split(" ") if parts else []
        for p in parts:
            n = len(p.split(" "))
            out.append(p if n >= len(tail) else " ".join([p, *tail[n:]]))
    return out


def _plain(s, lang):
    return fold(s, lang).replace("-", " ").replace("–", " ")


def english_forms(row):
    """The English of a row as a bracket may give it: 'batch normalization', 'bn'."""
    return [_plain(f, "en") for f in _alternatives(row["en"]) + ABBREV.findall(row["en"])]


def use_forms(row, lang):
    return _alternatives(row[f"{lang} (use)"])


def needs_english(row, lang):
    use = _plain(row[f"{lang} (use)"], lang).replace(" ", "")
    return not any(e.rstrip("s").replace(" ", "") in use for e in english_forms(row) if len(e) > 2)


def cs_use_word(word):
    """A word of a Czech use-rendering in any case form: its stem (the word without its final
    1-2 vowels) and up to 4 more letters; a stem shorter than 3 letters matches only the word."""
    stem = re.sub(f"[{CS_VOWELS}]{{1,2}}$", "", word)
    return re.escape(word) if len(stem) < 3 else re.escape(stem) + r"\w{0,4}"


@cache
def use_pattern(form, lang):
    words = fold(form, lang).split(" ")
    parts = [cs_use_word(w) for w in words] if lang == "cs" else [re.escape(w) for w in words]
    return re.compile(r"(?<!\w)" + r"\s+".join(parts) + r"(?!\w)")


def _same_length_fold(text, lang):
    """fold() without its white-space and format-character steps, so positions stay those of
    `text` (lesson cells are NFC, with no format characters: checked by the caller)."""
    s = text.casefold()
    if lang == "vi":
        s = TONE_MOVE.sub(lambda m: TONE_MOVES[m[1]], s)
        s = I_Y.sub(lambda m: m[1] + Y_TO_I[m[2]], s)
    return s


class FirstUse(NamedTuple):
    cell: int  # index of the markdown cell in the notebook's cells
    start: int  # span of the use in the cell's source
    end: int
    row: dict
    ok: bool


def first_uses(cells, lang, rows):
    """FirstUse of every row used in `cells` ([(index, source)] of markdown cells, in order)."""
    first = {}
    for index, src in cells:
        assert len(_same_length_fold(src, lang)) == len(src) and nfc(src) == src, f"cell {index}: not NFC"
        roles = [m.span() for m in ROLE.finditer(src)]
        text = MASKED.sub(
            lambda m: " " * len(m[0]), ROLE.sub(lambda m: " " * 7 + m[1].replace("<", " ").replace(">", " ") + " ", src)
        )
        folded = _same_length_fold(text, lang)
        hits = [
            (m.start(), m.end(), k)
            for k, row in enumerate(rows)
            for form in use_forms(row, lang)
            for m in use_pattern(form, lang).finditer(folded)
        ]
        taken = []
        for s, e, k in sorted(hits, key=lambda h: (h[0] - h[1], h[0])):  # longest first
            if all(e <= s2 or s >= e2 for s2, e2 in taken):
                taken.append((s, e))
                if k not in first or first[k][0] == index and s < first[k][1]:
                    after = AFTER.match(folded, e)
                    bracket = bool(after) and any(f in _plain(after[1], lang) for f in english_forms(rows[k]))
                    in_role = any(a <= s and e <= b for a, b in roles)
                    first[k] = (index, s, e, bracket or in_role)
    return sorted(
        (FirstUse(i, s, e, rows[k], ok) for k, (i, s, e, ok) in first.items() if needs_english(rows[k], lang)),
        key=lambda u: (u.cell, u.start),
    )


def markdown_cells(path):
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return [
        (i, "".join(c["source"]) if isinstance(c["source"], list) else c["source"])
        for i, c in enumerate(cells)
        if c["cell_type"] == "markdown"
    ]


def test_first_use_rule_on_examples():
    rows = glossary_rows()
    by_en = {r["en"]: r for r in rows}

    def check(lang, text):
        return {u.row["en"]: u.ok for u in first_uses([(0, text)], lang, rows)}

    bn = "batch normalization (BN)"
    assert check("vi", "Chuẩn hóa theo batch (batch normalization, BN) giúp.")[bn]
    assert check("vi", "**Chuẩn hóa theo batch** (BN) giúp.")[bn]
    assert check("vi", "Dùng {term}`chuẩn hóa theo batch`.")[bn]
    assert not check("vi", "Chuẩn hóa theo batch giúp. Chuẩn hóa theo batch (batch normalization).")[bn]
    assert not check("vi", "Chuẩn hóa theo batch (xem bài trước) giúp.")[bn]
    assert check("vi", "# Chuẩn hóa theo batch\n\nChuẩn hóa theo batch (BN).")[bn]  # headings skipped
    assert check("vi", "`chuẩn hóa theo batch` chuẩn hoá theo\nbatch (BN)")[bn]  # code skipped; spellings
    assert "normalization" not in check("vi", "chuẩn hóa theo batch (BN)")  # inside a longer term
    assert check("cs", "s dávkovou normalizací (batch normalization) se")[bn]
    assert check("cs", "{term}`dávkovou normalizací <dávková normalizace>`")[bn]
    assert not check("cs", "s dávkovou normalizací se")[bn]
    assert check("vi", "{term}`mất mát <hàm mất mát>`, rồi hàm mất mát")["loss function"]  # the role's target
    assert "dropout" not in check("vi", "dropout") and not needs_english(by_en["dropout"], "cs")
    assert not needs_english(by_en["mini-batch"], "vi") and needs_english(by_en["mini-batch"], "cs")
    assert _alternatives("trénovací / validační / testovací množina") == [
        "trénovací množina",
        "validační množina",
        "testovací množina",
    ]


@pytest.mark.parametrize("lang", LANGS)
def test_every_lesson_gives_the_english_term_at_first_use(lang):
    rows = glossary_rows()
    missing = []
    for nb in NOTEBOOKS[lang]:
        cells = markdown_cells(nb)
        sources = dict(cells)
        for u in first_uses(cells, lang, rows):
            if not u.ok:
                missing.append(f"{nb.name} cell {u.cell + 1}: '{sources[u.cell][u.start : u.end]}' ({u.row['en']})")
    assert not missing, (
        f"{len(missing)} first uses without the English term in brackets or a {{term}} role:\n" + "\n".join(missing)
    )


NOTATION = ["$m$", "$\\rho$", "$\\gamma, \\beta$", "$r$", "$K$", "$\\eta$", "$\\epsilon$"]


@pytest.mark.parametrize("lang", LANGS)
def test_glossary_page_has_the_course_notation(lang):
    """The notation table (one symbol, one meaning) on the glossary page of each language."""
    page = (ROOT / "book" / lang / "glossary.md").read_text(encoding="utf-8")
    rows = [line for line in page.splitlines() if line.startswith("| $")]
    assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == NOTATION
    assert "{course-glossary}" in page


def test_terms_lessons_use_are_in_the_glossary():
    """Terms the BN lessons use, added with their renderings (issue 10)."""
    en = {row["en"] for row in glossary_rows()}
    for term in [
        "running statistics (running mean and variance)",
        "loss landscape",
        "finite differences",
        "chain rule",
        "computational graph",
        "quantile, percentile",
        "effective learning rate",
        "unbiased estimate",
        "β-smoothness",
        "ensemble (of models)",
        "variance shift",
        "saliency map",
        "adversarial example",
    ]:
        assert term in en, term
