"""The lesson's language for everything trainlab shows: plot titles, axis labels, legends.

A lesson's setup cell calls :func:`set_language` once (``"vi"`` or ``"cs"``);
from then on every label that trainlab draws goes through :func:`_`, which looks
the English message up in ``locales/<lang>/LC_MESSAGES/trainlab.po``.  The same
plotting code therefore draws Vietnamese labels in a Vietnamese notebook and Czech
ones in a Czech notebook.

The catalogs are plain gettext ``.po`` files read directly (no compiled ``.mo``
step), so a package installed straight from the repository on Colab has them too.

Example:
    >>> import trainlab
    >>> trainlab.set_language("cs")
    >>> trainlab.i18n._("epoch")
    'epocha'
    >>> trainlab.set_language("en")
    >>> trainlab.i18n._("epoch")
    'epoch'
"""

from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

#: Languages whose catalog ships with trainlab; ``"en"`` is the identity catalog.
LANGUAGES = ("en", "vi", "cs")

_LOCALE_DIR = Path(__file__).resolve().parent / "locales"
_current = "en"


def _unquote(line: str) -> str:
    """``"a \\"b\\""`` -> ``a "b"`` (a .po string literal is a C/Python string literal)."""
    return ast.literal_eval(line.strip())


def parse_po(text: str) -> dict[str, str]:
    """Parse the text of a gettext ``.po`` file into ``{msgid: msgstr}``.

    Handles comments, multi-line strings and ``msgctxt`` (ignored); entries with an
    empty ``msgstr`` or flagged ``fuzzy`` are left out, as gettext does.
    """
    entries: dict[str, str] = {}
    msgid = msgstr = None
    field = None
    fuzzy = False

    def flush():
        if msgid and msgstr and not fuzzy:
            entries[msgid] = msgstr

    for raw in text.splitlines() + [""]:
        line = raw.strip()
        if not line:
            flush()
            msgid = msgstr = field = None
            fuzzy = False
        elif line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("#"):
            continue
        elif line.startswith("msgctxt "):
            field = "ctxt"
        elif line.startswith("msgid "):
            msgid, field = _unquote(line[6:]), "id"
        elif line.startswith("msgstr "):
            msgstr, field = _unquote(line[7:]), "str"
        elif line.startswith('"'):
            if field == "id":
                msgid += _unquote(line)
            elif field == "str":
                msgstr += _unquote(line)
    return entries


@lru_cache(maxsize=None)
def catalog(lang: str) -> dict[str, str]:
    """The ``{english: translation}`` messages of trainlab's catalog for ``lang``."""
    if lang == "en":
        return {}
    path = _LOCALE_DIR / lang / "LC_MESSAGES" / "trainlab.po"
    return parse_po(path.read_text(encoding="utf-8"))


def set_language(lang: str) -> None:
    """Make trainlab draw its labels in ``lang`` (one of ``"en"``, ``"vi"``, ``"cs"``)."""
    global _current
    if not isinstance(lang, str) or lang not in LANGUAGES:
        raise ValueError(
            f"set_language: expected one of {', '.join(LANGUAGES)} (got {lang!r})"
        )
    _current = lang


def get_language() -> str:
    """The language set by :func:`set_language` (``"en"`` until one is set)."""
    return _current


def _(message: str) -> str:
    """Translate an English UI message into the current language (unknown: unchanged)."""
    return catalog(_current).get(message, message)
