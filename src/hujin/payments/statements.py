"""The customer's statements: their own payments as one history (top-ups, withdrawals, transfers
sent and transfers received), filtered and paged, and the wallet's statement for a calendar
month. Re-exported by ``payments.selectors``: the public face.

Everything here is read as the customer ``actor`` acts as: a payment of anyone else (neither
theirs nor paid to them) is PaymentNotFound, as if it did not exist. Counterparties leave masked
(a card as ``工商银行 ···· 1234``, a person as ``张*``); amounts stay in minor units.

The monthly statement reads the wallet's balances and movements from the ledger
(``account_statement_between``, as the customer: the ledger's own scope holds too), over the
calendar month in the business time zone. Only posted movements move the balance, so opening +
money in − money out − fees = closing always holds; the month's payments still in flight or
failed are listed apart, moving nothing.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor
from hujin.core.dates import business_time_zone
from hujin.core.errors import InvalidInput, NotFound
from hujin.core.masking import mask_name
from hujin.core.pages import keyset_page
from hujin.customers.selectors import accounts_of, own_standing
from hujin.ledger import selectors as ledger
from hujin.payments.errors import PaymentNotFound
from hujin.payments.models import Payment
from hujin.payments.presenters import bank_name
from hujin.payments.types import PAYMENT_CURRENCY, PAYMENT_STATUSES, TOPUP, TRANSFER, WITHDRAWAL

# What a statement calls an entry: a payment's kind, a transfer split by its direction.
TRANSFER_OUT = "transfer_out"
TRANSFER_IN = "transfer_in"
STATEMENT_KINDS = (TOPUP, WITHDRAWAL, TRANSFER_OUT, TRANSFER_IN)
KIND_LABELS = {
    TOPUP: _("Top-up"),
    WITHDRAWAL: _("Withdrawal"),
    TRANSFER_OUT: _("Transfer sent"),
    TRANSFER_IN: _("Transfer received"),
}
PAGE_SIZE = 25
MAX_EXPORT_ROWS = 10_000  # one CSV; a customer with more narrows the dates
FIRST_YEAR = 2000
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)
_WALLET_CODE = "2001.wallet"  # the customer's wallet in the ledger (customers opens it)


class StatementFilterInvalid(InvalidInput):
    code = "statement_filter_invalid"
    message = _("Choose a kind and a status from the list, and a start date on or before the end.")


class StatementMonthInvalid(InvalidInput):
    code = "statement_month_invalid"
    message = _("A month is written as year and month, like 2026-03.")


class StatementMonthNotFound(NotFound):
    code = "statement_month_not_found"
    message = _("There is no statement for that month yet.")


@dataclass(frozen=True, slots=True)
class StatementFilters:
    """What a history is narrowed to: a kind (STATEMENT_KINDS), a payment status, the calendar
    dates (business time zone) the payments were asked for on, both ends included."""

    kind: str = ""
    status: str = ""
    from_date: date | None = None
    to_date: date | None = None

    @property
    def any(self) -> bool:
        return bool(self.kind or self.status or self.from_date or self.to_date)


@dataclass(frozen=True, slots=True)
class StatementEntry:
    """One payment as the customer's history shows it. ``amount_minor`` is what was asked;
    ``signed_minor`` is it with the direction's sign (+ into the wallet, − out of it)."""

    id: uuid.UUID
    kind: str  # STATEMENT_KINDS
    label: str  # the kind in the viewer's language
    direction: str  # "in" or "out"
    status: str
    amount_minor: int
    signed_minor: int
    fee_minor: int
    currency: str
    reference: str  # the payment's short reference, for support
    channel_reference: str  # the bank's reference ("" for a transfer between customers)
    counterparty: str  # masked: "工商银行 ···· 1234" or "张*"
    created_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class StatementPage:
    entries: list[StatementEntry]
    filters: StatementFilters
    newer_cursor: str | None
    older_cursor: str | None


