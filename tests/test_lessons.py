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
    assert expected_install_url() in src, (
        f"{lang}/{name}: setup cell must install {expected_install_url()} (from _config.yml)"
    )
    assert re.search(r"try:\s+import trainlab\s+except ImportError:", src), (
        f"{lang}/{name}: install only when trainlab is missing"
    )
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
        assert "sys.path" not in src and "autoreload" not in src, (
            f"{lang}/{name} cell {i}: no sys.path hacks or autoreload"
        )
        if re.search(r"^(def|class) ", src, re.M):
            # Allowed: the reader's function to write (exercise/solution), and a short helper
            # of the lesson's own experiment; anything longer belongs in trainlab.
            assert {"exercise", "solution", "helper"} & set(tags), (
                f"{lang}/{name} cell {i}: define functions in trainlab, not in a lesson"
            )
            if "helper" in tags:
                assert len(src.strip().splitlines()) <= 8, (
                    f"{lang}/{name} cell {i}: a helper of more than 8 lines belongs in trainlab"
                )


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", lesson_ids())
def test_notebooks_are_stored_executed_in_order(lang, name):
    """nbval only compares the outputs a notebook stores: a notebook saved without them
    would pass it unchecked. Every code cell must have run, in order, from a fresh kernel."""
    counts = [c.get("execution_count") for c in cells(ROOT / "notebooks" / lang / name) if c["cell_type"] == "code"]
    assert counts == list(range(1, len(counts) + 1)), f"{lang}/{name}: execution counts {counts}; run `make execute`"


# --------------------------------------------------------------- exercises
# Cells tagged exercise/solution, with bold lead-ins ("**Bài tập 1.**", "**Lời giải bài tập 1.**"),
# become sphinx-exercise blocks on the site (book/_ext/course_site.py); see there for the form.
EXERCISE_WORD = {"vi": "Bài tập", "cs": "Cvičení"}  # sphinx-exercise's own translations of "Exercise"
SOLUTION_TITLE = {"vi": "Lời giải bài tập {n}", "cs": "Řešení cvičení {n}"}  # locales/<lang>/LC_MESSAGES/exercise.po
HTML = ROOT / "_build" / "html"


def exercise_directives(nb, lesson, lang):
    from course_site import exercise_directives

    return exercise_directives(nb, lesson, EXERCISE_WORD[lang])


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", lesson_ids())
def test_exercises_are_tagged_numbered_in_order_and_solutions_stored_collapsed(lang, name):
    nb = json.loads((ROOT / "notebooks" / lang / name).read_text(encoding="utf-8"))
    _site, problems = exercise_directives(nb, name.removesuffix(".ipynb"), lang)
    assert not problems, f"{lang}/{name}: " + "; ".join(problems)
    for i, c in enumerate(nb["cells"], start=1):
        text, tags = source(c), c["metadata"].get("tags", [])
        if c["cell_type"] == "markdown" and "exercise" not in tags:
            # an exercise outside the mechanism: a lead-in in an untagged cell
            assert not re.search(r"^\*\*" + EXERCISE_WORD[lang] + r" \d", text, re.M), (
                f"{lang}/{name} cell {i}: tag it 'exercise'"
            )
        if c["cell_type"] == "code" and "solution" in tags:
            # collapsed until the reader opens it: JupyterLab/Notebook 7 read jupyter.source_hidden,
            # Colab shows a cell in form view with its code hidden behind "Show code"
            assert c["metadata"].get("jupyter", {}).get("source_hidden") is True, f"{lang}/{name} cell {i}"
            assert c["metadata"].get("cellView") == "form", f"{lang}/{name} cell {i}"
            assert "hide-input" not in tags, f"{lang}/{name} cell {i}: the solution block collapses it already"


