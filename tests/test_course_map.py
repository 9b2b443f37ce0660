"""The course as one whole: book/course.yml against the tables of contents, the prerequisites, the
closing lesson-links cells, the "what this lesson assumes" openings, the formula sheet's trainlab
names and the course map on the built home pages."""

import importlib
import json
import re
import sys
import warnings
from html.parser import HTMLParser

import pytest
import yaml

from conftest import LANGS, ROOT

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import course_map  # noqa: E402  (book/_ext is not a package)

COURSE = yaml.safe_load((ROOT / "book" / "course.yml").read_text(encoding="utf-8"))
FORMULAS = yaml.safe_load((ROOT / "book" / "formulas.yml").read_text(encoding="utf-8"))
ORDER = {lang: course_map.toc_lessons(ROOT / "book" / lang / "_toc.yml") for lang in LANGS}
LEVELS = set(COURSE["levels"])
HTML = ROOT / "_build" / "html"

#: How each language's lessons say, near the top, what they assume (tests/test_lessons.py reads
#: the same notebooks): "Bài này giả định bạn đã biết" / "Co lekce předpokládá".
ASSUMES = {"vi": re.compile(r"giả định", re.I), "cs": re.compile(r"předpoklád", re.I)}
#: The opening must come within the first cells (the title cell, the setup cell, one more).
OPENING_CELLS = 4


def notebook(lang, name):
    return ROOT / "notebooks" / lang / f"{name}.ipynb"


def existing(lang):
    """The lessons of the toc whose notebook exists (the foundation lessons arrive over time)."""
    return [n for n in ORDER[lang] if notebook(lang, n).exists()]


# ------------------------------------------------------------------ course.yml
def test_toc_lists_the_same_lessons_in_both_languages():
    assert ORDER["vi"] == ORDER["cs"]


@pytest.mark.parametrize("lang", LANGS)
def test_course_yml_covers_exactly_the_lessons_of_the_toc(lang):
    listed = list(COURSE["lessons"])
    assert sorted(listed) == sorted(ORDER[lang]), (
        f"only in course.yml: {sorted(set(listed) - set(ORDER[lang]))}; "
        f"only in book/{lang}/_toc.yml: {sorted(set(ORDER[lang]) - set(listed))}"
    )


def test_every_lesson_has_a_topic_levels_and_labels():
    problems = []
    for name, lesson in COURSE["lessons"].items():
        if lesson.get("topic") not in COURSE["topics"]:
            problems.append(f"{name}: topic {lesson.get('topic')!r}")
        if not lesson.get("levels") or not set(lesson["levels"]) <= LEVELS:
            problems.append(f"{name}: levels {lesson.get('levels')!r} (expected some of {sorted(LEVELS)})")
        if set(lesson.get("label", {})) != set(LANGS):
            problems.append(f"{name}: a label in each of {LANGS}")
    assert not problems, "; ".join(problems)


def test_every_topic_has_its_three_levels():
    for topic in COURSE["topics"]:
        covered = {lv for lesson in COURSE["lessons"].values() if lesson["topic"] == topic for lv in lesson["levels"]}
        assert covered == LEVELS, f"{topic}: levels {sorted(covered)}"


def test_prerequisites_and_see_also_name_lessons_of_the_course():
    problems = [
        f"{name}: {key} {other!r} is not a lesson of course.yml"
        for name, lesson in COURSE["lessons"].items()
        for key in ("requires", "see_also")
        for other in lesson.get(key, [])
        if other not in COURSE["lessons"] or other == name
    ]
    assert not problems, "; ".join(problems)


def find_cycle(requires):
    """A cycle of the graph ``{lesson: [prerequisites]}`` as a list, or None."""
    state = {}

    def visit(node, path):
        state[node] = "open"
        for pre in requires.get(node, []):
            if state.get(pre) == "open":
                return path + [node, pre]
            if pre not in state:
                cycle = visit(pre, path + [node])
                if cycle:
                    return cycle
        state[node] = "done"
        return None

    for node in requires:
        if node not in state:
            cycle = visit(node, [])
            if cycle:
                return cycle
    return None


def test_prerequisites_form_a_dag():
    requires = {n: lesson["requires"] for n, lesson in COURSE["lessons"].items()}
    assert find_cycle(requires) is None, f"prerequisite cycle: {' -> '.join(find_cycle(requires))}"


def test_cycle_check_finds_a_cycle():
    assert find_cycle({"a": ["b"], "b": ["c"], "c": ["a"]})
    assert find_cycle({"a": ["b"], "b": [], "c": ["a", "b"]}) is None


#: Prerequisites placed after the lesson in the toc: allowed (they exist), but listed here so that
#: a new one is a decision. bn-in-practice (deep 3) assumes bn-train-vs-eval (deep 4).
LATER_PREREQUISITES = {("bn-in-practice", "bn-train-vs-eval")}


def test_prerequisites_come_earlier_in_the_toc():
    order = ORDER["vi"]
    later = {
        (name, pre)
        for name, lesson in COURSE["lessons"].items()
        for pre in lesson["requires"]
        if order.index(pre) > order.index(name)
    }
    assert later == LATER_PREREQUISITES, f"prerequisites after their lesson in the toc: {sorted(later)}"


def test_transitive_reduction_drops_implied_arrows():
    edges = course_map.transitive_reduction({"a": [], "b": ["a"], "c": ["a", "b"]})
    assert sorted(edges) == [("a", "b"), ("b", "c")]


