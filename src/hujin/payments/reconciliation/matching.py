"""The three-way match of one channel and business date: the channel's file, Hujin's payments
(by the channel's reference, or the payment id the file carries when Hujin never learnt the
reference) and the ledger (each payment's hold and its resolution). It reads and never writes;
``runs`` records what it found.

What Hujin compares for a business date: every line of the file, and every payment of the
channel asked for that day (created within it, business time zone). A payment still in flight
(created, pending, unknown) is a timing difference, not a break, until the grace period after
the day's cut-off has passed (``HUJIN_PAYMENTS_RECONCILIATION_GRACE_HOURS``, default 2); so is
one the channel settled early the next day (it is in the next day's file).

For the statement of the channel's clearing account (top-ups only: withdrawals never touch it)
each reference also says how the ledger's flows of the day differ from the file's: ``effect``
(ledger minus file, fen) on a break, ``in_transit_minor`` for timing differences — a payment the
file lists that the ledger posted on another business date (the business date moves only at the
COB, so a callback just after midnight is posted on the closing day) or is still in flight, and a
top-up the ledger posted this day that another day's file lists.
"""

import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings

from hujin.core.actors import system_actor
from hujin.core.dates import business_time_zone
from hujin.ledger.selectors import transfers_get_many, transfers_list
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
    """One difference, as a break would record it; ``effect`` is what it makes the ledger's
    flows of the day on the clearing account differ from the file's (ledger minus file)."""

    kind: str
    reference: str
    direction: str = ""
    channel_amount_minor: int | None = None
    hujin_amount_minor: int | None = None
    channel_status: str = ""
    hujin_status: str = ""
    payment_id: uuid.UUID | None = None
    effect: int = 0


@dataclass(slots=True)
class Match:
    found: list[Found] = field(default_factory=list)
    matched: int = 0
    in_flight: int = 0
    in_transit_minor: int = 0

    @property
    def breaks_minor(self) -> int:
        return sum(item.effect for item in self.found)


@dataclass(frozen=True, slots=True)
class Ledger:
    """What the ledger says became of a payment's hold, and what it posted on the day."""

    status: str  # succeeded (posted), failed (voided) or "" (pending, or no resolution)
    posted_on_day: int  # fen posted to the clearing account on the business date (top-ups)


def _direction(payment: Payment) -> str:
    return "in" if payment.kind == TOPUP else "out"


def _ledger(payments: list[Payment], business_date: date) -> dict[uuid.UUID, Ledger]:
    ids = [p.resolution_transfer_id for p in payments if p.resolution_transfer_id]
    transfers = transfers_get_many(actor=ACTOR, transfer_ids=ids) if ids else []
    by_pending = {t.pending_id: t for t in transfers}
    answer = {}
    for p in payments:
        t = by_pending.get(p.hold_transfer_id)
        status = LEDGER_STATUS.get(t.kind, "") if t is not None else ""
        posted = (
            status == PAYMENT_SUCCEEDED and p.kind == TOPUP and t.business_date == business_date
        )
        answer[p.id] = Ledger(status=status, posted_on_day=t.amount if posted else 0)
    return answer


def _posted_on_day(business_date: date) -> set[uuid.UUID]:
    """The payments whose top-up the ledger posted on ``business_date``."""
    ids, before = set(), None
    while True:
        page = transfers_list(
            actor=ACTOR, code=f"payments.{TOPUP}", kind="post_pending",
            business_date=business_date, before_seq=before, limit=500,
        )  # fmt: skip
        ids |= {uuid.UUID(t.metadata["payment_id"]) for t in page.transfers
                if t.metadata.get("payment_id")}  # fmt: skip
        if page.next_before_seq is None:
            return ids
        before = page.next_before_seq


def _hujin_side(payment: Payment, reference: str, **extra) -> dict:
    return {
        "reference": reference, "direction": _direction(payment),
        "hujin_amount_minor": payment.amount, "hujin_status": payment.status,
        "payment_id": payment.id, **extra,
    }  # fmt: skip


