"""trainlab.i18n: the message catalogs and the lesson language."""

import pytest

import trainlab
from conftest import LANGS, ROOT, bad_input_test
from trainlab import i18n


def test_every_message_trainlab_draws_is_translated_in_both_languages():
    import ast

    used = set()
    for path in (ROOT / "src" / "trainlab").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "_" and node.args:
                if isinstance(node.args[0], ast.Constant):
                    used.add(node.args[0].value)
    # labels the lessons pass to the plotting functions
    used |= {
        "with BN",
        "without BN",
        "learning rate",
        "standard deviation of the initial weights",
        "Learning rate sweep",
        "Initialization scale sweep",
        "noisy BN",
    }
    assert len(used) > 5
    for lang in LANGS:
        missing = used - set(i18n.catalog(lang))
        assert not missing, f"locales/{lang}/LC_MESSAGES/trainlab.po lacks {sorted(missing)}"


def test_po_parser_handles_multiline_fuzzy_and_escapes():
    text = """msgid ""
msgstr "Language: vi\\n"

msgid "a"
msgstr ""
"b "
"\\"c\\""

#, fuzzy
msgid "old"
msgstr "stale"

msgid "untranslated"
msgstr ""
"""
    assert i18n.parse_po(text) == {"a": 'b "c"'}


def test_set_language_rejects_unknown_languages():
    with pytest.raises(ValueError, match=r"set_language: expected lang to be one of 'en', 'vi', 'cs' \(got 'de'\)"):
        trainlab.set_language("de")


BAD = [
    (
        lambda: trainlab.set_language("de"),
        ValueError,
        "set_language: expected lang to be one of 'en', 'vi', 'cs' (got 'de')",
    ),
    (lambda: i18n.fmt("0.5", 2), TypeError, "fmt: expected value to be a number (got str '0.5')"),
    (lambda: i18n.fmt(0.5, -1), ValueError, "fmt: expected digits >= 0 (got -1)"),
    (
        lambda: trainlab.set_language(5),
        TypeError,
        "set_language: expected lang to be a language code such as 'vi' or 'cs' (got int 5)",
    ),
]

test_bad_input_names_the_problem = bad_input_test(BAD)
