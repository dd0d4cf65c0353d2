"""The file a report is filed in: XML in UTF-8, one ``ReportFile`` holding one report (or, for
large-value reports, every approved report of one business date). The format is documented
element by element in docs/modules/risk-reports.md; ``tests/risk/test_reports_export.py``
parses an exported file back and checks every element.

The file carries the customer's full legal name and identity document (the authority is owed
them): it is built only when a report is exported, its text is kept encrypted at rest
(``core.crypto``), and the customer's data is read through customers' selectors with an audit
entry of the reveal.
"""

import hashlib
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from datetime import date, datetime

from hujin.core.actors import Actor
from hujin.core.crypto import decrypt, encrypt
from hujin.core.dates import business_time_zone
from hujin.core.money import format_minor
from hujin.core.text import CONTROL  # the characters XML 1.0 cannot carry
from hujin.customers.selectors import customer_360, customers_screening_facts
from hujin.risk.errors import ReportIdentityUnverified
from hujin.risk.models_cases import STR, Report

FORMAT_VERSION = "1"
PURPOSE = "risk.report.file"  # the encryption's purpose of a kept file
DIRECTIONS = {"in": "received", "out": "paid"}


@dataclass(frozen=True, slots=True)
class ReportFile:
    name: str
    content: bytes
    sha256: str


@dataclass(frozen=True, slots=True)
class Identity:
    type: str  # individual | enterprise
    name: str
    id_type: str  # the document's type as customers name it (resident_id, uscc...)
    id_number: str
    nationality: str  # ISO 3166 alpha-2, "" when unknown


def _text(parent: ET.Element, tag: str, value) -> ET.Element:
    element = ET.SubElement(parent, tag)
    # A second guard: the narrative's edit refuses them, but a case's text may still hold them.
    element.text = "" if value is None else CONTROL.sub("", str(value))
    return element


def identity_for_filing(*, actor: Actor, customer_id, now: datetime) -> Identity:
    """The customer's full identity as the authority is owed it (customers audit the reveal),
    from their newest verified application only. Raises customers' NotPermitted without the
    personal-data permission, CustomerNotFound, ReportIdentityUnverified."""
    seen = customer_360(actor=actor, customer_id=uuid.UUID(str(customer_id)), reveal=True,
                        now=now)  # fmt: skip
    verified = [a for a in seen.applications if a.status == "verified"]
    if not verified:
        raise ReportIdentityUnverified(details={"customer_id": str(customer_id)})
    latest = verified[0]  # newest first
    facts = customers_screening_facts(customer_ids=[customer_id])
    return Identity(
        type=seen.row.type,
        name=latest.legal_name or seen.legal_name,
        id_type=latest.document_type,
        id_number=latest.document_number,
        nationality=facts[0].nationality if facts else "",
    )


def counterparty_names(reports: list[Report]) -> dict[str, str]:
    """The legal names of the counterparties that are customers (their id as is -> name)."""
    ids = set()
    for report in reports:
        for t in report.content.get("transactions", []):
            other = t.get("counterparty", "")
            if other and not other.startswith("card:"):
                ids.add(other)
    facts = customers_screening_facts(customer_ids=ids) if ids else []
    return {str(f.customer_id): f.legal_name for f in facts}


def _local(at: str) -> str:
    return datetime.fromisoformat(at).astimezone(business_time_zone()).isoformat()


