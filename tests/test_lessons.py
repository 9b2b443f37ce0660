"""The lessons as a whole: vi/cs parity, the setup cell, the glossary's never-renderings."""
import json
import re

import pytest
import yaml

from conftest import LANGS, ROOT

SETUP_TAG = "setup"
NOTEBOOKS = {lang: sorted((ROOT / "notebooks" / lang).glob("*.ipynb")) for lang in LANGS}


def cells(path):
    return json.loads(path.read_text(encoding="utf-8"))["cells"]


def source(cell):
    return "".join(cell["source"])


def normalized(code):
    return re.sub(r"\s+", " ", code).strip()


def lesson_ids():
    return [p.name for p in NOTEBOOKS["vi"]]


def test_both_languages_have_the_same_lessons():
    names = {lang: [p.name for p in paths] for lang, paths in NOTEBOOKS.items()}
    assert names["vi"], "no lesson in notebooks/vi"
    only_vi = sorted(set(names["vi"]) - set(names["cs"]))
    only_cs = sorted(set(names["cs"]) - set(names["vi"]))
    assert not only_vi and not only_cs, f"only in notebooks/vi: {only_vi}; only in notebooks/cs: {only_cs}"


def parity_problems(vi_cells, cs_cells):
    """Differences between twin notebooks, each naming the cell (1-based)."""
    problems = []
    if len(vi_cells) != len(cs_cells):
        problems.append(f"{len(vi_cells)} cells in vi, {len(cs_cells)} in cs")
    for i, (a, b) in enumerate(zip(vi_cells, cs_cells), start=1):
        tags_a, tags_b = a.get("metadata", {}).get("tags", []), b.get("metadata", {}).get("tags", [])
        if a["cell_type"] != b["cell_type"]:
            problems.append(f"cell {i}: {a['cell_type']} in vi, {b['cell_type']} in cs")
        elif tags_a != tags_b:
            problems.append(f"cell {i}: tags {tags_a} in vi, {tags_b} in cs")
        elif a["cell_type"] == "code" and SETUP_TAG not in tags_a and normalized(source(a)) != normalized(source(b)):
            problems.append(f"cell {i}: code differs")
    return problems


@pytest.mark.parametrize("name", lesson_ids())
def test_twins_have_the_same_cells_code_and_tags(name):
    vi, cs = ROOT / "notebooks/vi" / name, ROOT / "notebooks/cs" / name
    problems = parity_problems(cells(vi), cells(cs))
    assert not problems, f"{name}: " + "; ".join(problems)


def test_parity_check_catches_a_changed_code_cell():
    a = [{"cell_type": "code", "source": "x = 1", "metadata": {}}]
    b = [{"cell_type": "code", "source": "x = 2", "metadata": {}}]
    assert parity_problems(a, b) == ["cell 1: code differs"]
    setup = [{"cell_type": "code", "source": "lang = 'vi'", "metadata": {"tags": [SETUP_TAG]}}]
    setup_cs = [{"cell_type": "code", "source": "lang = 'cs'", "metadata": {"tags": [SETUP_TAG]}}]
    assert parity_problems(setup, setup_cs) == []


def expected_install_url():
    cfg = yaml.safe_load((ROOT / "_config.yml").read_text(encoding="utf-8"))
    return f"git+{cfg['repository']['url']}@{cfg['repository']['branch']}"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", lesson_ids())
def test_first_code_cell_is_the_tagged_setup_cell(lang, name):
    code = [c for c in cells(ROOT / "notebooks" / lang / name) if c["cell_type"] == "code"]
    first = code[0]
    src = source(first)
    assert SETUP_TAG in first["metadata"].get("tags", []), f"{lang}/{name}: first code cell is not tagged '{SETUP_TAG}'"
    assert f'trainlab.set_language("{lang}")' in src, f"{lang}/{name}: setup cell does not set the lesson language"
    assert expected_install_url() in src, f"{lang}/{name}: setup cell must install {expected_install_url()} (from _config.yml)"
    assert re.search(r"try:\s+import trainlab\s+except ImportError:", src), f"{lang}/{name}: install only when trainlab is missing"
    for i, c in enumerate(code[1:], start=2):
        assert SETUP_TAG not in c["metadata"].get("tags", []), f"{lang}/{name}: code cell {i} is tagged setup too"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", lesson_ids())
