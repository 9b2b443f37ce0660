"""The lesson's language for everything trainlab shows: plot titles, axis labels, legends.

A lesson's setup cell calls :func:`set_language` once (``"vi"`` or ``"cs"``);
from then on every label that trainlab draws goes through :func:`_`, which looks
the English message up in ``locales/<lang>/LC_MESSAGES/trainlab.po``.  The same
plotting code therefore draws Vietnamese labels in a Vietnamese notebook and Czech
ones in a Czech notebook.

The catalogs are plain gettext ``.po`` files read directly (no compiled ``.mo``
step), so a package installed straight from the repository on Colab has them too.
They live in the repository's ``locales/`` folder, beside the site's catalogs; an
installed package carries them as ``trainlab/locales/`` (``pyproject.toml`` maps the
subpackage ``trainlab.locales`` to that folder), while a source checkout or an editable
install reads ``locales/`` itself.

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
import re
from functools import cache
from numbers import Integral
from pathlib import Path

from ._checks import check_choice, check_int, check_type

#: Languages whose catalog ships with trainlab; ``"en"`` is the identity catalog.
LANGUAGES = ("en", "vi", "cs")


def _locale_dir() -> Path:
    """Where the catalogs are: inside the installed package, else the checkout's ``locales/``."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "locales", here.parent.parent / "locales"):  # wheel; src/trainlab/../../locales
        if (candidate / "cs" / "LC_MESSAGES" / "trainlab.po").is_file():
            return candidate
    return here / "locales"  # missing: catalog() then names the file it looked for


_LOCALE_DIR = _locale_dir()
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


@cache
def catalog(lang: str) -> dict[str, str]:
    """The ``{english: translation}`` messages of trainlab's catalog for ``lang``."""
    if lang == "en":
        return {}
    path = _LOCALE_DIR / lang / "LC_MESSAGES" / "trainlab.po"
    return parse_po(path.read_text(encoding="utf-8"))


def set_language(lang: str) -> None:
    """Make trainlab draw its labels in ``lang`` (one of ``"en"``, ``"vi"``, ``"cs"``)."""
    global _current
    check_type(lang, "set_language", "lang", str, "a language code such as 'vi' or 'cs'")
    _current = check_choice(lang, "set_language", "lang", LANGUAGES)


def get_language() -> str:
    """The language set by :func:`set_language` (``"en"`` until one is set)."""
    return _current


#: How each language writes numbers: (decimal mark, thousands separator, what stands before "%").
#: Czech: ČSN 01 6910 (decimal comma, a (non-breaking) space between thousands, "15 %");
#: Vietnamese: TCVN usage (decimal comma, thousands dot, "15%").
NUMBER_FORMATS = {
    "en": (".", ",", ""),
    "vi": (",", ".", ""),
    "cs": (",", "\u00a0", "\u00a0"),
}


def fmt(value, digits: int | None = None, percent: bool = False) -> str:
    """``value`` written as the current language writes numbers: ``digits`` after the decimal
    mark (``None``: an integer, or Python's shortest form of a float), thousands grouped from
    1,000 on; ``percent=True`` multiplies by 100 and adds the percent sign.

    Example:
        >>> set_language("cs")
        >>> fmt(0.9734, 3), fmt(50000), fmt(0.15, 0, percent=True)
        ('0,973', '50\xa0000', '15\xa0%')
        >>> set_language("vi")
        >>> fmt(0.9734, 3), fmt(50000), fmt(0.15, 0, percent=True)
        ('0,973', '50.000', '15%')
        >>> set_language("en")
        >>> fmt(-1234.5, 1)
        '-1,234.5'
    """
    if isinstance(value, (bool, str)) or not hasattr(value, "__float__"):
        raise TypeError(f"fmt: expected value to be a number (got {type(value).__name__} {value!r})")
    if digits is not None:
        check_int(digits, "fmt", "digits", minimum=0)
    if percent:
        value = float(value) * 100
    if digits is not None:
        text = f"{float(value):,.{digits}f}"
    elif isinstance(value, Integral):  # Python and NumPy integers
        text = f"{int(value):,d}"
    else:
        text = f"{float(value):,}"
    decimal, thousands, before_percent = NUMBER_FORMATS[_current]
    text = text.replace(",", "\0").replace(".", decimal).replace("\0", thousands)
    return text + (before_percent + "%" if percent else "")


def localize_number_text(text: str) -> str:
    """A number as Python or matplotlib wrote it (``"0.5"``, ``"-1.25"``, ``"$10^{-2}$"``), with
    the current language's decimal mark; anything that is not a plain number is left as it is."""
    decimal = NUMBER_FORMATS[_current][0]
    if decimal == "." or not text:
        return text
    return re.sub(r"(?<=\d)\.(?=\d)", decimal, text)


def _(message: str) -> str:
    """Translate an English UI message into the current language (unknown: unchanged)."""
    return catalog(_current).get(message, message)