def _transaction(parent: ET.Element, t: dict, names: dict[str, str]) -> None:
    element = ET.SubElement(parent, "Transaction")
    _text(element, "Time", _local(t["occurred_at"]))
    _text(element, "Kind", t.get("kind", ""))
    _text(element, "Direction", DIRECTIONS.get(t.get("direction", ""), ""))
    _text(element, "AmountMinor", t["amount_minor"])
    _text(element, "Amount", format_minor(t["amount_minor"], t.get("currency") or "CNY"))
    _text(element, "Currency", t.get("currency", ""))
    _text(element, "Channel", t.get("channel", ""))
    _text(element, "Status", t.get("status", ""))
    other = t.get("counterparty", "")
    party = ET.SubElement(element, "Counterparty")
    if not t.get("counterparty_kept", True):
        party.set("type", "not_kept")
        _text(party, "Reference", "")
        _text(party, "Name", "")
    elif other.startswith("card:"):
        party.set("type", "card")
        _text(party, "Reference", other.removeprefix("card:"))
        _text(party, "Name", "")
    elif other:
        party.set("type", "customer")
        _text(party, "Reference", other)
        _text(party, "Name", names.get(other, ""))
    else:
        party.set("type", "unknown")
        _text(party, "Reference", "")
        _text(party, "Name", "")


def _report(parent: ET.Element, report: Report, who: Identity, names: dict[str, str]) -> None:
    element = ET.SubElement(parent, "Report")
    _text(element, "ReportNumber", report.number)
    _text(element, "Kind", report.kind.upper())
    _text(element, "OccurredOn", report.occurred_on.isoformat())
    _text(element, "DueOn", report.due_on.isoformat())
    _text(element, "ApprovedAt", report.approved_at.isoformat() if report.approved_at else "")
    customer = ET.SubElement(element, "Customer")
    _text(customer, "Type", who.type)
    _text(customer, "Name", who.name)
    _text(customer, "IdType", who.id_type)
    _text(customer, "IdNumber", who.id_number)
    _text(customer, "Nationality", who.nationality)
    transactions = report.content.get("transactions", [])
    listed = ET.SubElement(element, "Transactions", {"count": str(len(transactions))})
    for t in transactions:
        _transaction(listed, t, names)
    if report.kind == STR:
        _text(element, "Typology", report.content.get("typology", ""))
        _text(element, "Narrative", report.content.get("narrative", ""))
    else:
        criteria = ET.SubElement(element, "Criteria")
        for code in report.content.get("rules", []):
            _text(criteria, "Rule", code)


def batch_prefix(institution: str, on: date) -> str:
    return f"{institution}_LV_{on:%Y%m%d}_"


def file_name(reports: list[Report], *, institution: str, on: date | None = None,
              sequence: int = 1) -> str:  # fmt: skip
    """``<institution>_<report number>.xml`` for one report; ``<institution>_LV_<date>_<nn>.xml``
    for a date's large-value reports, ``nn`` the date's ``sequence``-th batch (01, 02, ...: a
    late report of a date already filed goes in a file of its own)."""
    if len(reports) == 1 and on is None:
        return f"{institution}_{reports[0].number}.xml"
    return f"{batch_prefix(institution, on)}{sequence:02d}.xml"


def file_build(
    reports: list[Report], identities: dict, *, institution: dict, name: str, now: datetime
) -> ReportFile:
    """The file of ``reports`` (``identities``: customer id -> Identity)."""
    root = ET.Element("ReportFile", {"version": FORMAT_VERSION})
    header = ET.SubElement(root, "Header")
    reporter = ET.SubElement(header, "Institution")
    _text(reporter, "Code", institution["code"])
    _text(reporter, "Name", institution["name"])
    _text(header, "FileName", name)
    _text(header, "CreatedAt", now.astimezone(business_time_zone()).isoformat())
    _text(header, "ReportCount", len(reports))
    names = counterparty_names(reports)
    for report in reports:
        _report(root, report, identities[str(report.customer_id)], names)
    ET.indent(root)
    content = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return ReportFile(name=name, content=content, sha256=hashlib.sha256(content).hexdigest())


def file_kept(file: ReportFile) -> str:
    """The file's text as a report keeps it: encrypted."""
    return encrypt(file.content.decode("utf-8"), purpose=PURPOSE)


def file_from_kept(token: str, name: str) -> ReportFile:
    content = decrypt(token, purpose=PURPOSE).encode("utf-8")
    return ReportFile(name=name, content=content, sha256=hashlib.sha256(content).hexdigest())