@dataclass(frozen=True, slots=True)
class StatementLine:
    """One posted movement of the wallet in a month: + in, − out, and the balance after it."""

    at: datetime
    label: str
    counterparty: str
    reference: str
    payment_id: uuid.UUID | None  # None for a movement another module made (a purchase, ...)
    amount_minor: int
    is_fee: bool
    balance_after_minor: int


@dataclass(frozen=True, slots=True)
class MonthlyStatement:
    month: date  # its first day
    last_day: date
    currency: str
    wallet_open: bool
    complete: bool  # False while the month is not over
    opening_minor: int = 0
    money_in_minor: int = 0
    money_out_minor: int = 0
    fees_minor: int = 0
    closing_minor: int = 0
    lines: list[StatementLine] = field(default_factory=list)
    not_posted: list[StatementEntry] = field(default_factory=list)


def short_reference(payment_id: uuid.UUID) -> str:
    """The payment's short reference: the last 12 hex digits of its id (the random part)."""
    return payment_id.hex[-12:].upper()


def statement_filters(
    *, kind: str = "", status: str = "", from_date: date | None = None,
    to_date: date | None = None,
) -> StatementFilters:  # fmt: skip
    """The filters, checked. Raises StatementFilterInvalid."""
    if kind not in ("", *STATEMENT_KINDS) or status not in ("", *PAYMENT_STATUSES):
        raise StatementFilterInvalid(details={"kind": kind, "status": status})
    if from_date and to_date and from_date > to_date:
        raise StatementFilterInvalid(
            details={"from_date": from_date.isoformat(), "to_date": to_date.isoformat()}
        )
    return StatementFilters(kind=kind, status=status, from_date=from_date, to_date=to_date)


def _day_start(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=business_time_zone())


def _mine(customer_id: uuid.UUID, filters: StatementFilters):
    by_kind = {
        TOPUP: Q(customer_id=customer_id, kind=TOPUP),
        WITHDRAWAL: Q(customer_id=customer_id, kind=WITHDRAWAL),
        TRANSFER_OUT: Q(customer_id=customer_id, kind=TRANSFER),
        TRANSFER_IN: Q(payee_id=customer_id, kind=TRANSFER),
    }
    rows = Payment.objects.select_related("card", "customer", "payee").filter(
        by_kind.get(filters.kind) or Q(customer_id=customer_id) | Q(payee_id=customer_id)
    )
    if filters.status:
        rows = rows.filter(status=filters.status)
    if filters.from_date:
        rows = rows.filter(created_at__gte=_day_start(filters.from_date))
    if filters.to_date:
        rows = rows.filter(created_at__lt=_day_start(filters.to_date + timedelta(days=1)))
    return rows


def _counterparty(payment: Payment, incoming: bool) -> str:
    if payment.kind == TRANSFER:
        return mask_name((payment.customer if incoming else payment.payee).legal_name)
    card = payment.card
    return " ".join(part for part in (bank_name(card.bank_code), "····", card.last4) if part)


def statement_entry_of(payment: Payment, *, customer_id: uuid.UUID) -> StatementEntry:
    """``payment`` as ``customer_id`` (its payer or its payee) sees it."""
    incoming = payment.kind == TOPUP or (
        payment.kind == TRANSFER and payment.payee_id == customer_id
    )
    if payment.kind == TRANSFER:
        kind = TRANSFER_IN if payment.payee_id == customer_id else TRANSFER_OUT
    else:
        kind = payment.kind
    return StatementEntry(
        id=payment.id, kind=kind, label=str(KIND_LABELS[kind]),
        direction="in" if incoming else "out", status=payment.status,
        amount_minor=payment.amount,
        signed_minor=payment.amount if incoming else -payment.amount,
        fee_minor=payment.fee if not (payment.kind == TRANSFER and incoming) else 0,
        currency=payment.currency, reference=short_reference(payment.id),
        channel_reference=payment.channel_reference,
        counterparty=_counterparty(payment, payment.kind == TRANSFER and incoming),
        created_at=payment.created_at, finished_at=payment.finished_at,
    )  # fmt: skip