# ------------------------------------------------------------------ reading and run times
def test_words_are_counted_without_code_maths_and_markup():
    text = "Một {term}`hàm kích hoạt <hàm kích hoạt>` $f(x)$ và [bài](x.ipynb):\n```python\nx = 1\n```\n$$a$$ — `code`"
    assert course_map.count_words(text) == 6  # Một, hàm, kích, hoạt, và, bài
    assert course_map.reading_minutes(201, 200) == 2
    assert course_map.reading_minutes(0, 200) == 1


def test_lessons_without_a_measured_run_time_are_named():
    """Not a failure: the map shows "—" for them until `make timings` has run. The test names them."""
    times = course_map.load_times(ROOT)
    missing = [f"notebooks/{lang}/{n}.ipynb" for lang in LANGS for n in existing(lang)]
    missing = [m for m in missing if m not in times]
    if missing:
        warnings.warn(
            f"no measured run time yet (run `make timings`): {len(missing)} notebooks: " + ", ".join(missing),
            stacklevel=1,
        )
    for entry in times.values():
        assert entry["seconds"] >= 0 and entry["machine"] and entry["date"]


# ------------------------------------------------------------------ lessons
def test_closing_lesson_links_cells_are_up_to_date():
    """Every lesson ends with the cell tools/lesson_links.py writes from course.yml."""
    from tools import lesson_links

    problems = [p for p in lesson_links.run(write=False) if "no notebook yet" not in p]
    assert not problems, "\n".join(problems) + "\nrun: .venv/bin/python -m tools.lesson_links --write"


def test_closing_cell_links_the_next_lesson_and_the_reference_pages():
    from tools import lesson_links

    text = lesson_links.closing_text("vi", "bn-why", COURSE, ORDER["vi"])
    assert (
        "(bn-family.ipynb)" in text and "(../../book/vi/glossary.md)" in text and "(../../book/vi/formulas.md)" in text
    )
    assert COURSE["closing_cell"]["cs"]["last"] in lesson_links.closing_text("cs", ORDER["cs"][-1], COURSE, ORDER["cs"])


def lessons_without_assumes(lang):
    missing = []
    for name in existing(lang):
        cells = json.loads(notebook(lang, name).read_text(encoding="utf-8"))["cells"][:OPENING_CELLS]
        texts = ["".join(c["source"]) for c in cells if c["cell_type"] == "markdown"]
        if not any(ASSUMES[lang].search(t) for t in texts):
            missing.append(name)
    return missing


@pytest.mark.parametrize("lang", LANGS)
def test_every_lesson_opens_with_what_it_assumes(lang):
    missing = lessons_without_assumes(lang)
    assert not missing, f"{lang}: no '{ASSUMES[lang].pattern}' cell in the first {OPENING_CELLS} cells: {missing}"


# ------------------------------------------------------------------ formula sheet
def formulas():
    return [f for group in FORMULAS["groups"] for f in group["formulas"]]


def test_every_trainlab_name_of_the_formula_sheet_imports():
    broken = []
    for item in formulas():
        for dotted in item.get("trainlab") or []:
            module, _, attr = dotted.rpartition(".")
            try:
                obj = getattr(importlib.import_module(module), attr)
            except (ImportError, AttributeError) as error:
                broken.append(f"{dotted}: {error}")
                continue
            url = course_map.trainlab_source(dotted, "https://example.org/r", "main")
            assert re.fullmatch(r"https://example.org/r/blob/main/src/trainlab/\S+\.py#L\d+", url), url
            assert callable(obj)
    assert not broken, "book/formulas.yml names what trainlab no longer has:\n" + "\n".join(broken)


def test_every_formula_names_a_lesson_and_has_both_languages():
    problems = []
    for item in formulas():
        if item["lesson"] not in COURSE["lessons"]:
            problems.append(f"{item['tex'][:40]}: lesson {item['lesson']!r}")
        if set(item["text"]) != set(LANGS) or (item.get("heading") and set(item["heading"]) != set(LANGS)):
            problems.append(f"{item['tex'][:40]}: text/heading in each of {LANGS}")
    assert not problems, "; ".join(problems)


# ------------------------------------------------------------------ the built home pages
class MapLinks(HTMLParser):
    """The hrefs of the <a> elements inside the course map's <svg>."""

    def __init__(self):
        super().__init__()
        self.in_svg, self.links, self.title = False, [], None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and "course-map-svg" in (a.get("class") or ""):
            self.in_svg = True
        elif self.in_svg and tag == "a":
            self.links.append(a.get("href"))

    def handle_endtag(self, tag):
        if tag == "svg":
            self.in_svg = False


@pytest.mark.skipif(not (HTML / "index.html").exists(), reason="run `make book` first")
@pytest.mark.parametrize("lang", LANGS)
def test_home_page_has_the_map_with_one_link_per_lesson(lang):
    page = HTML / lang / "book" / lang / "index.html"
    text = page.read_text(encoding="utf-8")
    parser = MapLinks()
    parser.feed(text)
    built = [n for n in existing(lang) if (HTML / lang / "notebooks" / lang / f"{n}.html").exists()]
    targets = [href.rsplit("/", 1)[-1].removesuffix(".html") for href in parser.links]
    assert sorted(targets) == sorted(built), f"map links {targets}, lessons {built}"
    assert 'aria-labelledby="course-map-title' in text and "<title" in text
    for href in parser.links:
        assert (page.parent / href).resolve().exists(), href
