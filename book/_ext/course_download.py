""" "Download the course": one zip archive per language, linked from every page's header.

``_build/html/<lang>/_downloads/trainlab-course-<lang>.zip`` holds, under one folder
``trainlab-course-<lang>/``:

- every lesson notebook of the language's table of contents, byte for byte as in
  ``notebooks/<lang>/`` (with their stored outputs);
- what they need to run: the ``trainlab`` package's source (``src/``, with its MNIST subset),
  ``pyproject.toml`` and the pinned ``requirements.txt``;
- ``README.md`` in the language: how to install once and run the lessons offline.

The archive is reproducible: its entries are sorted, and each has the same fixed time stamp and
permissions, so the same sources give the same bytes (it is rewritten only when they change).
The header link (``book/_templates/download-course.html``) is named in the page's language
through the ``sphinx`` catalogs in ``locales/``.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

ARCHIVE = "trainlab-course-{lang}.zip"
FOLDER = "_downloads"
#: Files of the repository the lessons need besides their notebooks (and src/).
PACKAGE_FILES = ("pyproject.toml", "requirements.txt")
#: Every entry's time stamp (the earliest a zip file can store) and permissions.
FIXED_TIME = (1980, 1, 1, 0, 0, 0)
FILE_MODE = 0o644 << 16
#: Not part of the package's source: caches and build leftovers in a working copy.
SKIPPED = re.compile(r"(^|/)(__pycache__|[^/]*\.egg-info|\.[^/]*)(/|$)|\.py[co]$")

README = {
    "vi": """# Khóa học Trainlab — bản tải về (tiếng Việt)

Tệp nén này chứa mọi bài học của khóa học bằng tiếng Việt (notebook Jupyter, kèm kết quả đã
chạy sẵn) trong thư mục `notebooks/vi/`, mã nguồn của gói `trainlab` mà các bài học dùng
(`src/`, `pyproject.toml`) và danh sách phiên bản cố định của các thư viện (`requirements.txt`).
Dữ liệu MNIST mà các bài học dùng nằm sẵn trong gói: sau khi cài đặt, các bài học chạy hoàn toàn
ngoại tuyến, không cần Internet.

## Cài đặt (một lần; cần Internet để tải các thư viện)

Cần Python 3.11 (từ 3.11.5 đến 3.13). Trong thư mục này, chạy:

```
python3 -m venv .venv
source .venv/bin/activate          # Windows: .venv\\Scripts\\activate
pip install -r requirements.txt
pip install -e .
pip install jupyterlab
```

## Chạy các bài học

```
source .venv/bin/activate          # Windows: .venv\\Scripts\\activate
jupyter lab notebooks/vi
```

Rồi mở một bài trong JupyterLab và chạy từng ô (Shift+Enter). Các bài theo thứ tự của khóa học:

{lessons}
""",
    "cs": """# Kurz Trainlab — verze ke stažení (česky)

Archiv obsahuje všechny lekce kurzu v češtině (notebooky Jupyter i s uloženými výstupy) ve
složce `notebooks/cs/`, zdrojový kód balíčku `trainlab`, který lekce používají (`src/`,
`pyproject.toml`), a seznam přesných verzí knihoven (`requirements.txt`). Data MNIST, se kterými
lekce pracují, jsou součástí balíčku: po instalaci běží lekce zcela offline, bez internetu.

## Instalace (jednou; ke stažení knihoven je potřeba internet)

Potřebujete Python 3.11 (3.11.5 až 3.13). V této složce spusťte:

```
python3 -m venv .venv
source .venv/bin/activate          # Windows: .venv\\Scripts\\activate
pip install -r requirements.txt
pip install -e .
pip install jupyterlab
```

## Spuštění lekcí

```
source .venv/bin/activate          # Windows: .venv\\Scripts\\activate
jupyter lab notebooks/cs
```

Pak v JupyterLabu otevřete lekci a spouštějte buňku po buňce (Shift+Enter). Lekce v pořadí kurzu:

{lessons}
""",
}


def archive_name(lang: str) -> str:
    return ARCHIVE.format(lang=lang)


def toc_notebooks(srcdir: Path, toc_path: Path, lang: str) -> list[Path]:
    """The lesson notebooks of a language's table of contents, in its order."""
    files = re.findall(r"^\s*-?\s*file:\s*(\S+)\s*$", toc_path.read_text(encoding="utf-8"), re.M)
    return [srcdir / f"{f}.ipynb" for f in files if f.startswith(f"notebooks/{lang}/")]


def notebook_title(path: Path) -> str:
    """A notebook's first ``#`` heading, with MyST roles (``{term}`x```) reduced to their text."""
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "markdown":
            continue
        for line in "".join(cell["source"]).splitlines():
            if line.startswith("# "):
                return re.sub(r"\{[\w:-]+\}`([^`<]*?)\s*(?:<[^>]*>)?`", r"\1", line[2:]).strip()
    return path.stem


def package_files(srcdir: Path) -> list[Path]:
    """The trainlab package's source under ``src/`` and :data:`PACKAGE_FILES`."""
    source = [
        p
        for p in sorted((srcdir / "src").rglob("*"))
        if p.is_file() and not SKIPPED.search(p.relative_to(srcdir).as_posix())
    ]
    return [srcdir / name for name in PACKAGE_FILES] + source


def build_archive(srcdir: Path, toc_path: Path, lang: str) -> bytes:
    """The bytes of the language's archive (the same for the same sources)."""
    notebooks = toc_notebooks(srcdir, toc_path, lang)
    missing = [str(p.relative_to(srcdir)) for p in notebooks if not p.exists()]
    if missing:
        raise FileNotFoundError(f"course_download: notebooks of the table of contents not found: {missing}")
    lessons = "\n".join(f"{i}. `{p.name}`: {notebook_title(p)}" for i, p in enumerate(notebooks, 1))
    entries = {f"{p.relative_to(srcdir).as_posix()}": p.read_bytes() for p in notebooks + package_files(srcdir)}
    entries["README.md"] = README[lang].replace("{lessons}", lessons).encode("utf-8")
    top = archive_name(lang).removesuffix(".zip")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in sorted(entries):
            info = zipfile.ZipInfo(f"{top}/{name}", date_time=FIXED_TIME)
            info.external_attr = FILE_MODE
            info.create_system = 3  # Unix, whatever machine builds it
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, entries[name], compresslevel=9)
    return buffer.getvalue()


def on_builder_inited(app: Sphinx) -> None:
    """Make the archive in memory (written out when the build has finished)."""
    if app.builder.format != "html":
        return
    lang = app.config.language
    toc = Path(app.srcdir) / app.config.external_toc_path
    app.course_download_archive = build_archive(Path(app.srcdir), toc, lang)


def on_page_context(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if getattr(app, "course_download_archive", None) is not None:
        context["course_download"] = {"path": f"{FOLDER}/{archive_name(app.config.language)}"}


def on_build_finished(app: Sphinx, exception) -> None:
    data = getattr(app, "course_download_archive", None)
    if exception is not None or data is None:
        return
    target = Path(app.outdir) / FOLDER / archive_name(app.config.language)
    if target.exists() and target.read_bytes() == data:
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)


def setup(app: Sphinx):
    app.connect("builder-inited", on_builder_inited)
    app.connect("html-page-context", on_page_context)
    app.connect("build-finished", on_build_finished)
    return {"parallel_read_safe": True, "parallel_write_safe": True, "version": "1"}
