"""Matching a person's or a company's name against the names on a sanctions or watch list.

Names arrive written in many ways: 张伟, "ZHANG Wei", "Zhang, Wei", "Wei Zhang". Each name is
turned into its comparable forms — case and accents folded, punctuation dropped, and a name in
Chinese characters also in pinyin without tones (``pypinyin``), the surname with each of its
readings (单 is Shan as a surname, 曾 Zeng) — and two names score the best ``rapidfuzz``
token-sort ratio between any of their forms, from 0 to 100: word order does not matter, a
letter or two may differ.

A name alone over-matches: a date of birth and a nationality, when both sides have them, cut
the hits that cannot be the same person (``list_matches``). What is kept says why: the score,
the two names compared and whether the date and the nationality agreed or were unknown.
"""

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from pypinyin import Style, pinyin
from rapidfuzz import fuzz

THRESHOLD = Decimal(88)
_HAN = re.compile(r"[\u3400-\u9fff]")
_NOT_WORD = re.compile(r"[^\w\s]+")


def _folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NOT_WORD.sub(" ", plain).split())


@lru_cache(maxsize=65536)
def name_forms(name: str) -> frozenset[str]:
    """The forms ``name`` is compared in: folded as written, and for Chinese characters in
    pinyin (the surname in each of its readings). Kept once worked out: a screening compares
    one name with every name of a list."""
    folded = _folded(name or "")
    forms = {folded} if folded else set()
    han = "".join(ch for ch in name or "" if _HAN.match(ch))
    if han:
        readings = pinyin(han, style=Style.NORMAL, heteronym=True)
        given = [r[0] for r in readings[1:]]
        for surname in readings[0][:3]:
            forms.add(" ".join([surname, *given]))
            forms.add(" ".join([surname, "".join(given)]).strip())  # "zhang xiaoming"
    return frozenset(f for f in forms if f)


def name_score(a: str, b: str) -> Decimal:
    """How alike two names are, 0 to 100 (whole numbers): the best token-sort ratio between
    any of their forms."""
    best = 0.0
    for x in name_forms(a):
        for y in name_forms(b):
            best = max(best, fuzz.token_sort_ratio(x, y))
    return Decimal(int(best))


@dataclass(frozen=True, slots=True)
class Party:
    """Who is screened: a customer or a payee."""

    name: str
    birth_date: date | None = None
    nationality: str = ""  # ISO 3166 alpha-2


@dataclass(frozen=True, slots=True)
class ListEntry:
    """One listed person or entity. ``birth_years`` holds the years of ``birth_dates`` and
    the years the list gives alone (a list often knows only the year)."""

    list_name: str
    reference: str
    names: tuple[str, ...]
    birth_dates: tuple[date, ...] = ()
    birth_years: tuple[int, ...] = ()
    nationalities: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Hit:
    entry: ListEntry
    score: Decimal
    name: str  # the listed name that scored best
    birth: str  # "agrees", "unknown"
    nationality: str  # "agrees", "unknown"


def list_matches(party: Party, entries, *, threshold: Decimal = THRESHOLD) -> list[Hit]:
    """The entries whose best name scores ``threshold`` or more against ``party``'s name and
    whose date of birth and nationality do not contradict the party's, best first."""
    hits = []
    for entry in entries:
        score, listed = max(((name_score(party.name, n), n) for n in entry.names),
                            default=(Decimal(0), ""))  # fmt: skip
        if score < threshold:
            continue
        birth = _birth(party, entry)
        nationality = _nationality(party, entry)
        if "differs" in (birth, nationality):
            continue
        hits.append(Hit(entry, score, listed, birth, nationality))
    return sorted(hits, key=lambda h: (-h.score, h.entry.reference))


def _birth(party: Party, entry: ListEntry) -> str:
    if party.birth_date is None or not (entry.birth_dates or entry.birth_years):
        return "unknown"
    if party.birth_date in entry.birth_dates:
        return "agrees"
    years = set(entry.birth_years) | {d.year for d in entry.birth_dates}
    exact = {d.year for d in entry.birth_dates}
    if party.birth_date.year in years - exact:
        return "agrees"  # the list knows the year only
    return "differs"


def _nationality(party: Party, entry: ListEntry) -> str:
    if not party.nationality or not entry.nationalities:
        return "unknown"
    return "agrees" if party.nationality.upper() in entry.nationalities else "differs"
