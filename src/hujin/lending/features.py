"""The characteristics of an application, assembled from what Hujin knows of the customer and
what the credit bureau reports: exactly the names the scorecard was trained on
(scorecard.generate.FEATURES), with the same units (years, days, yuan, counts, ratios).

Nothing personal leaves this module: the features are numbers and bands, the bureau is asked
with the blind index of the document number, and the application keeps the features it was
scored on."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db.models import Max, Sum

from hujin.customers.selectors import CreditFacts
from hujin.identity.selectors import security_events_count
from hujin.ledger.selectors import daily_balances
from hujin.lending import types as t
from hujin.lending.accounts import ACTOR
from hujin.lending.bureau import BureauReport, bureau
from hujin.lending.models import Instalment, Loan, LoanEvent
from hujin.payments.selectors import payments_failed_count
from hujin.suitability.selectors import risk_profile_current

WINDOW_DAYS = 90


@dataclass(frozen=True, slots=True)
class Assessed:
    features: dict
    report: BureauReport
    age: int | None
    monthly_debt_minor: int  # instalments of the customer's open loans, per month


def age_on(birth: date | None, on: date) -> int | None:
    if birth is None:
        return None
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def _yuan(minor: int | float) -> float:
    return round(float(minor) / 100, 2)


def _loans(customer_id) -> tuple[int, int | None, int]:
    """Past loans, their worst days past due, and what the open ones cost a month."""
    loans = Loan.objects.filter(customer_id=customer_id).exclude(state=t.LOAN_SIGNED)
    count = loans.count()
    worst = loans.aggregate(worst=Max("dpd"))["worst"] if count else None
    # The monthly burden: the next unpaid instalment of each open loan.
    open_ids = list(loans.filter(state=t.LOAN_ACTIVE).values_list("id", flat=True))
    burden = 0
    if open_ids:
        rows = (
            Instalment.objects.filter(loan_id__in=open_ids, superseded=False, paid_on=None)
            .order_by("loan_id", "due_date")
            .values("loan_id", "principal_minor", "interest_minor", "fee_minor")
        )
        seen = set()
        for row in rows:
            if row["loan_id"] not in seen:
                seen.add(row["loan_id"])
                burden += row["principal_minor"] + row["interest_minor"] + row["fee_minor"]
    return count, worst, burden


def assess(*, facts: CreditFacts, monthly_income_minor: int, new_instalment_minor: int,
           now: datetime, business_date: date) -> Assessed:  # fmt: skip
    since = now - timedelta(days=WINDOW_DAYS)
    profile = risk_profile_current(user_id=facts.user_id, now=now)
    balances, inflow = ({}, 0)
    if facts.wallet_account_id is not None:
        balances, inflow = daily_balances(
            actor=ACTOR, account_id=facts.wallet_account_id,
            from_date=business_date - timedelta(days=WINDOW_DAYS - 1), to_date=business_date,
        )  # fmt: skip
    average = sum(balances.values()) / len(balances) if balances else 0
    past, worst_dpd, burden = _loans(facts.customer_id)
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
        "risk_level": profile.level if profile is not None else None,
        "wallet_balance_avg_90d": _yuan(average),
        "wallet_inflow_90d": _yuan(inflow),
        "payments_failed_90d": payments_failed_count(customer_id=facts.customer_id, since=since),
        "past_loans": past,
        "past_max_dpd": worst_dpd,
        "security_events_90d": security_events_count(user_id=facts.user_id, since=since),
        "monthly_income": _yuan(income) if income else None,
        "debt_to_income": dti,
        "bureau_inquiries_6m": report.bureau_inquiries_6m,
        "bureau_open_accounts": report.bureau_open_accounts,
        "bureau_delinquencies_24m": report.bureau_delinquencies_24m,
        "bureau_utilisation": report.bureau_utilisation,
    }
    return Assessed(features=features, report=report, age=age, monthly_debt_minor=burden)


def has_overdue(customer_id) -> bool:
    """An active loan past due, or a loan written off and not recovered in full."""
    if Loan.objects.filter(customer_id=customer_id, state=t.LOAN_ACTIVE, dpd__gt=0).exists():
        return True
    for loan in Loan.objects.filter(customer_id=customer_id, state=t.LOAN_WRITTEN_OFF):
        events = LoanEvent.objects.filter(loan=loan)
        written = sum(e.amount_minor for e in events if e.kind == "write_off")
        recovered = sum(e.amount_minor for e in events if e.kind == "recovery")
        if recovered < written:
            return True
    return False


def outstanding_of(customer_id) -> int:
    """Principal the customer still owes on open loans, fen."""
    rows = Instalment.objects.filter(
        loan__customer_id=customer_id, loan__state=t.LOAN_ACTIVE, superseded=False
    ).aggregate(due=Sum("principal_minor"), paid=Sum("principal_paid_minor"))
    return int((rows["due"] or 0) - (rows["paid"] or 0))