def _settled_in(line: FileLine) -> int:
    """What a line says the channel collected into the clearing account."""
    return line.amount_minor if line.direction == "in" and line.status == "succeeded" else 0


def _compare(line: FileLine, payment: Payment, ledger: Ledger, late: bool, match: Match) -> None:
    side = _hujin_side(payment, line.reference, channel_amount_minor=line.amount_minor,
                       channel_status=line.status)  # fmt: skip
    effect = ledger.posted_on_day - _settled_in(line)
    if payment.status in IN_FLIGHT and not late:
        match.in_flight += 1
        match.in_transit_minor += effect
    elif payment.status in IN_FLIGHT:
        match.found.append(Found(kind=STATUS_MISMATCH, effect=effect, **side))
    elif ledger.status != payment.status:  # Hujin's payment and the ledger disagree
        side["hujin_status"] = ledger.status or "-"
        match.found.append(Found(kind=STATUS_MISMATCH, effect=effect, **side))
    elif line.status != payment.status:
        match.found.append(Found(kind=STATUS_MISMATCH, effect=effect, **side))
    elif line.status == PAYMENT_SUCCEEDED and line.amount_minor != payment.amount:
        match.found.append(Found(kind=AMOUNT_MISMATCH, effect=effect, **side))
    else:
        match.matched += 1
        match.in_transit_minor += effect  # 0, or posted on another business date


def _duplicate(reference: str, lines: list[FileLine], payment: Payment | None) -> Found:
    return Found(
        kind=DUPLICATE, reference=reference, direction=lines[0].direction,
        channel_amount_minor=sum(x.amount_minor for x in lines[1:]),
        channel_status=lines[0].status, payment_id=payment.id if payment else None,
        hujin_amount_minor=payment.amount if payment else None,
        hujin_status=payment.status if payment else "",
        effect=-sum(_settled_in(x) for x in lines[1:]),
    )  # fmt: skip


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
    posted = _posted_on_day(business_date)
    rows = Payment.objects.filter(channel=channel).exclude(kind=TRANSFER)
    candidates = list(
        rows.filter(channel_reference__in=list(groups)) | rows.filter(id__in=list(ids | posted))
        | rows.filter(created_at__gte=start, created_at__lt=end)
    )  # fmt: skip
    by_reference = {p.channel_reference: p for p in candidates if p.channel_reference}
    by_id = {p.id: p for p in candidates}
    ledger = _ledger(candidates, business_date)
    match, seen = Match(), set()
    for reference, lines in groups.items():
        line = lines[0]
        payment = by_reference.get(reference) or (
            by_id.get(line.payment_id) if line.payment_id else None
        )
        if len(lines) > 1:
            match.found.append(_duplicate(reference, lines, payment))
        if payment is None:
            match.found.append(
                Found(kind=MISSING_IN_HUJIN, reference=reference, direction=line.direction,
                      channel_amount_minor=line.amount_minor, channel_status=line.status,
                      effect=-_settled_in(line))
            )  # fmt: skip
            continue
        seen.add(payment.id)
        _compare(line, payment, ledger[payment.id], late, match)
    for payment in candidates:
        if payment.id in seen:
            continue
        on_day = ledger[payment.id].posted_on_day
        reference = payment.channel_reference or str(payment.id)
        if not (start <= payment.created_at < end):
            match.in_transit_minor += on_day  # another day's payment, posted today
        elif payment.status == PAYMENT_SUCCEEDED or payment.status in IN_FLIGHT:
            if reference in next_day_references or (payment.status in IN_FLIGHT and not late):
                match.in_flight += 1
                match.in_transit_minor += on_day
            else:
                side = _hujin_side(payment, reference)
                match.found.append(Found(kind=MISSING_AT_CHANNEL, effect=on_day, **side))
    return match
