"""The characteristics of an application, assembled from what Hujin knows of the customer and
what the credit bureau reports: exactly the names the scorecard was trained on
(scorecard.generate.FEATURES), with the same units (years, days, yuan, counts, ratios).

Nothing personal leaves this module: the features are numbers and bands, the bureau is asked
with the blind index of the document number, and the application keeps the features it was
scored on."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Q, Sum

from hujin.core.sql import Dialect, hot_rows
from hujin.customers.selectors import CreditFacts
from hujin.identity.selectors import security_events_count
from hujin.ledger.selectors import daily_balances
from hujin.lending import types as t
from hujin.lending.accounts import ACTOR
from hujin.lending.bureau import BureauReport, bureau
from hujin.lending.models import Instalment, LoanEvent
from hujin.payments.selectors import payments_failed_count
from hujin.suitability.selectors import risk_level_current

WINDOW_DAYS = 90


@dataclass(frozen=True, slots=True)
class Assessed:
    features: dict
    report: BureauReport
    age: int | None
    monthly_debt_minor: int  # instalments of the customer's open loans, per month
    overdue: bool  # an active loan past due, or one written off and not recovered in full


def age_on(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _yuan(minor: int | float) -> float:
    return round(float(minor) / 100, 2)


@dataclass(frozen=True, slots=True)
class LoanHistory:
    """What the customer's own loans say: how many (signed but never disbursed ones left out),
    the worst days past due, what the open ones cost a month, and whether one is overdue."""

    past: int
    worst_dpd: int | None
    burden_minor: int  # the next unpaid instalment of each open loan
    overdue: bool  # an active loan past due, or one written off and not recovered in full


def loan_history(customer_id) -> LoanHistory:
    """Read from the state and days past due of each of the customer's loans (a customer has
    a few); the instalments of open loans and the events of written-off ones are read only
    when there are such loans."""
    d = Dialect()
    loans = hot_rows(d, _LOANS_SQL, [d.uuid_in(uuid.UUID(str(customer_id)))])
    taken = [dpd for state, dpd in loans if state != t.LOAN_SIGNED]
    active = [dpd for state, dpd in loans if state == t.LOAN_ACTIVE]
    burden = 0
    if active:
        rows = (
            Instalment.objects.filter(loan__customer_id=customer_id, loan__state=t.LOAN_ACTIVE,
                                      superseded=False, paid_on=None)
            .order_by("loan_id", "due_date")
            .values_list("loan_id", "principal_minor", "interest_minor", "fee_minor")
        )  # fmt: skip
        seen = set()
        for loan_id, principal, interest, fee in rows:
            if loan_id not in seen:
                seen.add(loan_id)
                burden += principal + interest + fee
    overdue = any(dpd > 0 for dpd in active) or (
        any(state == t.LOAN_WRITTEN_OFF for state, _ in loans)
        and _written_off_unrecovered(customer_id)
    )
    return LoanHistory(past=len(taken), worst_dpd=max(taken) if taken else None,
                       burden_minor=burden, overdue=overdue)  # fmt: skip


_LOANS_SQL = "SELECT state, dpd FROM lending_loan WHERE customer_id = %s"


def _written_off_unrecovered(customer_id) -> bool:
    """A loan written off and not recovered in full."""
    per_loan = (
        LoanEvent.objects.filter(loan__customer_id=customer_id,
                                 loan__state=t.LOAN_WRITTEN_OFF)
        .values("loan_id")
        .order_by("loan_id")
        .annotate(written=Sum("amount_minor", filter=Q(kind="write_off"), default=0),
                  recovered=Sum("amount_minor", filter=Q(kind="recovery"), default=0))
    )  # fmt: skip
    return any(row["recovered"] < row["written"] for row in per_loan)


def assess(*, facts: CreditFacts, monthly_income_minor: int, new_instalment_minor: int,
           now: datetime, business_date: date) -> Assessed:  # fmt: skip
    since = now - timedelta(days=WINDOW_DAYS)
    risk_level = risk_level_current(user_id=facts.user_id, now=now)
    balances, inflow = ({}, 0)
    if facts.wallet_account_id is not None:
        balances, inflow = daily_balances(
            actor=ACTOR, account_id=facts.wallet_account_id,
            from_date=business_date - timedelta(days=WINDOW_DAYS - 1), to_date=business_date,
        )  # fmt: skip
    average = sum(balances.values()) / len(balances) if balances else 0
    loans = loan_history(facts.customer_id)
    burden = loans.burden_minor
    income = monthly_income_minor or None
    dti = None
    if income:
        dti = float(
            (Decimal(burden + new_instalment_minor) / Decimal(income)).quantize(Decimal("0.01"))
        )
    report = bureau().report(customer_ref=str(facts.customer_id),
                             id_number_hash=facts.document_index, now=now)  # fmt: skip
    age = age_on(facts.birth_date, business_date)
    features = {
        "age": age,
        "kyc_age_days": (now - facts.verified_at).days if facts.verified_at else None,
        "risk_level": risk_level,
        "wallet_balance_avg_90d": _yuan(average),
        "wallet_inflow_90d": _yuan(inflow),
        "payments_failed_90d": payments_failed_count(customer_id=facts.customer_id, since=since),
        "past_loans": loans.past,
        "past_max_dpd": loans.worst_dpd,
        "security_events_90d": security_events_count(user_id=facts.user_id, since=since),
        "monthly_income": _yuan(income) if income else None,
        "debt_to_income": dti,
        "bureau_inquiries_6m": report.bureau_inquiries_6m,
        "bureau_open_accounts": report.bureau_open_accounts,
        "bureau_delinquencies_24m": report.bureau_delinquencies_24m,
        "bureau_utilisation": report.bureau_utilisation,
    }
    return Assessed(features=features, report=report, age=age, monthly_debt_minor=burden,
                    overdue=loans.overdue)  # fmt: skip


def outstanding_of(customer_id) -> int:
    """Principal the customer still owes on open loans, fen."""
    rows = Instalment.objects.filter(
        loan__customer_id=customer_id, loan__state=t.LOAN_ACTIVE, superseded=False
    ).aggregate(due=Sum("principal_minor"), paid=Sum("principal_paid_minor"))
    return int((rows["due"] or 0) - (rows["paid"] or 0))
