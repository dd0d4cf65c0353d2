"""The customer's statements over the JSON API, mounted at /api/v1/me/ beside cards and wallet
behind the customer's access token (``request.actor`` is the customer): their payments and the
transfers they received (filtered, in cursor pages), one of them, and a month's statement.

Each endpoint makes one selector call as that customer. Another customer's payment is 404
``payment_not_found``, the same as one that does not exist. Money goes out as decimal strings
("1234.50") next to its currency; counterparties masked. The wall clock is read here.
"""

import uuid
from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema

from hujin.core.money import format_minor
from hujin.payments import selectors
from hujin.payments.schemas import ErrorOut
from hujin.payments.types import PAYMENT_STATUSES

router = Router()

Kind = Literal["topup", "withdrawal", "transfer_out", "transfer_in"]
PaymentStatus = Literal[PAYMENT_STATUSES]


def _errors(*statuses: int) -> dict[int, type[ErrorOut]]:
    """Every operation may answer 400, 401 (no valid access token) and 422 (input)."""
    return {status: ErrorOut for status in (400, 401, 422, *statuses)}


class StatementQuery(Schema):
    kind: Kind | None = Field(None, description="Only this kind of entry.")
    status: PaymentStatus | None = Field(None, description="Only payments in this state.")
    from_date: date | None = Field(
        None, description="Asked for on or after this calendar date (Asia/Shanghai)."
    )
    to_date: date | None = Field(None, description="Asked for on or before this calendar date.")
    before: uuid.UUID | None = Field(None, description="The page older than this entry.")
    after: uuid.UUID | None = Field(None, description="The page newer than this entry.")
    limit: int = Field(25, ge=1, le=200)


class StatementEntryOut(Schema):
    id: uuid.UUID
    kind: str = Field(description="topup, withdrawal, transfer_out or transfer_in.")
    direction: str = Field(description='"in" (into the wallet) or "out".')
    status: str = Field(description="created, pending, review, unknown, succeeded or failed.")
    amount: str = Field(description="As asked, a decimal string.", examples=["120.00"])
    signed_amount: str = Field(description="With the direction's sign.", examples=["-120.00"])
    fee: str
    currency: str
    reference: str = Field(description="The payment's short reference, for support.")
    channel_reference: str = Field(description='The bank\'s reference ("" for a transfer).')
    counterparty: str = Field(description='Masked: "工商银行 ···· 1234" or "张*".')
    created_at: datetime
    finished_at: datetime | None


class StatementPageOut(Schema):
    items: list[StatementEntryOut]
    older_cursor: str | None = Field(description="Pass as ``before`` for the older page.")
    newer_cursor: str | None = Field(description="Pass as ``after`` for the newer page.")


class StatementLineOut(Schema):
    at: datetime
    label: str
    counterparty: str
    reference: str
    payment_id: uuid.UUID | None = Field(description="None for a movement of another module.")
    amount: str = Field(description="+ into the wallet, - out of it.", examples=["-120.00"])
    is_fee: bool
    balance_after: str


class MonthlyStatementOut(Schema):
    month: str = Field(examples=["2026-03"])
    first_day: date
    last_day: date
    currency: str
    wallet_open: bool
    complete: bool = Field(description="False while the month is not over.")
    opening_balance: str
    money_in: str
    money_out: str
    fees: str
    closing_balance: str = Field(description="opening + money_in - money_out - fees.")
    lines: list[StatementLineOut] = Field(description="Each posted movement, in order.")
    not_posted: list[StatementEntryOut] = Field(
        description="The month's payments still in flight or failed: they moved nothing."
    )


def _entry(entry) -> dict:
    money = lambda minor: format_minor(minor, entry.currency)  # noqa: E731
    return {
        "id": entry.id, "kind": entry.kind, "direction": entry.direction,
        "status": entry.status, "amount": money(entry.amount_minor),
        "signed_amount": money(entry.signed_minor), "fee": money(entry.fee_minor),
        "currency": entry.currency, "reference": entry.reference,
        "channel_reference": entry.channel_reference, "counterparty": entry.counterparty,
        "created_at": entry.created_at, "finished_at": entry.finished_at,
    }  # fmt: skip


@router.get(
    "payments",
    response={200: StatementPageOut, **_errors()},
    operation_id="me_payments_list",
    summary="My payments and the transfers I received",
)
def payments_list(request, query: Query[StatementQuery]):
    """Newest first, in cursor pages. 400 ``statement_filter_invalid`` (a start date after the
    end date)."""
    page = selectors.my_statement_page(
        actor=request.actor,
        filters=selectors.statement_filters(
            kind=query.kind or "", status=query.status or "", from_date=query.from_date,
            to_date=query.to_date,
        ),
        before=query.before, after=query.after, limit=query.limit,
    )  # fmt: skip
    return {
        "items": [_entry(entry) for entry in page.entries],
        "older_cursor": page.older_cursor,
        "newer_cursor": page.newer_cursor,
    }


@router.get(
    "payments/{payment_id}",
    response={200: StatementEntryOut, **_errors(404)},
    operation_id="me_payments_get",
    summary="One of my payments, or a transfer I received",
)
def payment_get(request, payment_id: uuid.UUID):
    """404 ``payment_not_found``, also for another customer's payment."""
    return _entry(selectors.my_statement_entry(actor=request.actor, payment_id=payment_id))


@router.get(
    "statements/{month}",
    response={200: MonthlyStatementOut, **_errors(404)},
    operation_id="me_statement_month",
    summary="My wallet's statement for a calendar month",
)
def statement_month(request, month: str):
    """``month`` as ``2026-03`` (calendar month, Asia/Shanghai). 400 ``statement_month_invalid``;
    404 ``statement_month_not_found`` for a month after this one or before 2000."""
    statement = selectors.my_monthly_statement(
        actor=request.actor, month=selectors.statement_month(month), now=timezone.now()
    )
    money = lambda minor: format_minor(minor, statement.currency)  # noqa: E731
    return {
        "month": statement.month.strftime("%Y-%m"), "first_day": statement.month,
        "last_day": statement.last_day, "currency": statement.currency,
        "wallet_open": statement.wallet_open, "complete": statement.complete,
        "opening_balance": money(statement.opening_minor),
        "money_in": money(statement.money_in_minor), "money_out": money(statement.money_out_minor),
        "fees": money(statement.fees_minor), "closing_balance": money(statement.closing_minor),
        "lines": [
            {"at": line.at, "label": line.label, "counterparty": line.counterparty,
             "reference": line.reference, "payment_id": line.payment_id,
             "amount": money(line.amount_minor), "is_fee": line.is_fee,
             "balance_after": money(line.balance_after_minor)}
            for line in statement.lines
        ],
        "not_posted": [_entry(entry) for entry in statement.not_posted],
    }  # fmt: skip
