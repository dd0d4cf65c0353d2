""" "My data" as a document a person can read: the data download's dict (``personal_data_export``,
the same one the JSON file holds) laid out in sections, with labels in the active language.

Nothing is read here: every value comes from the export, shown as the export has it (the
customer's own data, unmasked, as in the JSON). Known parts and keys get their section and
label; anything else a module exports still appears, under its part's name, so the document is
never less complete than the JSON.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from hujin.core.dates import business_time_zone
from hujin.privacy.data_labels import KEY_LABELS, SECTION_TITLES, VALUE_LABELS

MOMENT_KEYS = {"date_joined", "last_login", "started", "last_seen", "ended", "at"}
DAY_KEYS = {"birth_date"}
STATUS_KEYS = {"status", "kyc_status", "provider_decision"}
# Shown through "answer" and "question_text", in the reader's language.
HIDDEN_KEYS = {"answer_zh", "question", "question_text_zh"}


@dataclass(frozen=True, slots=True)
class Value:
    """One value and how a page shows it: text, moment (|when), day (|day), status
    (status_badge), money (|money, ``label`` its currency), yes / no, or empty (—)."""

    kind: str
    value: Any = None
    label: str = ""


@dataclass(frozen=True, slots=True)
class Row:
    label: str
    value: Value


@dataclass(slots=True)
class Table:
    caption: str
    columns: list[str]
    rows: list[list[Value]]


@dataclass(slots=True)
class Section:
    key: str
    title: str
    fields: list[Row] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.fields and not any(t.rows for t in self.tables)


@dataclass(frozen=True, slots=True)
class DataDocument:
    generated_at: datetime | None
    sections: list[Section]


def _label(key: str) -> str:
    known = KEY_LABELS.get(key)
    return str(known) if known is not None else key.replace("_", " ").capitalize()


def _moment(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def _value(key: str, raw: Any, row: dict | None = None) -> Value:
    if raw is None or raw == "" or raw == []:
        return Value("empty")
    if isinstance(raw, bool):
        return Value("yes" if raw else "no")
    currency = (row or {}).get("currency")
    if isinstance(raw, int) and key.endswith("_minor") and currency:
        return Value("money", raw, str(currency))
    if isinstance(raw, str):
        if key in MOMENT_KEYS or key.endswith("_at"):
            moment = _moment(raw)
            if moment is not None:
                return Value("moment", moment)
        if key in DAY_KEYS or key.endswith("_date"):
            try:
                return Value("day", date.fromisoformat(raw))
            except ValueError:
                pass
        if key in STATUS_KEYS:
            label = VALUE_LABELS.get(key, {}).get(raw)
            return Value("status", raw, str(label) if label is not None else "")
        label = VALUE_LABELS.get(key, {}).get(raw)
        if label is not None:
            return Value("text", str(label))
        return Value("text", raw)
    if isinstance(raw, dict):
        return Value("text", " · ".join(f"{_label(k)}: {_text(k, v)}" for k, v in raw.items()))
    if isinstance(raw, list):
        return Value("text", ", ".join(_text(key, v) for v in raw))
    return Value("text", raw)


def _text(key: str, raw: Any) -> str:
    value = _value(key, raw)
    if value.kind == "empty":
        return "—"
    if value.kind in ("yes", "no"):
        return str(_("Yes") if value.kind == "yes" else _("No"))
    return str(value.label or value.value)


def _fields(data: dict, keys: list[str] | None = None) -> list[Row]:
    keys = [k for k in (keys if keys is not None else data) if k in data and k not in HIDDEN_KEYS]
    return [Row(_label(k), _value(k, data[k], data)) for k in keys]


def _table(rows: list[dict], *, caption: str = "", columns: list[str] | None = None) -> Table:
    if columns is None:
        columns = []
        for row in rows:
            columns += [k for k in row if k not in columns and k not in HIDDEN_KEYS]
    return Table(
        caption=caption,
        columns=[_label(c) for c in columns],
        rows=[[_value(c, row.get(c), row) for c in columns] for row in rows],
    )


def _zh() -> bool:
    return (get_language() or "").lower().startswith("zh")


def _answers_table(assessment: dict) -> Table:
    answers = []
    for answer in assessment.get("answers") or []:
        shown = dict(answer)
        if _zh() and answer.get("answer_zh"):
            shown["answer"] = answer["answer_zh"]
        if _zh() and answer.get("question_text_zh"):
            shown["question_text"] = answer["question_text_zh"]
        answers.append(shown)
    assessed = _moment(assessment.get("assessed_at") or "")
    day = timezone.localtime(assessed, business_time_zone()).date() if assessed else ""
    caption = pgettext_lazy("data document", "Your answers on %(day)s") % {"day": str(day)}
    return _table(answers, caption=str(caption), columns=["question_text", "answer", "score"])


def _generic(part: dict) -> tuple[list[Row], list[Table]]:
    """Whatever a part exports that no section below knows, shown as it is."""
    fields, tables = [], []
    for key, raw in part.items():
        if isinstance(raw, list) and raw and all(isinstance(r, dict) for r in raw):
            tables.append(_table(raw, caption=_label(key)))
        elif (
            isinstance(raw, dict)
            and raw
            and all(not isinstance(v, dict | list) for v in raw.values())
        ):
            fields += [Row(f"{_label(key)} · {_label(k)}", _value(k, v)) for k, v in raw.items()]
        else:
            fields.append(Row(_label(key), _value(key, raw)))
    return fields, tables


def _section(key: str) -> Section:
    return Section(key=key, title=str(SECTION_TITLES[key]))


def data_document(data: dict) -> DataDocument:
    """The sections of the data download ``data`` (``personal_data_export``'s dict)."""
    parts = {name: dict(part or {}) for name, part in (data.get("parts") or {}).items()}
    identity = parts.pop("identity", {})
    customers = parts.pop("customers", {})
    suitability = parts.pop("suitability", {})
    privacy = parts.pop("privacy", {})

    profile = _section("profile")
    sessions = identity.pop("sessions", [])
    security_events = identity.pop("security_events", [])
    profile.fields = _fields(identity) + _fields(customers.pop("customer", {}) or {})
    identity = {}  # every key of it is in the profile now

    verification = _section("verification")
    verification.tables = [_table(customers.pop("verification_applications", []))]

    risk = _section("risk")
    assessments = suitability.pop("assessments", [])
    columns = [k for a in assessments[:1] for k in a if k != "answers"] or None
    risk.tables = [_table(assessments, columns=columns)]
    risk.tables += [_answers_table(a) for a in assessments if a.get("answers")]

    consents = _section("consents")
    consents.tables = [_table(privacy.pop("consents", []))]
    requests = _section("requests")
    requests.tables = [_table(privacy.pop("requests", []))]
    devices = _section("sessions")
    devices.tables = [_table(sessions)]
    security = _section("security")
    security.tables = [_table(security_events)]

    sections = [profile, verification, risk, consents, requests, devices, security]
    # Accounts and balances, from whichever module exports them (as "accounts").
    accounts = [a for part in (customers, *parts.values()) for a in part.pop("accounts", [])]
    if accounts:
        section = _section("accounts")
        section.tables = [_table(accounts)]
        sections.insert(1, section)
    leftovers = {"identity": identity, "customers": customers, "suitability": suitability,
                 "privacy": privacy, **parts}  # fmt: skip
    for name, part in leftovers.items():
        if part:
            fields, tables = _generic(part)
            title = SECTION_TITLES.get(name)
            sections.append(
                Section(
                    key=f"part-{name}",
                    title=str(title) if title is not None else _label(name),
                    fields=fields,
                    tables=tables,
                )
            )
    return DataDocument(generated_at=_moment(data.get("generated_at") or ""), sections=sections)
