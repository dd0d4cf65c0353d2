"""The ledger accounts lending moves money through, opened idempotently.

Per loan (the lender's, not the customer's: a freeze of the customer stops the wallet paying,
never the accrual):
- ``1301.lending.principal`` (asset): the principal the customer owes. Debited by the
  disbursement, credited by every principal repayment and by a write-off.
- ``1302.lending.interest`` (asset): interest accrued and not yet collected; the close of
  business accrues into it day by day, collection takes from it.
- ``1303.lending.penalty`` (asset): penalty interest accrued on overdue principal, not yet
  collected.
For all loans:
- ``1011.lending.custody`` (asset): the lender's money at the platform's custodian bank, debited
  when operations record its arrival (``funding_add``).
- ``2410.lending.funding`` (liability, debits never above credits): the lender's funds on the
  platform. Operations credit it when the lender funds lending; a disbursement takes from it, so
  no loan can be disbursed beyond what was funded; principal collected returns to it.
- ``3410.lending.loan_book`` (equity): the counterpart of the principal receivables: claims
  created less claims repaid.
- ``6011.lending.interest_income``, ``6012.lending.penalty_income``, ``6013.lending.fee_income``
  (income), ``6014.lending.recovery_income`` (recoveries after a write-off).
- ``6611.lending.write_off`` (expense): what a write-off takes off the receivables (principal,
  and interest and penalty recognised but never collected). The loan book's credit balance is
  then the principal outstanding plus the principal written off.

A disbursement is one linked chain: funding → the wallet (the cash), and loan book → principal
(the claim); with a one-off fee, the wallet → fee income. A repayment is the mirror: the wallet
→ funding and principal → loan book for the principal; the wallet → the interest and penalty
receivables for what they held; the wallet → fee income for fees.

Their ids are UUIDv5 of their names, so every process opens the same accounts; the transfers of
a loan's event derive from the event's id the same way."""

import uuid
from datetime import datetime

from django.db import IntegrityError, transaction

from hujin.core.actors import system_actor
from hujin.ledger.services import account_create

ACTOR = system_actor("lending")
NAMESPACE = uuid.UUID("7b1e9c3a-0d52-5f7e-9a41-6c2d8e0f3b17")
CURRENCY = "CNY"

CUSTODY_CODE = "1011.lending.custody"
PRINCIPAL_CODE = "1301.lending.principal"
INTEREST_CODE = "1302.lending.interest"
PENALTY_CODE = "1303.lending.penalty"
FUNDING_CODE = "2410.lending.funding"
LOAN_BOOK_CODE = "3410.lending.loan_book"
INTEREST_INCOME_CODE = "6011.lending.interest_income"
PENALTY_INCOME_CODE = "6012.lending.penalty_income"
FEE_INCOME_CODE = "6013.lending.fee_income"
RECOVERY_INCOME_CODE = "6014.lending.recovery_income"
WRITE_OFF_CODE = "6611.lending.write_off"

# name -> (code, kind, debits_must_not_exceed_credits, label)
HOUSE = {
    "custody": (CUSTODY_CODE, "asset", False, "Lender funds at the custodian bank"),
    "funding": (FUNDING_CODE, "liability", True, "Lender funding"),
    "loan_book": (LOAN_BOOK_CODE, "equity", False, "Loan book"),
    "interest_income": (INTEREST_INCOME_CODE, "income", False, "Loan interest income"),
    "penalty_income": (PENALTY_INCOME_CODE, "income", False, "Loan penalty interest income"),
    "fee_income": (FEE_INCOME_CODE, "income", False, "Loan fee income"),
    "recovery_income": (RECOVERY_INCOME_CODE, "income", False, "Recoveries after write-off"),
    "write_off": (WRITE_OFF_CODE, "expense", False, "Loans written off"),
}
PER_LOAN = {
    "principal": (PRINCIPAL_CODE, "Loan principal"),
    "interest": (INTEREST_CODE, "Loan interest receivable"),
    "penalty": (PENALTY_CODE, "Loan penalty receivable"),
}


def _id(name: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, name)


def house_id(name: str) -> uuid.UUID:
    HOUSE[name]  # a typo is a KeyError, not a new account
    return _id(f"lending.{name}")


def loan_account_id(loan_id: uuid.UUID, part: str) -> uuid.UUID:
    PER_LOAN[part]
    return _id(f"lending.{part}:{loan_id}")


def event_transfer_id(event_id: uuid.UUID, step: str) -> uuid.UUID:
    """The ledger transfer of a loan event's ``step``: a retry can only name the same one."""
    return uuid.uuid5(event_id, f"lending.{step}")


def house_accounts_open(*, now: datetime) -> None:
    for name, (code, kind, limited, label) in HOUSE.items():
        try:
            with transaction.atomic():  # a savepoint: another process may open it at once
                account_create(id=house_id(name), currency=CURRENCY, code=code, kind=kind,
                               name=label, actor=ACTOR, now=now,
                               debits_must_not_exceed_credits=limited)  # fmt: skip
        except IntegrityError:
            pass


def loan_accounts_open(*, loan_id: uuid.UUID, number: str, now: datetime) -> None:
    for part, (code, label) in PER_LOAN.items():
        account_create(id=loan_account_id(loan_id, part), currency=CURRENCY, code=code,
                       kind="asset", name=f"{label}: {number}", actor=ACTOR, now=now)  # fmt: skip
