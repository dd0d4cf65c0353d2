"""``hujin lending verify``: the schedule and the ledger agree, loan by loan.

For every disbursed loan:
- its principal account's balance is the principal not yet repaid, and the open instalments of
  its current schedule owe exactly that principal;
- its interest and penalty receivables hold what was recognised less what was collected;
- it is settled exactly when its current schedule has nothing open, and a settled loan's
  receivables are empty;
and the loan book's balance is the principal of all loans together not repaid (written off
included)."""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, F, Sum

from hujin.ledger.selectors import accounts_get_many
from hujin.lending import types as t
from hujin.lending.accounts import ACTOR, house_id, loan_account_id
from hujin.lending.models import Instalment, Loan

BATCH = 2000


@dataclass(frozen=True, slots=True)
class Problem:
    loan: str
    check: str
    expected: int
    found: int


def _debit_balance(account) -> int:
    return 0 if account is None else account.debits_posted - account.credits_posted


def _open_principal(loan_ids) -> dict:
    rows = (
        Instalment.objects.filter(loan_id__in=loan_ids, superseded=False)
        .filter(loan__schedule_version=F("schedule_version"))
        .values("loan_id")
        .annotate(due=Sum("principal_minor"), paid=Sum("principal_paid_minor"))
    )
    return {r["loan_id"]: int(r["due"] - r["paid"]) for r in rows}


def _open_count(loan_ids) -> dict:
    rows = (
        Instalment.objects.filter(loan_id__in=loan_ids, superseded=False, paid_on=None)
        .filter(loan__schedule_version=F("schedule_version"))
        .values("loan_id")
        .annotate(n=Count("id"))
    )
    return {r["loan_id"]: r["n"] for r in rows}


def _check_batch(loans: list[Loan]) -> Iterable[Problem]:
    ids = [loan.id for loan in loans]
    accounts = accounts_get_many(
        actor=ACTOR,
        account_ids=[loan_account_id(i, part) for i in ids for part in ("principal", "interest",
                                                                        "penalty")],
    )  # fmt: skip
    open_principal = _open_principal(ids)
    open_count = _open_count(ids)
    for loan in loans:
        owed = loan.principal_minor - loan.principal_paid_minor
        if loan.state == t.LOAN_WRITTEN_OFF:
            owed = 0
        checks = [
            ("principal_account", owed,
             _debit_balance(accounts.get(loan_account_id(loan.id, "principal")))),
            ("schedule_principal", loan.principal_minor - loan.principal_paid_minor,
             open_principal.get(loan.id, 0)),
            ("interest_account", loan.interest_accrued_minor - loan.interest_paid_minor,
             _debit_balance(accounts.get(loan_account_id(loan.id, "interest")))),
            ("penalty_account", loan.penalty_accrued_minor - loan.penalty_paid_minor,
             _debit_balance(accounts.get(loan_account_id(loan.id, "penalty")))),
            ("settled", int(loan.state == t.LOAN_SETTLED),
             int(open_count.get(loan.id, 0) == 0)),
        ]  # fmt: skip
        if loan.state == t.LOAN_SETTLED:  # nothing may be left to collect
            checks += [
                ("settled_interest", 0, loan.interest_accrued_minor - loan.interest_paid_minor),
                ("settled_penalty", 0, loan.penalty_accrued_minor - loan.penalty_paid_minor),
            ]
        if loan.state == t.LOAN_WRITTEN_OFF:
            checks = checks[:1]
        for check, expected, found in checks:
            if expected != found:
                yield Problem(loan=loan.number, check=check, expected=expected, found=found)


def lending_verify() -> tuple[int, list[Problem]]:
    """(loans checked, problems found): none means the schedule and the ledger agree."""
    problems: list[Problem] = []
    checked = 0
    owed_total = 0
    rows = Loan.objects.exclude(disbursed_at=None).order_by("id")
    last = None
    while True:
        page = rows if last is None else rows.filter(id__gt=last)
        batch = list(page[:BATCH])
        if not batch:
            break
        problems.extend(_check_batch(batch))
        checked += len(batch)
        # The loan book holds claims created less claims repaid: a written-off claim stays.
        owed_total += sum(loan.principal_minor - loan.principal_paid_minor for loan in batch)
        last = batch[-1].id
    if checked:
        book = accounts_get_many(actor=ACTOR, account_ids=[house_id("loan_book")])
        found = -_debit_balance(book.get(house_id("loan_book")))
        if found != owed_total:
            problems.append(Problem(loan="*", check="loan_book", expected=owed_total, found=found))
    return checked, problems