def test_exercise_cells_become_gated_sphinx_exercise_directives():
    def md(text, tags):
        return {"cell_type": "markdown", "id": f"m{len(text)}", "metadata": {"tags": tags}, "source": text}

    def code(text, tags):
        return {"cell_type": "code", "id": text, "metadata": {"tags": tags}, "source": text, "outputs": []}

    nb = {
        "cells": [
            md("## Bài tập\n\n**Bài tập 1.** Đổi `lr`.\n\n**Bài tập 2 (tự viết).** Viết hàm:", ["exercise"]),
            code("def f(): ...", ["exercise"]),
            md("**Lời giải bài tập 2.** Dùng công thức.", ["solution"]),
            code("def g(): ...", ["solution"]),
            md("### Tài liệu tham khảo", []),
        ]
    }
    site, problems = exercise_directives(nb, "lesson", "vi")
    assert problems == []
    texts = [(c["cell_type"], source(c)) for c in site["cells"]]
    assert texts[0] == (
        "markdown",
        "## Bài tập\n\n"
        "::::{exercise}\n:label: lesson-exercise-1\n\nĐổi `lr`.\n::::\n\n"
        "::::{exercise-start} tự viết\n:label: lesson-exercise-2\n::::\n\nViết hàm:",
    )
    assert texts[1] == ("code", "def f(): ...") and texts[2] == ("markdown", "::::{exercise-end}\n::::")
    assert texts[3] == (
        "markdown",
        "::::{solution-start} lesson-exercise-2\n:label: lesson-solution-2\n:class: dropdown\n::::\n\nDùng công thức.",
    )
    assert texts[4] == ("code", "def g(): ...") and texts[5] == ("markdown", "::::{solution-end}\n::::")
    assert texts[6] == ("markdown", "### Tài liệu tham khảo")
    # a heading ends an exercise; a wrong number, an orphan code cell and a foreign word are reported
    _site, problems = exercise_directives(
        {
            "cells": [
                md("**Bài tập 2.** A\n\n### Refs", ["exercise"]),
                md("**Exercise 2.** B", ["exercise"]),
                md("C", []),
                code("x", ["exercise"]),
            ]
        },
        "l",
        "vi",
    )
    assert "'**Bài tập 2**' is exercise 1 of the lesson" in problems[0]
    assert any("reads 'Exercise'" in p for p in problems) and any(
        "must follow the markdown cell" in p for p in problems
    )
    assert "### Refs" in source(_site["cells"][0]).split("::::")[-1]


@pytest.mark.skipif(not (HTML / "index.html").exists(), reason="run `make book` first")
@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("name", lesson_ids())
def test_built_exercises_are_numbered_per_lesson_and_solutions_collapsed(lang, name):
    from bs4 import BeautifulSoup

    lesson = name.removesuffix(".ipynb")
    page = HTML / lang / "notebooks" / lang / f"{lesson}.html"
    soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
    nb = json.loads((ROOT / "notebooks" / lang / name).read_text(encoding="utf-8"))
    stored = [
        int(n)
        for c in nb["cells"]
        if "exercise" in c["metadata"].get("tags", [])
        for n in re.findall(r"^\*\*" + EXERCISE_WORD[lang] + r" (\d+)", source(c), re.M)
    ]
    exercises = soup.select("div.exercise.admonition")
    titles = [e.select_one(".admonition-title .caption-number").get_text(strip=True) for e in exercises]
    assert titles == [f"{EXERCISE_WORD[lang]} {n}" for n in range(1, len(stored) + 1)], f"{lang}/{lesson}: {titles}"
    assert [e["id"] for e in exercises] == [f"{lesson}-exercise-{n}" for n in range(1, len(stored) + 1)]
    assert not soup.select(".cell.tag_exercise:not(div.exercise .cell)"), (
        f"{lang}/{lesson}: an exercise's code outside its block"
    )
    for solution in soup.select("div.solution"):
        n = solution["id"].rsplit("-", 1)[-1]
        # sphinx-togglebutton collapses '.admonition.dropdown' on load; the reader opens it by its title
        assert {"admonition", "dropdown"} <= set(solution["class"]), f"{lang}/{lesson}: solution {n} not collapsible"
        assert solution.select_one(".admonition-title").get_text(strip=True) == SOLUTION_TITLE[lang].format(n=n)
        assert solution.select(".cell.tag_solution"), f"{lang}/{lesson}: solution {n} without its code"
        assert not solution.select(".tag_hide-input"), f"{lang}/{lesson}: solution {n} would need two clicks"
    assert not soup.select(".cell.tag_solution:not(div.solution .cell)"), (
        f"{lang}/{lesson}: solution code outside its block"
    )
    if soup.select("div.solution"):
        assert soup.select('script[src*="togglebutton"]'), (
            f"{lang}/{lesson}: no sphinx-togglebutton to collapse solutions"
        )
