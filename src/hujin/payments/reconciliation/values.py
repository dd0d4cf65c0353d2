"""What the reconciliation's reads return (plain values for the pages, never querysets), and
the labels of its kinds, buckets and actions in the viewer's language."""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.payments.models_reconciliation import (
    AMOUNT_MISMATCH,
    DUPLICATE,
    MISSING_AT_CHANNEL,
    MISSING_IN_HUJIN,
    REASON_FILE_CHANGED,
    REASON_FILE_MALFORMED,
    REASON_FILE_MISSING,
    REASON_SEQUENCE_GAP,
    STATUS_MISMATCH,
)

KIND_LABELS = {
    MISSING_IN_HUJIN: _("Missing in Hujin"),
    MISSING_AT_CHANNEL: _("Missing at the channel"),
    AMOUNT_MISMATCH: _("Amount differs"),
    STATUS_MISMATCH: _("Status differs"),
    DUPLICATE: _("Duplicate at the channel"),
}
REASON_LABELS = {
    REASON_FILE_MISSING: _("The channel's file is missing."),
    REASON_FILE_CHANGED: _("The channel's file changed since it was read."),
    REASON_SEQUENCE_GAP: _("A file is missing in the channel's sequence."),
    REASON_FILE_MALFORMED: _("The channel's file does not follow the format."),
}
# (key, label, first day, last day or None)
BUCKETS = (
    ("0-1", pgettext_lazy("age", "0–1 days"), 0, 1),
    ("2-7", pgettext_lazy("age", "2–7 days"), 2, 7),
    ("8-30", pgettext_lazy("age", "8–30 days"), 8, 30),
    ("30+", pgettext_lazy("age", "Over 30 days"), 31, None),
)
ACTION_LABELS = {
    "wallet_credit": _("Credit the customer's wallet from the clearing account"),
    "wallet_debit": _("Debit the customer's wallet back to the clearing account"),
    "in_flight_credit": _("Return a withdrawal in flight to the customer's wallet"),
    "in_flight_debit": _("Debit the customer's wallet for a withdrawal paid out"),
    "suspense_in": _("Move the amount from the clearing account to suspense"),
    "suspense_out": _("Move the amount from suspense to the clearing account"),
}
# Badge keys (hujin.core.statuses; registered by PaymentsConfig).
RUN_RECONCILED = "reconciliation_green"
RUN_WITH_BREAKS = "reconciliation_breaks"
RUN_INCOMPLETE_BADGE = "reconciliation_incomplete"
BREAK_UNRESOLVED = "break_unresolved"
BREAK_WAITING = "break_waiting"
BREAK_DONE = "break_resolved"


def age_bucket(days: int) -> str:
    """The age bucket of a break ``days`` old: 0–1, 2–7, 8–30, over 30 days."""
    for key, _label, first, last in BUCKETS:
        if days >= first and (last is None or days <= last):
            return key
    return BUCKETS[0][0]


def bucket_label(key: str) -> str:
    return str(next((label for k, label, *_ in BUCKETS if k == key), key))


@dataclass(frozen=True, slots=True)
class RunRow:
    id: uuid.UUID
    channel: str
    business_date: date
    badge: str
    reason: str  # translated, "" when complete
    file_sha256: str
    file_lines: int
    opening_minor: int
    flows_minor: int
    in_transit_minor: int
    breaks_minor: int
    corrections_minor: int
    closing_minor: int
    residual_minor: int
    matched_count: int
    in_flight_count: int
    breaks_new: int
    breaks_persisting: int
    breaks_resolved: int
    replay: bool
    started_at: datetime
    green: bool


@dataclass(frozen=True, slots=True)
class BreakRow:
    id: uuid.UUID
    channel: str
    business_date: date
    reference: str
    kind: str
    kind_label: str
    badge: str
    direction: str
    channel_amount_minor: int | None
    hujin_amount_minor: int | None
    currency: str
    channel_status: str
    hujin_status: str
    age_days: int
    bucket: str
    bucket_label: str
    first_seen_at: datetime
    last_seen_at: datetime
    times_seen: int
    payment_id: uuid.UUID | None
    resolution: str
    resolution_note: str
    resolved_at: datetime | None
    resolution_transfer_id: uuid.UUID | None


@dataclass(frozen=True, slots=True)
class RunReport:
    run: RunRow
    breaks: list[BreakRow]


@dataclass(frozen=True, slots=True)
class Count:
    key: str
    label: str
    n: int


@dataclass(frozen=True, slots=True)
class BreakQueue:
    rows: list[BreakRow]
    by_kind: list[Count] = field(default_factory=list)
    by_bucket: list[Count] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class BreakDetail:
    item: BreakRow
    may_propose: bool
    suggested_action: str
    suggested_amount_minor: int
    actions: list[tuple[str, str]]
    approval_request_id: uuid.UUID | None
    waiting_for_checker: bool
