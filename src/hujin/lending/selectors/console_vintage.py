"""Vintage curves of the loan book, worked out from each loan's history.

A cohort is the loans disbursed in one calendar month (``Loan.start_date``). Month on book k of
a cohort is the k-th calendar month after the month of disbursement. For each k, the curve shows
the share of the cohort's principal (as disbursed) in loans that, by the end of month k, had been
more than 30 days past due (bucket M2 or worse, in the loan's ``LoanStatusChange`` history) or
had been written off. A loan counts from the month it first got there and keeps counting after:
one that caught up later still counts. The running month counts what happened so far."""

from collections import defaultdict
from datetime import date
from decimal import Decimal

from django.db.models import Min

from hujin.lending import charts
from hujin.lending import types as t
from hujin.lending.models import Loan, LoanEvent, LoanStatusChange
from hujin.lending.selectors.console import percent

BAD_BUCKETS = ("M2", "M3", "M4")  # more than 30 days past due
COHORTS_SHOWN = 8


def months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


def _bad_dates(loans, on: date) -> dict:
    """The first day each loan was more than 30 days past due or written off, up to ``on``."""
    late = (LoanStatusChange.objects.filter(loan__in=loans, bucket__in=BAD_BUCKETS,
                                            business_date__lte=on)
            .values("loan_id").annotate(first=Min("business_date")))  # fmt: skip
    first = {row["loan_id"]: row["first"] for row in late}
    written = LoanEvent.objects.filter(loan__in=loans, kind="write_off", value_date__lte=on)
    for loan_id, day in written.values_list("loan_id", "value_date"):
        first[loan_id] = min(day, first.get(loan_id, day))
    return first


def vintage(on: date) -> tuple[charts.LineChart | None, list[dict]]:
    """The curves of the last ``COHORTS_SHOWN`` cohorts up to ``on``, and per cohort a row: the
    month, the principal disbursed, the months on book and the share gone bad so far."""
    booked = Loan.objects.exclude(state=t.LOAN_SIGNED).filter(start_date__lte=on)
    months = list(booked.dates("start_date", "month"))[-COHORTS_SHOWN:]
    if not months:
        return None, []
    loans = booked.filter(start_date__gte=months[0])
    bad_on = _bad_dates(loans, on)
    cohorts: dict[date, dict] = {}
    for loan_id, start, principal in loans.values_list("id", "start_date", "principal_minor"):
        cohort = cohorts.setdefault(start.replace(day=1),
                                    {"principal": 0, "bad": defaultdict(int)})  # fmt: skip
        cohort["principal"] += principal
        if loan_id in bad_on:
            cohort["bad"][max(1, months_between(start, bad_on[loan_id]))] += principal
    books = max(1, max(months_between(month, on) for month in cohorts))
    series, rows = [], []
    for month in sorted(cohorts):
        c = cohorts[month]
        age = max(1, months_between(month, on))
        shares, running, gone_bad = [], 0, 0
        for k in range(1, books + 1):
            running += c["bad"].get(k, 0)
            if k <= age:
                gone_bad = running
                shares.append(float(Decimal(running) * 100 / Decimal(c["principal"])))
            else:
                shares.append(None)  # not that old yet
        series.append((f"{month:%Y-%m}", shares))
        rows.append({"month": f"{month:%Y-%m}", "principal_minor": c["principal"],
                     "months": months_between(month, on),
                     "share": percent(Decimal(gone_bad) / Decimal(c["principal"]), 1)})  # fmt: skip
    return charts.lines(series, [str(k) for k in range(1, books + 1)], low=0.0), rows
