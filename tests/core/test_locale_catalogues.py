"""Core's Chinese catalogue holds every string core marks for translation, compiled; core's and
the compliance console's catalogues have no entry left fuzzy or empty."""

import ast
import gettext
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src/hujin"
CORE = SRC / "core"
CATALOGUE = "locale/zh_Hans/LC_MESSAGES/django"
# gettext functions -> (index of the context argument or None, index of the message)
MARKERS = {
    "_": (None, 0),
    "gettext": (None, 0),
    "gettext_lazy": (None, 0),
    "ngettext": (None, 0),
    "ngettext_lazy": (None, 0),
    "pgettext": (0, 1),
    "pgettext_lazy": (0, 1),
}


def marked_strings(root: Path) -> set[tuple[str | None, str, str]]:
    """(context, message, where) of every literal passed to a gettext function under ``root``."""
    found = set()
    for path in sorted(root.rglob("*.py")):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in MARKERS:
                continue
            context_at, message_at = MARKERS[node.func.id]
            args = [a.value if isinstance(a, ast.Constant) else None for a in node.args]
            if len(args) <= message_at or not isinstance(args[message_at], str):
                continue
            context = args[context_at] if context_at is not None else None
            found.add((context, args[message_at], f"{path.relative_to(root)}:{node.lineno}"))
    return found


def compiled(app: Path) -> dict:
    with (app / f"{CATALOGUE}.mo").open("rb") as mo:
        return gettext.GNUTranslations(mo)._catalog


def test_every_string_core_marks_for_translation_is_in_its_compiled_chinese_catalogue():
    catalog = compiled(CORE)
    keys = {key[0] if isinstance(key, tuple) else key for key in catalog}
    strings = marked_strings(CORE)

    missing = [
        where
        for context, message, where in strings
        if (f"{context}\x04{message}" if context else message) not in keys
    ]

    assert len(strings) > 30
    assert missing == []


def test_the_request_guard_s_messages_are_translated():
    catalog = compiled(CORE)

    assert catalog["The Content-Type header is malformed."] == "Content-Type 请求头格式错误。"
    assert catalog["The request is malformed."] == "请求格式错误。"


@pytest.mark.parametrize("app", ["core", "compliance"])
def test_no_entry_is_left_fuzzy_or_empty(app):
    text = (SRC / app / f"{CATALOGUE}.po").read_text(encoding="utf-8")
    entries = text.split("\n\n")[1:]  # after the header

    fuzzy = [e for e in entries if "#, fuzzy" in e]
    empty = [e for e in entries if e.rstrip().endswith(('msgstr ""', 'msgstr[0] ""'))]

    assert len(entries) > 20
    assert (fuzzy, empty) == ([], [])
