"""Accessibility of the built site, read from the files (issue 15; the browser checks are in
tests/test_browser_a11y.py).

- Every lesson figure has alternative text in the lesson's language that says what it shows:
  ``book/figure-alt.yml`` covers every image-producing code cell, the notebooks carry the texts
  (``python -m tools.figure_alt`` writes them), and the built pages' ``<img alt>`` are those
  texts, never a file name or a placeholder.
- The figures are opaque PNGs (a transparent one with black text would vanish in the dark theme).
- The controls the theme labels in English (the Colab and download menus, the sidebar toggles,
  the contents landmark, the language switch, permalinks) are labelled in the page's language.
"""

import re
from html.parser import HTMLParser

import numpy as np
import pytest
from PIL import Image

from conftest import LANGS, ROOT
from tools import figure_alt

HTML = ROOT / "_build" / "html"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))
built = pytest.mark.skipif(not (HTML / "index.html").exists(), reason="run `make book` first")

#: Letters only Vietnamese (resp. Czech) writes: an alternative text in the lesson's language has some.
LETTERS = {"vi": set("ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ"), "cs": set("ěščřžůťďň")}
#: Accessible names the themes write in English, each translated by the site's .po files.
ENGLISH_NAMES = {
    "Launch interactive content",
    "Launch on Colab",
    "Colab logo",
    "Toggle primary sidebar",
    "Toggle secondary sidebar",
    "Main",
    "Version warning",
    "Link to this heading",
    "Link to this term",
}


class Images(HTMLParser):
    """The ``<img>`` tags of a page (their attributes) and every accessible-name attribute value."""

    def __init__(self):
        super().__init__()
        self.images, self.names = [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "img":
            self.images.append(attrs)
        self.names += [attrs[a] for a in ("aria-label", "title", "alt") if attrs.get(a)]


def parse(path):
    parser = Images()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


# ------------------------------------------------------------------ the data file and the notebooks
def test_placeholder_detection_on_examples():
    for text in ("png", "Image", "output.", "", "../../_images/3f2a.png", "Hình", "graf"):
        assert figure_alt.placeholder(text), text
    assert not figure_alt.placeholder("Hai biểu đồ tần số giá trị kích hoạt của ba nơ-ron trước và sau BN.")


def test_the_tool_reports_a_missing_and_a_stale_text(tmp_path):
    import nbformat

    nb = nbformat.v4.new_notebook()
    figure = nbformat.v4.new_code_cell("plot()", id="fig")
    figure.outputs = [nbformat.v4.new_output("display_data", data={"image/png": "iVBORw0KGgo="})]
    nb.cells = [figure, nbformat.v4.new_code_cell("x = 1", id="text")]
    changed, problems = figure_alt.apply(nb, {"text": "A long enough description of nothing at all, really."})
    assert not changed
    assert any("'fig'" in p and "without alternative text" in p for p in problems), problems
    assert any("'text'" in p and "no image output" in p for p in problems), problems
    changed, problems = figure_alt.apply(nb, {"fig": "Two curves of the loss over the steps, the lower one with BN."})
    assert changed and not problems
    assert figure_alt.cell_alt(nb.cells[0]) == "Two curves of the loss over the steps, the lower one with BN."
    assert figure_alt.cell_alt(nb.cells[1]) is None  # only figure cells are touched


def test_every_lesson_figure_has_a_text_and_the_notebooks_carry_it():
    """Fails for a new lesson whose figures have no entry in book/figure-alt.yml yet, and for a
    notebook that was re-executed or edited without `python -m tools.figure_alt` run after it."""
    changed, problems = figure_alt.run(NOTEBOOKS, check=True, every_lesson=True)
    assert not problems, "\n".join(problems)
    assert not changed, f"out of step with book/figure-alt.yml (run python -m tools.figure_alt): {changed}"


@pytest.mark.parametrize("lang", LANGS)
def test_alternative_texts_are_in_the_lessons_language(lang):
    texts = figure_alt.read_alt_texts()
    wrong = [
        f"{key}/{cell}: {text[:60]}"
        for key, cells in texts.items()
        if key.startswith(f"{lang}/")
        for cell, text in cells.items()
        if not LETTERS[lang] & set(text.lower())
    ]
    assert not wrong, f"texts without a letter of {lang}: {wrong}"
    other = {t for k, cells in texts.items() if not k.startswith(f"{lang}/") for t in cells.values()}
    assert not other & {t for k, c in texts.items() if k.startswith(f"{lang}/") for t in c.values()}


# ------------------------------------------------------------------------------- the built site
def lesson_pages(lang):
    return sorted((HTML / lang / "notebooks" / lang).glob("*.html"))


@built
@pytest.mark.parametrize("lang", LANGS)
def test_every_lesson_image_on_the_site_has_its_alternative_text(lang):
    texts = figure_alt.read_alt_texts()
    missing = []
    for page in lesson_pages(lang):
        expected = set(texts.get(f"{lang}/{page.stem}", {}).values())
        figures = [img for img in parse(page).images if "_images/" in img.get("src", "")]
        for img in figures:
            alt = img.get("alt") or ""
            if figure_alt.placeholder(alt) or alt == img["src"] or alt not in expected:
                missing.append(f"{page.stem}: {img['src'].rsplit('/', 1)[-1]} alt={alt[:50]!r}")
    assert lesson_pages(lang), f"no lesson pages built for {lang}"
    assert not missing, "\n".join(missing)


@built
def test_every_image_of_every_page_has_an_alt_attribute():
    missing = [
        f"{page.relative_to(HTML)}: {img.get('src')}"
        for page in sorted(HTML.glob("*/**/*.html"))
        for img in parse(page).images
        if "alt" not in img
    ]
    assert not missing, missing


@built
def test_lesson_figures_are_opaque():
    """A matplotlib figure saved with a transparent background shows black text on the dark
    theme's page colour; the lessons' figures have a white background (matplotlib's default)."""
    transparent = []
    for lang in LANGS:
        for png in sorted((HTML / lang / "_images").glob("*.png")):
            image = Image.open(png)
            if "A" in image.getbands() or "transparency" in image.info:
                alpha = np.asarray(image.convert("RGBA"))[..., 3]
                if (alpha < 250).mean() > 0.01:
                    transparent.append(f"{lang}/_images/{png.name}: {(alpha < 250).mean():.0%} transparent")
    assert not transparent, transparent


@built
@pytest.mark.parametrize("lang", LANGS)
def test_controls_are_named_in_the_pages_language(lang):
    pages = lesson_pages(lang)[:3] + [HTML / lang / "book" / lang / "index.html", HTML / lang / "search.html"]
    english = sorted({name for page in pages for name in parse(page).names if name in ENGLISH_NAMES})
    assert not english, f"{lang}: English accessible names left: {english}"
    page = (HTML / lang / "notebooks" / lang / pages[0].name).read_text(encoding="utf-8")
    switch = re.search(r'<a class="[^"]*course-lang-switch[^"]*"[^>]*>', page)
    assert switch, "no language switch"
    label = re.search(r'aria-label="([^"]+)"', switch.group(0))
    assert label and LETTERS[lang] & set(label.group(1).lower()), f"the switch's name is not in {lang}: {label}"
