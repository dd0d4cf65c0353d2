"""The customer's wallet statement for a calendar month (business time zone): the opening
balance, each posted movement with the balance after it, the totals in, out and in fees, and the
closing balance; the month's payments that moved nothing (still with the bank, or failed) are
listed apart. Re-exported by ``payments.selectors``: the public face.

Balances and movements are the ledger's (``account_statement_between``, read as the customer,
so the ledger's own scope holds too), by when each transfer was made. Only posted transfers move
a balance, so opening + in − out − fees = closing always holds. A movement whose ledger code has
a ``fee`` part (``payments.fee``, ``fee.transfer``) is a fee; one another module made (a
purchase) keeps its transfer code's label. A top-up's fee never touches the wallet (the wallet
receives the amount less the fee), so "in" is what arrived.
"""

import re
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from hujin.core.actors import Actor
from hujin.core.dates import business_time_zone
from hujin.core.errors import InvalidInput, NotFound
from hujin.customers.selectors import accounts_of
from hujin.ledger import selectors as ledger
from hujin.payments.models import Payment
from hujin.payments.services.house import payment_transfer_id
from hujin.payments.statements import (
    StatementEntry,
    StatementFilters,
    acting_customer_id,
    day_start,
    payments_of,
    statement_entry_of,
)
from hujin.payments.types import PAYMENT_CURRENCY, PAYMENT_SUCCEEDED

FIRST_YEAR = 2000
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)
_WALLET_CODE = "2001.wallet"  # the customer's wallet in the ledger (customers opens it)
# The steps of a payment whose ledger transfers are named after it (services.house).
_STEPS = ("hold", "post", "fee", "fee_post")


class StatementMonthInvalid(InvalidInput):
    code = "statement_month_invalid"
    message = _("A month is written as year and month, like 2026-03.")


class StatementMonthNotFound(NotFound):
    code = "statement_month_not_found"
    message = _("There is no statement for that month yet.")


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


def statement_month(text: str) -> date:
    """``"2026-03"`` as the month's first day. Raises StatementMonthInvalid."""
    found = _MONTH.fullmatch(text or "")
    try:
        if found is None:
            raise ValueError(text)
        return date(int(found[1]), int(found[2]), 1)
    except ValueError:
        raise StatementMonthInvalid(details={"month": (text or "")[:20]}) from None


def _month_bounds(month: date) -> tuple[datetime, datetime]:
    following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
    return day_start(month), day_start(following)


def _wallet_id(actor: Actor, customer_id: uuid.UUID | None) -> uuid.UUID | None:
    if customer_id is None:
        return None
    lines = accounts_of(actor=actor, customer_id=customer_id)
    return next((a.id for a in lines if a.code == _WALLET_CODE and not a.closed), None)


def my_statement_months(*, actor: Actor, now: datetime) -> list[date]:
    """The months the customer has a statement for, newest first: from the month their wallet
    opened or they first paid, whichever came first, to ``now``'s month."""
    customer_id = acting_customer_id(actor)
    if customer_id is None:
        return []
    starts = []
    wallet_id = _wallet_id(actor, customer_id)
    if wallet_id is not None:
        starts.append(ledger.account_get(actor=actor, account_id=wallet_id).created_at)
    first = payments_of(customer_id, StatementFilters()).order_by("created_at").first()
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
    return "fee" in code.split(".")


def _ledger_statement(actor, wallet_id, from_at, to_at):
    """The month's ledger statement of the wallet, every page read, and its posted movements."""
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


def _payments_by_transfer(customer_id, from_at, to_at) -> dict[uuid.UUID, Payment]:
    """The customer's payments that may have moved money in the period, by the ids of their
    ledger transfers (each named after its payment: the hold, its post, the fee's)."""
    rows = payments_of(customer_id, StatementFilters()).filter(created_at__lt=to_at)
    rows = rows.filter(
        Q(created_at__gte=from_at) | Q(finished_at__gte=from_at) | Q(finished_at__isnull=True)
    )
    found = {}
    for payment in rows:
        named = {payment_transfer_id(payment.id, step) for step in _STEPS}
        for transfer_id in named | {payment.hold_transfer_id, payment.resolution_transfer_id}:
            found[transfer_id] = payment
    found.pop(None, None)
    return found


def _line(entry, payment, customer_id, kind) -> StatementLine:
    sign = 1 if entry.side == "credit" else -1
    is_fee = sign < 0 and _is_fee(entry.code)
    label = counterparty = reference = ""
    if payment is not None:
        shown = statement_entry_of(payment, customer_id=customer_id)
        label, reference = shown.label, shown.reference
        counterparty = "" if is_fee else shown.counterparty
    if is_fee:
        label = pgettext("payment", "Fee")
    elif payment is None:
        label = str(ledger.transfer_code_label(entry.code) or _("Other movement"))
    return StatementLine(
        at=entry.created_at, label=label, counterparty=counterparty, reference=reference,
        payment_id=payment.id if payment is not None else None,
        amount_minor=sign * entry.amount, is_fee=is_fee,
        balance_after_minor=entry.balances_after.net(kind),
    )  # fmt: skip


def my_monthly_statement(*, actor: Actor, month: date, now: datetime) -> MonthlyStatement:
    """The wallet of the customer ``actor`` acts as over the calendar ``month`` (its first day).
    A month before 2000 or after ``now``'s is StatementMonthNotFound; before the wallet opens,
    every figure is zero (``wallet_open`` False)."""
    from_at, to_at = _month_bounds(month)
    if month.year < FIRST_YEAR or from_at > now:
        raise StatementMonthNotFound(details={"month": month.strftime("%Y-%m")})
    customer_id = acting_customer_id(actor)
    wallet_id = _wallet_id(actor, customer_id)
    last_day = (to_at - timedelta(days=1)).date()
    not_posted = []
    if customer_id is not None:
        in_month = StatementFilters(from_date=month, to_date=last_day)
        rows = payments_of(customer_id, in_month).exclude(status=PAYMENT_SUCCEEDED)
        not_posted = [
            statement_entry_of(p, customer_id=customer_id)
            for p in rows.order_by("created_at", "id")
        ]
    if wallet_id is None:
        return MonthlyStatement(
            month=month, last_day=last_day, currency=PAYMENT_CURRENCY, wallet_open=False,
            complete=to_at <= now, not_posted=not_posted,
        )  # fmt: skip
    statement, posted = _ledger_statement(actor, wallet_id, from_at, to_at)
    kind = statement.account.kind
    payments = _payments_by_transfer(customer_id, from_at, to_at)
    lines = [_line(e, payments.get(e.transfer_id), customer_id, kind) for e in posted]
    fees = -sum(line.amount_minor for line in lines if line.is_fee)
    return MonthlyStatement(
        month=month, last_day=last_day, currency=statement.account.currency, wallet_open=True,
        complete=to_at <= now, opening_minor=statement.opening.net(kind),
        money_in_minor=statement.credits_posted_total,
        money_out_minor=statement.debits_posted_total - fees, fees_minor=fees,
        closing_minor=statement.closing.net(kind), lines=lines, not_posted=not_posted,
    )  # fmt: skip
