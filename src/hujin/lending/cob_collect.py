"""Collecting what is due, and paying out what waits:

- ``loans_disburse``: signed loans the lender's funds could not cover yet are paid out, oldest
  first, as far as the funds go.
- ``dues_collect``: on and after each due date, the wallet pays what is due, as much as it holds
  (a short wallet pays part, not nothing), one repayment per loan per date (idempotent on
  ``lending:auto:<date>``; keys under ``lending:`` are the system's own).
- ``on_money_arrived``: a top-up or a transfer received by a customer with something overdue
  pays it at once, from what arrived.
"""

import uuid
from datetime import date, datetime

from django.db.models import Min

from hujin.core.dates import business_date_get
from hujin.customers.selectors import wallet_account_of
from hujin.ledger.selectors import Balances, account_get
from hujin.lending import types as t
from hujin.lending.accounts import ACTOR
from hujin.lending.errors import (
    FundingExhausted,
    InsufficientFunds,
    LoanStateInvalid,
    RepaymentInvalid,
)
from hujin.lending.models import Instalment, Loan
from hujin.lending.services.loans import loan_disburse
from hujin.lending.services.repayments import loan_repay


def loans_disburse(*, business_date: date, now: datetime) -> dict:
    waiting = Loan.objects.filter(state=t.LOAN_SIGNED).order_by("signed_at")
    paid = left = 0
    for loan_id in waiting.values_list("id", flat=True):
        try:
            loan_disburse(actor=ACTOR, loan_id=loan_id, now=now, business_date=business_date)
            paid += 1
        except FundingExhausted:
            left += 1
        except LoanStateInvalid:
            left += 1
    return {"disbursed": paid, "waiting": left}


def wallet_available(wallet_id: uuid.UUID | None) -> int:
    if wallet_id is None:
        return 0
    account = account_get(actor=ACTOR, account_id=wallet_id)
    return max(0, Balances.of_account(account).available(account.kind))


def collect(loan: Loan, *, key: str, business_date: date, now: datetime) -> int:
    """Take from the wallet what it holds of what the loan owes by ``business_date`` (what is
    due is worked out again under the loan's lock: the customer may have paid meanwhile)."""
    amount = wallet_available(wallet_account_of(customer_id=loan.customer_id))
    if amount <= 0:
        return 0
    try:
        event = loan_repay(actor=ACTOR, loan_id=loan.id, amount_minor=amount,
                           idempotency_key=key, now=now, business_date=business_date,
                           source="auto_debit", due_only=True)  # fmt: skip
    except (InsufficientFunds, LoanStateInvalid, RepaymentInvalid):
        return 0  # nothing due, or spent meanwhile: the next chance takes it
    return event.amount_minor


def dues_collect(*, business_date: date, now: datetime) -> dict:
    due = (
        Instalment.objects.filter(
            loan__state=t.LOAN_ACTIVE, superseded=False, paid_on=None, due_date__lte=business_date
        )
        .values("loan_id")
        .annotate(first=Min("due_date"))
        .order_by("first", "loan_id")
    )
    loans = collected = amount = 0
    for row in due:
        loan = Loan.objects.get(id=row["loan_id"])
        loans += 1
        taken = collect(loan, key=f"lending:auto:{business_date}", business_date=business_date,
                        now=now)  # fmt: skip
        collected += bool(taken)
        amount += taken
    return {"loans_due": loans, "collected": collected, "amount_minor": amount}


def on_money_arrived(event) -> None:
    """payments.payment_succeeded (a top-up) / payments.transfer_succeeded (to the payee): the
    customer's overdue instalments are paid from the wallet at once."""
    payload = event.payload
    if event.event_type.endswith("transfer_succeeded"):
        customer_id = payload.get("payee_customer_id")
    elif payload.get("kind") == "topup":
        customer_id = payload.get("customer_id")
    else:
        return
    business_date = business_date_get(now=event.occurred_at)
    overdue = Loan.objects.filter(customer_id=customer_id, state=t.LOAN_ACTIVE,
                                  dpd__gt=0).order_by("created_at")  # fmt: skip
    for loan in overdue:
        collect(loan, key=f"lending:arrival:{event.event_id}", business_date=business_date,
                now=event.occurred_at)  # fmt: skip
