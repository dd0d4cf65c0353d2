"""The three-way match of one channel and business date: the channel's file, Hujin's payments
(by the channel's reference, or the payment id the file carries when Hujin never learnt the
reference) and the ledger (each payment's hold and its resolution). It reads and never writes;
``runs`` records what it found.

What Hujin compares for a business date: every line of the file, and every payment of the
channel asked for that day (created within it, business time zone). A payment still in flight
(created, pending, unknown) is a timing difference, not a break, until the grace period after
the day's cut-off has passed (``HUJIN_PAYMENTS_RECONCILIATION_GRACE_HOURS``, default 2); so is
one the channel settled early the next day (it is in the next day's file).
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings

from hujin.core.actors import system_actor
from hujin.core.dates import business_time_zone
from hujin.ledger.selectors import transfers_get_many
from hujin.payments.models import Payment
from hujin.payments.models_reconciliation import (
    AMOUNT_MISMATCH,
    DUPLICATE,
    MISSING_AT_CHANNEL,
    MISSING_IN_HUJIN,
    STATUS_MISMATCH,
)
from hujin.payments.reconciliation.files import ChannelFile, FileLine
from hujin.payments.types import (
    PAYMENT_CREATED,
    PAYMENT_FAILED,
    PAYMENT_PENDING,
    PAYMENT_SUCCEEDED,
    PAYMENT_UNKNOWN,
    TOPUP,
    TRANSFER,
)

ACTOR = system_actor("payments")
BREAK_NAMESPACE = uuid.UUID("5d0c7a9e-2b1f-5c8e-9f3a-6e4d2c1b0a97")
IN_FLIGHT = (PAYMENT_CREATED, PAYMENT_PENDING, PAYMENT_UNKNOWN)
LEDGER_STATUS = {"post_pending": PAYMENT_SUCCEEDED, "void_pending": PAYMENT_FAILED}


def break_key(channel: str, reference: str, kind: str) -> uuid.UUID:
    """A break's stable id: the same difference found by any run is the same break."""
    return uuid.uuid5(BREAK_NAMESPACE, f"{channel}:{reference}:{kind}")


def grace_period() -> timedelta:
    return timedelta(hours=float(getattr(settings, "HUJIN_PAYMENTS_RECONCILIATION_GRACE_HOURS", 2)))


def day_bounds(business_date: date) -> tuple[datetime, datetime]:
    start = datetime.combine(business_date, time(0), tzinfo=business_time_zone())
    return start, start + timedelta(days=1)


@dataclass(frozen=True, slots=True)
class Found:
    """One difference, as a break would record it."""

    kind: str
    reference: str
    direction: str = ""
    channel_amount_minor: int | None = None
    hujin_amount_minor: int | None = None
    channel_status: str = ""
    hujin_status: str = ""
    payment_id: uuid.UUID | None = None


@dataclass(slots=True)
class Match:
    found: list[Found] = field(default_factory=list)
    matched: int = 0
    in_flight: int = 0


def _direction(payment: Payment) -> str:
    return "in" if payment.kind == TOPUP else "out"


def _ledger_statuses(payments: list[Payment]) -> dict[uuid.UUID, str]:
    """What the ledger says became of each payment's hold: succeeded (posted), failed (voided)
    or "" (still pending, or no resolution)."""
    ids = [p.resolution_transfer_id for p in payments if p.resolution_transfer_id]
    transfers = transfers_get_many(actor=ACTOR, transfer_ids=ids) if ids else []
    by_pending = {t.pending_id: LEDGER_STATUS.get(t.kind, "") for t in transfers}
    return {p.id: by_pending.get(p.hold_transfer_id, "") for p in payments}


def _hujin_side(payment: Payment, reference: str, **extra) -> dict:
    return {
        "reference": reference, "direction": _direction(payment),
        "hujin_amount_minor": payment.amount, "hujin_status": payment.status,
        "payment_id": payment.id, **extra,
    }  # fmt: skip


def _compare(line: FileLine, payment: Payment, ledger: str, late: bool, match: Match) -> None:
    side = _hujin_side(payment, line.reference, channel_amount_minor=line.amount_minor,
                       channel_status=line.status)  # fmt: skip
    if payment.status in IN_FLIGHT:
        if late:
            match.found.append(Found(kind=STATUS_MISMATCH, **side))
        else:
            match.in_flight += 1
    elif ledger != payment.status:  # Hujin's payment and the ledger disagree
        match.found.append(Found(kind=STATUS_MISMATCH, **{**side, "hujin_status": ledger or "-"}))
    elif line.status != payment.status:
        match.found.append(Found(kind=STATUS_MISMATCH, **side))
    elif line.status == PAYMENT_SUCCEEDED and line.amount_minor != payment.amount:
        match.found.append(Found(kind=AMOUNT_MISMATCH, **side))
    else:
        match.matched += 1


def match_day(
    *, channel: str, business_date: date, file: ChannelFile, next_day_references: set[str],
    now: datetime,
) -> Match:  # fmt: skip
    """Every difference between ``file`` and Hujin's payments and ledger for the day."""
    start, end = day_bounds(business_date)
    late = now >= end + grace_period()
    groups: dict[str, list[FileLine]] = {}
    for line in file.lines:
        groups.setdefault(line.reference, []).append(line)
    ids = {line.payment_id for line in file.lines if line.payment_id}
    rows = Payment.objects.filter(channel=channel).exclude(kind=TRANSFER)
    candidates = list(
        rows.filter(channel_reference__in=list(groups)) | rows.filter(id__in=list(ids))
        | rows.filter(created_at__gte=start, created_at__lt=end)
    )  # fmt: skip
    by_reference = {p.channel_reference: p for p in candidates if p.channel_reference}
    by_id = {p.id: p for p in candidates}
    ledger = _ledger_statuses(candidates)
    match, seen = Match(), set()
    for reference, lines in groups.items():
        line = lines[0]
        payment = by_reference.get(reference) or (
            by_id.get(line.payment_id) if line.payment_id else None
        )
        if len(lines) > 1:
            match.found.append(
                Found(kind=DUPLICATE, reference=reference, direction=line.direction,
                      channel_amount_minor=sum(x.amount_minor for x in lines[1:]),
                      channel_status=line.status,
                      payment_id=payment.id if payment else None,
                      hujin_amount_minor=payment.amount if payment else None,
                      hujin_status=payment.status if payment else "")
            )  # fmt: skip
        if payment is None:
            match.found.append(
                Found(kind=MISSING_IN_HUJIN, reference=reference, direction=line.direction,
                      channel_amount_minor=line.amount_minor, channel_status=line.status)
            )  # fmt: skip
            continue
        seen.add(payment.id)
        _compare(line, payment, ledger[payment.id], late, match)
    for payment in candidates:
        if payment.id in seen or not (start <= payment.created_at < end):
            continue
        reference = payment.channel_reference or str(payment.id)
        if payment.status == PAYMENT_SUCCEEDED or payment.status in IN_FLIGHT:
            if reference in next_day_references or (payment.status in IN_FLIGHT and not late):
                match.in_flight += 1
            else:
                side = _hujin_side(payment, reference)
                match.found.append(Found(kind=MISSING_AT_CHANNEL, **side))
    return match