def test_lessons_contain_teaching_code_not_library_code(lang, name):
    for i, c in enumerate(cells(ROOT / "notebooks" / lang / name), start=1):
        if c["cell_type"] != "code":
            continue
        src = source(c)
        tags = c["metadata"].get("tags", [])
        assert "sys.path" not in src and "autoreload" not in src, f"{lang}/{name} cell {i}: no sys.path hacks or autoreload"
        if re.search(r"^(def|class) ", src, re.M):
            # Allowed: the reader's function to write (exercise/solution), and a short helper
            # of the lesson's own experiment; anything longer belongs in trainlab.
            assert {"exercise", "solution", "helper"} & set(tags), f"{lang}/{name} cell {i}: define functions in trainlab, not in a lesson"
            if "helper" in tags:
                assert len(src.strip().splitlines()) <= 8, f"{lang}/{name} cell {i}: a helper of more than 8 lines belongs in trainlab"


# ---------------------------------------------------------------- glossary
def glossary_rows():
    from course_site import read_terms

    return read_terms(ROOT / "book" / "terms.md")


def never_phrases(lang):
    return [(p.strip(), row["en"]) for row in glossary_rows() for p in row[f"never ({lang})"].split(",") if p.strip()]


def never_violations(lang, texts):
    """(where, phrase, term) for every never-rendering of `lang` found in {where: text}."""
    found = []
    for where, text in texts.items():
        for phrase, term in never_phrases(lang):
            if re.search(r"(?<!\w)" + re.escape(phrase) + r"(?!\w)", text, re.I):
                found.append((where, phrase, term))
    return found


def test_glossary_has_every_term_in_both_languages():
    rows = glossary_rows()
    assert len(rows) >= 40
    for row in rows:
        for col in ("en", "vi (use)", "cs (use)"):
            assert row[col], f"book/terms.md: '{row['en']}' has no '{col}'"


def test_never_check_catches_a_machine_translation_slip():
    assert never_violations("vi", {"x": "Kỹ thuật Bỏ học giúp mạng"}) == [("x", "bỏ học", "dropout")]
    assert never_violations("cs", {"x": "posun kovariancí v síti"})[0][1] == "posun kovariancí"
    assert never_violations("vi", {"x": "bỏ học sinh"})  # a phrase, matched as a whole phrase
    assert not never_violations("vi", {"x": "dropout"})


@pytest.mark.parametrize("lang", LANGS)
def test_lessons_and_ui_never_use_a_forbidden_rendering(lang):
    texts = {}
    for nb in NOTEBOOKS[lang]:
        for i, c in enumerate(cells(nb), start=1):
            if c["cell_type"] == "markdown" or SETUP_TAG in c["metadata"].get("tags", []):
                texts[f"notebooks/{lang}/{nb.name} cell {i}"] = source(c)
    for page in (ROOT / "book" / lang).glob("*.md"):
        texts[str(page.relative_to(ROOT))] = page.read_text(encoding="utf-8")
    for po in (ROOT / "locales" / lang / "LC_MESSAGES").glob("*.po"):
        texts[str(po.relative_to(ROOT))] = "\n".join(l for l in po.read_text(encoding="utf-8").splitlines() if l.startswith(("msgstr", '"')))
    found = never_violations(lang, texts)
    assert not found, "; ".join(f"{w}: '{p}' (the glossary's never-rendering for '{t}')" for w, p, t in found)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", lesson_ids())
def test_notebooks_are_stored_executed_in_order(lang, name):
    """nbval only compares the outputs a notebook stores: a notebook saved without them
    would pass it unchecked. Every code cell must have run, in order, from a fresh kernel."""
    counts = [c.get("execution_count") for c in cells(ROOT / "notebooks" / lang / name) if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), f"{lang}/{name}: execution counts {counts}; run `make execute`"
