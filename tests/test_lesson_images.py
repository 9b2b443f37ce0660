"""Images the lessons embed: every one is made for the lesson's language and works on Colab.

The rule (checked on every ``notebooks/<lang>/*.ipynb``):

1. A figure with words on it is drawn by a code cell (its labels go through
   ``trainlab.i18n._``, so it is drawn in the lesson's language) or from stored numbers
   (e.g. ``trainlab.parts.batchnorm.figure1.load_results``); it is not shipped as an image file.
2. Markdown cells may still embed an image (markdown ``![..](..)``, an HTML ``<img src=..>``,
   or a cell attachment ``attachment:name``) only if it says which language it was made for:
   its file name ends in ``-<lang>.<ext>`` (``-vi.png`` in ``notebooks/vi/``) or it sits in
   a ``/<lang>/`` folder; an image for another language, or for none, fails.
3. The image must load where the notebook is opened outside the repository (Colab, a
   downloaded ``.ipynb``): so an absolute ``https://`` URL or a cell attachment (stored inside
   the notebook); a relative path (``../images/x.png``), ``file:``, ``http:`` or a ``data:``
   URI in the text fails.
"""

import json
import re

import pytest

from conftest import LANGS, ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*/*.ipynb"))
MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
HTML_IMAGE = re.compile(r"<img\b[^>]*?\bsrc\s*=\s*[\"']?([^\"'\s>]+)", re.I)


def images_in(cell) -> list[str]:
    """Every image reference of a markdown cell: markdown, HTML and its attachments' names."""
    source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
    refs = MARKDOWN_IMAGE.findall(source) + HTML_IMAGE.findall(source)
    refs += [f"attachment:{name}" for name in cell.get("attachments", {}) if f"attachment:{name}" not in refs]
    return refs


def problems(ref: str, lang: str) -> list[str]:
    """Why the image ``ref`` may not appear in a ``lang`` lesson (empty: it may)."""
    found = []
    if ref.startswith("attachment:"):
        path = ref.split(":", 1)[1]
    elif ref.startswith("https://"):
        path = ref.split("?", 1)[0].split("#", 1)[0]
    else:
        found.append("not an https:// URL or a cell attachment (a relative path breaks on Colab)")
        path = ref
    name = path.rsplit("/", 1)[-1]
    marks = set(re.findall(r"-([a-z]{2})\.\w+$", name)) | set(re.findall(r"/([a-z]{2})/", "/" + path))
    marks &= set(LANGS) | {"en"}
    if marks != {lang}:
        found.append(f"not made for {lang} (its name or folder says {sorted(marks) or 'no language'})")
    return found


@pytest.mark.parametrize(
    "ref, lang, ok",
    [
        ("../images/bn-mnist-figure1-full.png", "cs", False),  # relative, and no language
        ("https://example.org/fig-vi.png", "cs", False),  # a Vietnamese figure in Czech
        ("https://example.org/fig.png", "vi", False),  # no language
        ("images/fig-cs.png", "cs", False),  # right language, relative path
        ("data:image/png;base64,AAAA", "vi", False),
        ("https://example.org/vi/fig.png", "vi", True),
        ("https://example.org/fig-cs.png?raw=1", "cs", True),
        ("attachment:fig-cs.png", "cs", True),
        ("attachment:fig-vi.png", "cs", False),
    ],
)
def test_the_rule_on_examples(ref, lang, ok):
    assert (not problems(ref, lang)) is ok, problems(ref, lang)


def test_images_are_found_in_markdown_html_and_attachments():
    cell = {
        "cell_type": "markdown",
        "source": ['Text ![a](../images/a.png "t") and <img width=3 src="https://x.org/b-vi.png">\n'],
        "attachments": {"c-cs.png": {"image/png": "AAAA"}},
    }
    assert images_in(cell) == ["../images/a.png", "https://x.org/b-vi.png", "attachment:c-cs.png"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_embedded_image_is_made_for_the_lessons_language_and_loads_on_colab(path):
    lang = path.parent.name
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    bad = [
        f"cell {i + 1}: {ref}: {'; '.join(problems(ref, lang))}"
        for i, cell in enumerate(cells)
        if cell["cell_type"] == "markdown"
        for ref in images_in(cell)
        if problems(ref, lang)
    ]
    assert not bad, "\n".join(bad)