def _customer_id(actor: Actor) -> uuid.UUID | None:
    standing = own_standing(actor=actor)
    return standing.customer_id if standing is not None else None


def my_statement_page(
    *, actor: Actor, filters: StatementFilters = StatementFilters(),
    before: uuid.UUID | None = None, after: uuid.UUID | None = None, limit: int = PAGE_SIZE,
) -> StatementPage:  # fmt: skip
    """The customer's own payments and the transfers they received, newest first, one keyset
    page at a time (``before``: older than that payment, ``after``: newer). Anyone but a
    customer gets an empty page."""
    customer_id = _customer_id(actor)
    if customer_id is None:
        return StatementPage([], filters, None, None)
    limit = max(1, min(limit, 200))
    page = keyset_page(_mine(customer_id, filters), before=before, after=after, limit=limit)
    entries = [statement_entry_of(p, customer_id=customer_id) for p in page.rows]
    return StatementPage(entries, filters, page.newer_cursor, page.older_cursor)


def my_statement_rows(*, actor: Actor, filters: StatementFilters) -> list[StatementEntry]:
    """Every entry the filters keep, oldest first (the CSV), at most MAX_EXPORT_ROWS."""
    customer_id = _customer_id(actor)
    if customer_id is None:
        return []
    rows = _mine(customer_id, filters).order_by("created_at", "id")[:MAX_EXPORT_ROWS]
    return [statement_entry_of(p, customer_id=customer_id) for p in rows]


def my_statement_entry(*, actor: Actor, payment_id: uuid.UUID) -> StatementEntry:
    """One of the customer's payments, or a transfer paid to them. PaymentNotFound otherwise."""
    customer_id = _customer_id(actor)
    payment = (
        _mine(customer_id, StatementFilters()).filter(id=payment_id).first()
        if customer_id is not None
        else None
    )
    if payment is None:
        raise PaymentNotFound()
    return statement_entry_of(payment, customer_id=customer_id)


# -- the monthly statement ----------------------------------------------------------------------


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return _day_start(month), _day_start(following)


