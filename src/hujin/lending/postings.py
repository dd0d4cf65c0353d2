"""The ledger transfers of a loan's events (accounts.py explains the accounts). Each event is
one linked chain, all or nothing, its transfer ids derived from the event's id, so a retry names
the same transfers and the ledger answers ``exists``."""

import uuid
from datetime import date, datetime

from hujin.ledger.services import transfers_chain
from hujin.ledger.types import TransferRequest
from hujin.lending import types as t
from hujin.lending.accounts import ACTOR, CURRENCY, event_transfer_id, house_id, loan_account_id


def _move(event_id: uuid.UUID, step: str, debit: uuid.UUID, credit: uuid.UUID, amount: int,
          loan_id: uuid.UUID, code: str) -> TransferRequest:  # fmt: skip
    return TransferRequest(
        id=event_transfer_id(event_id, step), debit_account_id=debit, credit_account_id=credit,
        amount=amount, currency=CURRENCY, code=f"lending.{code}",
        metadata={"loan_id": str(loan_id)},
    )  # fmt: skip


def disbursement(*, event_id, loan_id, wallet_id, principal_minor: int,
                 upfront_fee_minor: int) -> list[TransferRequest]:  # fmt: skip
    requests = [
        _move(event_id, "cash", house_id("funding"), wallet_id, principal_minor, loan_id,
              "disbursement"),
        _move(event_id, "claim", loan_account_id(loan_id, "principal"), house_id("loan_book"),
              principal_minor, loan_id, "disbursement"),
    ]  # fmt: skip
    if upfront_fee_minor:
        requests.append(_move(event_id, "fee", wallet_id, house_id("fee_income"),
                              upfront_fee_minor, loan_id, "fee"))  # fmt: skip
    return requests


def funding(*, transfer_id: uuid.UUID, amount_minor: int) -> TransferRequest:
    """The lender's funds arrive at the custodian: custody → funding."""
    return TransferRequest(id=transfer_id, debit_account_id=house_id("custody"),
                           credit_account_id=house_id("funding"), amount=amount_minor,
                           currency=CURRENCY, code="lending.funding")  # fmt: skip


def accrual(*, event_id, loan_id, part: str, amount_minor: int) -> TransferRequest:
    """Interest (or penalty) recognised: receivable ← income."""
    income = "interest_income" if part == t.INTEREST else "penalty_income"
    return _move(event_id, f"accrue_{part}", loan_account_id(loan_id, part), house_id(income),
                 amount_minor, loan_id, f"accrual.{part}")  # fmt: skip


def repayment(*, event_id, loan_id, wallet_id, parts: dict[str, int],
              step: str = "") -> list[TransferRequest]:  # fmt: skip
    """What a repayment's allocation posts, part by part (``step`` prefixes the transfers'
    names when one event posts more than one set)."""
    requests = []
    principal = parts.get(t.PRINCIPAL, 0)
    if principal:
        requests += [
            _move(event_id, f"{step}principal", wallet_id, house_id("funding"), principal,
                  loan_id, "repayment.principal"),
            _move(event_id, f"{step}claim", house_id("loan_book"),
                  loan_account_id(loan_id, "principal"), principal, loan_id,
                  "repayment.principal"),
        ]  # fmt: skip
    for part in (t.INTEREST, t.PENALTY):
        if parts.get(part):
            requests.append(_move(event_id, f"{step}{part}", wallet_id,
                                  loan_account_id(loan_id, part), parts[part], loan_id,
                                  f"repayment.{part}"))  # fmt: skip
    if parts.get(t.FEES):
        requests.append(_move(event_id, f"{step}fees", wallet_id, house_id("fee_income"),
                              parts[t.FEES], loan_id, "repayment.fees"))  # fmt: skip
    return requests


def recognition_adjustment(*, event_id, loan_id, part: str,
                           amount_minor: int) -> list[TransferRequest]:  # fmt: skip
    """Interest or penalty recognised again: more (receivable ← income) or less (income ←
    receivable)."""
    if amount_minor > 0:
        return [accrual(event_id=event_id, loan_id=loan_id, part=part,
                        amount_minor=amount_minor)]  # fmt: skip
    if amount_minor < 0:
        income = "interest_income" if part == t.INTEREST else "penalty_income"
        return [_move(event_id, f"{part}_reversal", house_id(income),
                      loan_account_id(loan_id, part), -amount_minor, loan_id,
                      f"accrual.{part}")]  # fmt: skip
    return []


def _reversal(event_id, loan_id, wallet_id, part: str, amount: int) -> list[TransferRequest]:
    """A part's repayment postings undone: its accounts back to the wallet."""
    if part == t.PRINCIPAL:
        return [
            _move(event_id, "back_principal", house_id("funding"), wallet_id, amount, loan_id,
                  "repayment.principal"),
            _move(event_id, "back_claim", loan_account_id(loan_id, "principal"),
                  house_id("loan_book"), amount, loan_id, "repayment.principal"),
        ]  # fmt: skip
    source = house_id("fee_income") if part == t.FEES else loan_account_id(loan_id, part)
    return [_move(event_id, f"back_{part}", source, wallet_id, amount, loan_id,
                  f"repayment.{part}")]  # fmt: skip


def reallocation(*, event_id, loan_id, wallet_id,
                 delta: dict[str, int]) -> list[TransferRequest]:  # fmt: skip
    """The money of a replay moved between parts, through the wallet: what a part gives back
    first, then what the parts take (the wallet pays the late repayment, less any refund)."""
    requests = []
    for part, amount in delta.items():
        if amount < 0:
            requests += _reversal(event_id, loan_id, wallet_id, part, -amount)
    taken = {part: amount for part, amount in delta.items() if amount > 0}
    return requests + repayment(event_id=event_id, loan_id=loan_id, wallet_id=wallet_id,
                                parts=taken, step="move_")  # fmt: skip


def write_off(*, event_id, loan_id, part: str, amount_minor: int) -> TransferRequest:
    """A receivable taken off into the write-off expense."""
    return _move(event_id, f"write_off_{part}", house_id("write_off"),
                 loan_account_id(loan_id, part), amount_minor, loan_id,
                 f"write_off.{part}")  # fmt: skip


def recovery(*, event_id, loan_id, wallet_id, amount_minor: int) -> TransferRequest:
    """Money paid after a write-off: the wallet → recovery income."""
    return _move(event_id, "recovery", wallet_id, house_id("recovery_income"), amount_minor,
                 loan_id, "recovery")  # fmt: skip


def book(requests: list[TransferRequest], *, now: datetime, business_date: date) -> str:
    """Apply the chain; ``ok`` or the first refusal's result code (``exists`` counts as done)."""
    return transfers_chain(transfers=requests, actor=ACTOR, now=now, business_date=business_date)
