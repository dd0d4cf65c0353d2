"""Sanctions and watch lists read from their files into ``names.ListEntry`` values.

- **The UN Security Council consolidated list** (XML, ``CONSOLIDATED_LIST``): each
  ``INDIVIDUAL`` (first to fourth name, the aliases, the dates or years of birth, the
  nationalities) and each ``ENTITY`` (its name and aliases), by its ``REFERENCE_NUMBER``. The
  file is parsed with ``defusedxml``: a list comes from outside, and an entity bomb or an
  external entity in it is refused, not expanded.
- **A simple CSV** for a platform's own or a regulator's list: ``reference,name,aliases,
  birth_date,nationality`` (aliases separated by ``;``; the date ``YYYY-MM-DD`` or a year
  alone; nationalities as ISO 3166 alpha-2 codes, several separated by ``;``).

Country names on the UN list become ISO codes (``pycountry``); a name it does not know leaves
the nationality unknown rather than guessing. A malformed file raises ``WatchlistInvalid``
naming the line or the element, and nothing is read from it.
"""

import csv
import io
import re
from datetime import date

import pycountry
from defusedxml import ElementTree
from defusedxml.common import DefusedXmlException
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hujin.risk.errors import WatchlistInvalid
from hujin.risk.names import ListEntry

UN_LIST = "un_consolidated"
_YEAR = re.compile(r"^\d{4}$")
CSV_COLUMNS = ("reference", "name", "aliases", "birth_date", "nationality")


def un_list_read(data: bytes, *, list_name: str = UN_LIST) -> tuple[ListEntry, ...]:
    """The individuals and entities of a UN consolidated list file."""
    try:
        root = ElementTree.fromstring(data)
    except (ElementTree.ParseError, DefusedXmlException) as error:
        raise WatchlistInvalid(_("Not a list file: %(error)s.") % {"error": error}) from None
    if root.tag != "CONSOLIDATED_LIST":
        raise WatchlistInvalid(_("Not a UN consolidated list: its root is not CONSOLIDATED_LIST."))
    entries = []
    for kind in ("INDIVIDUAL", "ENTITY"):
        for element in root.iter(kind):
            entries.append(_un_entry(element, kind, list_name))
    return tuple(entries)


def _un_entry(element, kind: str, list_name: str) -> ListEntry:
    reference = _text(element, "REFERENCE_NUMBER") or _text(element, "DATAID")
    if not reference:
        raise WatchlistInvalid(
            _("An %(element)s without a REFERENCE_NUMBER or DATAID.") % {"element": kind}
        )
    parts = [_text(element, tag) for tag in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME",
                                             "FOURTH_NAME")]  # fmt: skip
    names = [" ".join(p for p in parts if p)]
    for alias in element.iter(f"{kind}_ALIAS"):
        names.append(_text(alias, "ALIAS_NAME"))
    births, years = [], []
    for born in element.iter("INDIVIDUAL_DATE_OF_BIRTH"):
        exact, year = _text(born, "DATE"), _text(born, "YEAR")
        if exact:
            born_on = _date(exact[:10])
            if born_on is None:
                raise WatchlistInvalid(
                    _("%(reference)s: the DATE %(text)s is not a date (YYYY-MM-DD).")
                    % {"reference": reference, "text": repr(exact[:10])}
                )
            births.append(born_on)
        elif year and _YEAR.match(year):
            years.append(int(year))
    nationalities = []
    for nationality in element.iter("NATIONALITY"):
        for value in nationality.iter("VALUE"):
            code = _country((value.text or "").strip())
            if code:
                nationalities.append(code)
    return ListEntry(
        list_name=list_name, reference=reference, names=tuple(n for n in names if n),
        birth_dates=tuple(births), birth_years=tuple(years), nationalities=tuple(nationalities),
    )  # fmt: skip


def _text(element, tag: str) -> str:
    found = element.find(tag)
    return " ".join((found.text or "").split()) if found is not None else ""


def _country(name: str) -> str:
    if not name:
        return ""
    try:
        return pycountry.countries.lookup(name).alpha_2
    except LookupError:
        try:
            return pycountry.countries.search_fuzzy(name)[0].alpha_2
        except LookupError:
            return ""


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def csv_list_read(text: str, *, list_name: str) -> tuple[ListEntry, ...]:
    """The entries of a CSV list (see the module)."""
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != CSV_COLUMNS:
        raise WatchlistInvalid(
            _("The columns are %(columns)s.") % {"columns": ",".join(CSV_COLUMNS)}
        )
    entries, seen = [], set()
    for line, row in enumerate(reader, start=2):
        reference, name = (row["reference"] or "").strip(), (row["name"] or "").strip()
        if not reference or not name:
            raise WatchlistInvalid(_("Line %(line)s: a reference and a name are needed.")
                                   % {"line": line})  # fmt: skip
        if reference in seen:
            raise WatchlistInvalid(_("Line %(line)s: the reference %(reference)s appears twice.")
                                   % {"line": line, "reference": reference})  # fmt: skip
        seen.add(reference)
        born = (row["birth_date"] or "").strip()
        nationalities = tuple(
            code.strip().upper() for code in (row["nationality"] or "").split(";") if code.strip()
        )
        unknown = [c for c in nationalities if pycountry.countries.get(alpha_2=c) is None]
        if unknown:
            raise WatchlistInvalid(ngettext(
                "Line %(line)s: %(codes)s is not an ISO country code.",
                "Line %(line)s: %(codes)s are not ISO country codes.", len(unknown),
            ) % {"line": line, "codes": ", ".join(unknown)})  # fmt: skip
        exact = bool(born) and not _YEAR.match(born)
        born_on = _date(born) if exact else None
        if exact and born_on is None:
            raise WatchlistInvalid(_("Line %(line)s: %(text)s is not a date (YYYY-MM-DD).")
                                   % {"line": line, "text": repr(born)})  # fmt: skip
        entries.append(ListEntry(
            list_name=list_name, reference=reference,
            names=(name, *(a.strip() for a in (row["aliases"] or "").split(";") if a.strip())),
            birth_dates=(born_on,) if born_on else (),
            birth_years=(int(born),) if _YEAR.match(born) else (),
            nationalities=nationalities,
        ))  # fmt: skip
    return tuple(entries)
