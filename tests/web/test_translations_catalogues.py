"""Every Chinese catalogue under src/hujin agrees with the others, is complete and is compiled.

Django merges all catalogues into one per language, so a message (context and text) that two
catalogues translate differently shows one of the two translations on both pages, whichever
catalogue wins the merge: the audit filter's "To" became the SMS page's "recipient". A string whose
English means two things gets a context (``{% translate "To" context "date range" %}``,
``pgettext_lazy("date range", "To")``) instead.

The catalogues are read with a small parser of the gettext PO format (no dependency); the compiled
.mo files with the standard library's ``gettext``.
"""

import ast
import gettext
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src/hujin"
CATALOGUES = sorted(SRC.rglob("locale/zh_Hans/LC_MESSAGES/django.po"))
_KEYWORD = re.compile(r'(msgctxt|msgid_plural|msgid|msgstr)(?:\[(\d+)\])?\s+(".*")$')


@dataclass
class Entry:
    line: int
    flags: set[str]
    msgctxt: str | None = None
    msgid: str = ""
    msgid_plural: str | None = None
    msgstr: dict[int, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str | None, str]:
        return self.msgctxt, self.msgid

    def describe(self) -> str:
        return f"{self.msgid!r}" + (f" (context {self.msgctxt!r})" if self.msgctxt else "")


def read_po(path: Path) -> list[Entry]:
    """The entries of a PO file, header and obsolete (#~) entries left out."""
    entries: list[Entry] = []
    entry, part, flags = None, "", set()
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        line = raw.strip()
        if line.startswith("#,"):
            flags |= {flag.strip() for flag in line[2:].split(",")}
        elif not line or line.startswith("#"):
            continue
        elif match := _KEYWORD.match(line):
            keyword, index, text = match.group(1), match.group(2), ast.literal_eval(match.group(3))
            starts = keyword == "msgctxt" or (keyword == "msgid" and part != "msgctxt")
            if starts:
                entry = Entry(line=number, flags=flags)
                entries.append(entry)
                flags = set()
            if keyword == "msgstr":
                part = f"msgstr{int(index or 0)}"
                entry.msgstr[int(index or 0)] = text
            else:
                part = keyword
                setattr(entry, keyword, text)
        elif line.startswith('"') and entry is not None:
            text = ast.literal_eval(line)
            if part.startswith("msgstr"):
                entry.msgstr[int(part[6:])] += text
            else:
                setattr(entry, part, getattr(entry, part) + text)
        else:
            raise ValueError(f"{path}:{number}: cannot read {raw!r}")
    return [e for e in entries if e.msgid or e.msgctxt is not None]


def name(path: Path) -> str:
    """customers/locale/…/django.po, or locale/…/django.po for the project-wide catalogue."""
    return str(path.relative_to(SRC))


def _ids(paths):
    return [str(p.relative_to(SRC)).split("/LC_MESSAGES")[0] for p in paths]


def test_every_app_catalogue_is_found_and_read():
    entries = {name(path): read_po(path) for path in CATALOGUES}

    assert len(entries) >= 10
    assert [path for path, found in entries.items() if not found] == []
    assert sum(len(found) for found in entries.values()) > 800


def test_a_message_has_the_same_translation_in_every_catalogue():
    translations = defaultdict(lambda: defaultdict(list))
    for path in CATALOGUES:
        for entry in read_po(path):
            if "fuzzy" not in entry.flags:
                translations[entry.key][tuple(sorted(entry.msgstr.items()))].append(
                    f"{name(path)}:{entry.line}"
                )

    collisions = [
        f"{Entry(line=0, flags=set(), msgctxt=key[0], msgid=key[1]).describe()}: "
        + "; ".join(f"{dict(text)} in {', '.join(where)}" for text, where in found.items())
        for key, found in translations.items()
        if len(found) > 1
    ]

    assert collisions == [], "\n".join(
        ["translated differently (give the strings a context, or agree):", *collisions]
    )


@pytest.mark.parametrize("path", CATALOGUES, ids=_ids(CATALOGUES))
def test_no_entry_is_fuzzy_empty_or_twice_in_one_catalogue(path):
    entries = read_po(path)
    counts = defaultdict(int)
    for entry in entries:
        counts[entry.key] += 1

    fuzzy = [f"{e.describe()} line {e.line}" for e in entries if "fuzzy" in e.flags]
    empty = [
        f"{e.describe()} line {e.line}"
        for e in entries
        if not e.msgstr or not all(text for text in e.msgstr.values())
    ]
    twice = [f"{key}" for key, count in counts.items() if count > 1]

    assert (fuzzy, empty, twice) == ([], [], [])


@pytest.mark.parametrize("path", CATALOGUES, ids=_ids(CATALOGUES))
def test_the_compiled_catalogue_holds_exactly_what_its_source_says(path):
    expected = {}
    for entry in read_po(path):
        if "fuzzy" in entry.flags or not all(entry.msgstr.values()):
            continue
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt is not None else entry.msgid
        if entry.msgid_plural is None:
            expected[msgid] = entry.msgstr[0]
        else:
            expected.update({(msgid, n): text for n, text in entry.msgstr.items()})
    mo = path.with_suffix(".mo")
    assert mo.exists(), f"{name(mo)} is missing: run msgfmt --check -o django.mo django.po"

    with mo.open("rb") as compiled:
        catalog = dict(gettext.GNUTranslations(compiled)._catalog)
    catalog.pop("", None)  # the header

    stale = sorted(
        str(key)
        for key in expected.keys() | catalog.keys()
        if expected.get(key) != catalog.get(key)
    )
    assert stale == [], f"{name(mo)} differs from its .po (recompile it with msgfmt): {stale}"