def statement_month(text: str) -> date:
    """``"2026-03"`` as the month's first day. Raises StatementMonthInvalid."""
    found = _MONTH.fullmatch(text or "")
    try:
        if found is None:
            raise ValueError(text)
        return date(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise StatementMonthInvalid(details={"month": (text or "")[:20]}) from None


def _wallet_id(actor: Actor, customer_id: uuid.UUID | None) -> uuid.UUID | None:
    if customer_id is None:
        return None
    lines = accounts_of(actor=actor, customer_id=customer_id)
    return next((a.id for a in lines if a.code == _WALLET_CODE and not a.closed), None)


def my_statement_months(*, actor: Actor, now: datetime) -> list[date]:
    """The months the customer has a statement for, newest first: from the month their wallet
    opened or they first paid, whichever came first, to ``now``'s month."""
    customer_id = _customer_id(actor)
    if customer_id is None:
        return []
    starts = []
    wallet_id = _wallet_id(actor, customer_id)
    if wallet_id is not None:
        starts.append(ledger.account_get(actor=actor, account_id=wallet_id).created_at)
    first = _mine(customer_id, StatementFilters()).order_by("created_at").first()
    if first is not None:
        starts.append(first.created_at)
    if not starts:
        return []
    zone = business_time_zone()
    month = min(starts).astimezone(zone).date().replace(day=1)
    last = now.astimezone(zone).date().replace(day=1)
    months = []
    while month <= last:
        months.append(month)
        month = (month + timedelta(days=32)).replace(day=1)
    return months[::-1]


def _is_fee(code: str) -> bool:
    # The ledger's fee codes: "fee.transfer", "payments.fee", "payments.withdrawal.fee"...
    return "fee" in code.split(".")


def _lines(actor, customer_id, wallet_id, from_at, to_at):
    """The month's ledger statement of the wallet, every page, and its posted movements."""
    statement, entries, after = None, [], None
    while True:
        page = ledger.account_statement_between(
            actor=actor, account_id=wallet_id, from_at=from_at, to_at=to_at, after_seq=after,
            limit=ledger.MAX_PAGE,
        )  # fmt: skip
        statement = statement or page
        entries += page.entries
        after = page.next_after_seq
        if after is None:
            return statement, [e for e in entries if e.kind in ledger.POSTING_KINDS]


def _payments_by_transfer(customer_id, transfer_ids) -> dict[uuid.UUID, Payment]:
    rows = _mine(customer_id, StatementFilters()).filter(
        Q(hold_transfer_id__in=transfer_ids) | Q(resolution_transfer_id__in=transfer_ids)
    )
    found = {}
    for payment in rows:
        found[payment.hold_transfer_id] = payment
        if payment.resolution_transfer_id is not None:
            found[payment.resolution_transfer_id] = payment
    return found


def _line(entry, payment, customer_id, kind) -> StatementLine:
    sign = 1 if entry.side == "credit" else -1
    label = counterparty = reference = ""
    if payment is not None:
        shown = statement_entry_of(payment, customer_id=customer_id)
        label, counterparty, reference = shown.label, shown.counterparty, shown.reference
    else:
        label = str(ledger.transfer_code_label(entry.code) or _("Other movement"))
    return StatementLine(
        at=entry.created_at, label=label, counterparty=counterparty, reference=reference,
        payment_id=payment.id if payment is not None else None,
        amount_minor=sign * entry.amount, is_fee=sign < 0 and _is_fee(entry.code),
        balance_after_minor=entry.balances_after.net(kind),
    )  # fmt: skip


def my_monthly_statement(*, actor: Actor, month: date, now: datetime) -> MonthlyStatement:
    """The wallet over the calendar ``month`` (its first day; business time zone): the opening
    balance, each posted movement, the totals in, out and in fees, the closing balance, and the
    month's payments that moved nothing (still in flight, or failed). A month before 2000 or
    after ``now``'s is StatementMonthNotFound; before the wallet opens, everything is zero."""
    from_at, to_at = _month_bounds(month)
    if month.year < FIRST_YEAR or from_at > now:
        raise StatementMonthNotFound(details={"month": month.strftime("%Y-%m")})
    customer_id = _customer_id(actor)
    wallet_id = _wallet_id(actor, customer_id)
    last_day = (to_at - timedelta(days=1)).date()
    not_posted = []
    if customer_id is not None:
        month_filter = StatementFilters(from_date=month, to_date=last_day)
        rows = _mine(customer_id, month_filter).exclude(status="succeeded")
        not_posted = [
            statement_entry_of(p, customer_id=customer_id)
            for p in rows.order_by("created_at", "id")
        ]
    empty = MonthlyStatement(
        month=month, last_day=last_day, currency=PAYMENT_CURRENCY, wallet_open=False,
        complete=to_at <= now, not_posted=not_posted,
    )  # fmt: skip
    if wallet_id is None:
        return empty
    statement, posted = _lines(actor, customer_id, wallet_id, from_at, to_at)
    kind = statement.account.kind
    payments = _payments_by_transfer(customer_id, [e.transfer_id for e in posted])
    lines = [_line(e, payments.get(e.transfer_id), customer_id, kind) for e in posted]
    fees = -sum(line.amount_minor for line in lines if line.is_fee)
    return MonthlyStatement(
        month=month, last_day=last_day, currency=statement.account.currency, wallet_open=True,
        complete=to_at <= now, opening_minor=statement.opening.net(kind),
        money_in_minor=statement.credits_posted_total,
        money_out_minor=statement.debits_posted_total - fees, fees_minor=fees,
        closing_minor=statement.closing.net(kind), lines=lines, not_posted=not_posted,
    )  # fmt: skip
