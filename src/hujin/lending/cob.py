"""Lending's close-of-business steps, in the order they run (``ORDER``), each idempotent for its
business date:

1. ``lending.disburse``: signed loans waiting for the lender's funds are paid out (cob_collect).
2. ``lending.collect``: what falls due is taken from the wallets, as much as each holds.
3. ``lending.accrue_interest``: the day's interest on every active loan (cob_accrual).
4. ``lending.accrue_penalty``: the day's penalty on principal overdue beyond its grace days.
5. ``lending.status``: days past due, buckets and the five-tier classification (overdue).
6. ``lending.model_stability``: on the first business date of a month, the population stability
   of the last month's applications against each model's training data (PSI > 0.25 flagged).
7. ``lending.reminders``: instalments due in three days, loans gone into a worse bucket
   (reminders).
"""

from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils.translation import pgettext_lazy

from hujin.lending.cob_accrual import interest_accrue, penalty_accrue
from hujin.lending.cob_collect import dues_collect, loans_disburse
from hujin.lending.models import LoanApplication, ModelStability, ScoreModel
from hujin.lending.overdue import status_update
from hujin.lending.reminders import reminders_send
from hujin.lending.scorecard.stability import population_stability

ORDER = {
    "lending.disburse": 300,
    "lending.collect": 305,
    "lending.accrue_interest": 310,
    "lending.accrue_penalty": 315,
    "lending.status": 320,
    "lending.model_stability": 330,
    "lending.reminders": 340,
}


def model_stability(*, business_date: date, now: datetime) -> dict:
    """The PSI of the month before ``business_date``'s month, once, on its first business
    date (or the first run in the month)."""
    month = (business_date.replace(day=1) - timedelta(days=1)).replace(day=1)
    end = business_date.replace(day=1)
    measured = 0
    for model in ScoreModel.objects.exclude(role="retired"):
        if ModelStability.objects.filter(model=model, month=month).exists():
            continue
        rows = LoanApplication.objects.filter(
            submitted_at__date__gte=month, submitted_at__date__lt=end
        ).values_list("features", flat=True)
        stability = population_stability(model.artefact, rows.iterator())
        with transaction.atomic():
            ModelStability.objects.get_or_create(
                model=model, month=month,
                defaults={"psi": stability.psi, "applications": stability.applications,
                          "flagged": list(stability.flagged), "computed_at": now},
            )  # fmt: skip
        measured += 1
    return {"month": month.isoformat(), "models": measured}


# The steps as the close of business calls them: (business_date, now).
def disburse_step(business_date: date, now: datetime) -> dict:
    return loans_disburse(business_date=business_date, now=now)


def collect_step(business_date: date, now: datetime) -> dict:
    return dues_collect(business_date=business_date, now=now)


def interest_step(business_date: date, now: datetime) -> dict:
    return interest_accrue(business_date=business_date, now=now)


def penalty_step(business_date: date, now: datetime) -> dict:
    return penalty_accrue(business_date=business_date, now=now)


def status_step(business_date: date, now: datetime) -> dict:
    return status_update(business_date=business_date)


def reminders_step(business_date: date, now: datetime) -> dict:
    return reminders_send(business_date=business_date, now=now)


def stability_step(business_date: date, now: datetime) -> dict:
    return model_stability(business_date=business_date, now=now)


STEPS = {
    "lending.disburse": disburse_step,
    "lending.collect": collect_step,
    "lending.accrue_interest": interest_step,
    "lending.accrue_penalty": penalty_step,
    "lending.status": status_step,
    "lending.model_stability": stability_step,
    "lending.reminders": reminders_step,
}

# What the console's close-of-business page calls them (``hujin.core.cob_labels``).
STEP_LABELS = {
    "lending.disburse": pgettext_lazy("cob step", "Pay out signed loans"),
    "lending.collect": pgettext_lazy("cob step", "Collect loan instalments due"),
    "lending.accrue_interest": pgettext_lazy("cob step", "Accrue loan interest"),
    "lending.accrue_penalty": pgettext_lazy("cob step", "Accrue penalty interest"),
    "lending.status": pgettext_lazy("cob step", "Days past due and loan classification"),
    "lending.model_stability": pgettext_lazy("cob step", "Credit model stability (PSI)"),
    "lending.reminders": pgettext_lazy("cob step", "Loan reminders"),
}


def lending_steps_run(*, business_date: date, now: datetime) -> dict:
    """Every lending step for a date, in order (tests and the benchmark)."""
    return {name: STEPS[name](business_date, now) for name in sorted(ORDER, key=ORDER.get)}
