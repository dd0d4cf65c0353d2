"""Repayment schedules: the instalments a loan's terms produce, in integer fen.

The rules (docs/modules/lending.md has worked examples of each):

- Instalments fall due monthly on the repayment day (the disbursement's day of month unless the
  contract names another; the 29th-31st fall on a shorter month's last day), or once, at the end
  of a term counted in days.
- A **regular** period is one calendar month from the previous due date: its interest is the
  balance × the nominal annual rate / 12. The **first** period, when the repayment day differs
  from the disbursement's day, is shorter or longer than a month: its interest is pro-rated,
  balance × rate × its actual days / the product's day basis (360 or 365). A term in days
  (a bullet loan) counts its interest the same way.
- Maths in Decimal; each instalment's interest is rounded once, half up, to the fen. Principal
  parts are whole fen; the last instalment takes whatever principal is left, so the principal
  parts always sum exactly to the loan.
- 等额本息 (equal instalments): the instalment A = P·i·(1+i)^n / ((1+i)^n − 1) with i = rate / 12,
  rounded half up to the fen; each instalment's principal is A less its (regular) interest; a
  pro-rated first period pays the same principal and its own interest.
- 等额本金 (equal principal): P / n each, rounded down to the fen; interest on the balance.
- 先息后本 (interest only): interest each period, all principal with the last.
- 一次性还本付息 (bullet): principal and interest together at maturity.
"""

from dataclasses import replace
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from hujin.core.dates import month_add
from hujin.lending import types as t
from hujin.lending.apr import apr_of

FEN = Decimal(1)


def due_dates(terms: t.Terms) -> list[date]:
    if terms.first_due is not None:
        day = terms.repayment_day or terms.first_due.day
        return [month_add(terms.first_due, k, day=day) for k in range(terms.term)]
    if terms.term_unit == t.TERM_DAYS:
        return [date.fromordinal(terms.start.toordinal() + terms.term)]
    day = terms.repayment_day or terms.start.day
    if terms.method == t.BULLET:
        return [month_add(terms.start, terms.term, day=day)]
    return [month_add(terms.start, k, day=day) for k in range(1, terms.term + 1)]


def on_repayment_day(day: date, repayment_day: int) -> bool:
    """Whether ``day`` is the repayment day of its month (the 31st's is a short month's last)."""
    return day == month_add(day, 0, day=repayment_day)


def first_period_regular(terms: t.Terms) -> bool:
    """A first period is regular when it starts on the repayment day: one calendar month."""
    day = terms.repayment_day or terms.start.day
    if not on_repayment_day(terms.start, day):
        return False
    return terms.first_due is None or terms.first_due == month_add(terms.start, 1, day=day)


def _round(value: Decimal) -> int:
    return int(value.quantize(FEN, rounding=ROUND_HALF_UP))


def period_interest(terms: t.Terms, balance: int, period_start: date, due: date, *,
                    regular: bool) -> int:  # fmt: skip
    """The interest of one period on ``balance`` fen, rounded once: a regular month's at the
    monthly rate, any other period's by its actual days."""
    rate = terms.annual_rate
    if terms.term_unit == t.TERM_MONTHS and regular:
        months = terms.term if terms.method == t.BULLET else 1
        return _round(balance * rate * months / 12)
    days = (due - period_start).days
    return _round(balance * rate * days / t.DAY_BASIS[terms.day_count])


def accrued_to(interest_minor: int, elapsed: int, days: int) -> int:
    """The part of a period's interest earned after ``elapsed`` of its ``days``: pro rata,
    rounded half up, in integers (the close of business computes the same in SQL)."""
    if days <= 0 or elapsed >= days:
        return interest_minor
    if elapsed <= 0:
        return 0
    return (2 * interest_minor * elapsed + days) // (2 * days)


def equal_instalment(principal: int, monthly_rate: Decimal, n: int) -> int:
    """等额本息's instalment, rounded half up to the fen: 100,000.00 over 12 months at 6 % is
    8,606.64."""
    if monthly_rate == 0:
        return _round(Decimal(principal) / n)
    growth = (1 + monthly_rate) ** n
    return _round(principal * monthly_rate * growth / (growth - 1))


def _principal_parts(terms: t.Terms, dues: list[date]) -> list[int]:
    """Each instalment's principal, before the last takes what is left."""
    p, n = terms.principal_minor, len(dues)
    if terms.method == t.EQUAL_PRINCIPAL:
        each = int((Decimal(p) / n).to_integral_value(rounding=ROUND_DOWN))
        return [each] * n
    if terms.method == t.EQUAL_INSTALMENT:
        monthly = terms.annual_rate / 12
        amount = equal_instalment(p, monthly, n)
        parts, balance = [], p
        for _ in range(n):
            part = max(0, min(balance, amount - _round(balance * monthly)))
            parts.append(part)
            balance -= part
        return parts
    return [0] * n  # interest only and bullet: everything with the last


def instalments(terms: t.Terms) -> tuple[t.Instalment, ...]:
    dues = due_dates(terms)
    parts = _principal_parts(terms, dues)
    rows, balance, previous = [], terms.principal_minor, terms.start
    for number, (due, part) in enumerate(zip(dues, parts, strict=True), start=1):
        principal = balance if number == len(dues) else min(part, balance)
        regular = number > 1 or first_period_regular(terms)
        interest = period_interest(terms, balance, previous, due, regular=regular)
        balance -= principal
        rows.append(t.Instalment(number=number, period_start=previous, due_date=due,
                                 principal_minor=principal, interest_minor=interest,
                                 fee_minor=terms.instalment_fee_minor,
                                 balance_after_minor=balance))  # fmt: skip
        previous = due
    return tuple(rows)


def totals_of(rows) -> dict[str, int]:
    principal = sum(r.principal_minor for r in rows)
    interest = sum(r.interest_minor for r in rows)
    fees = sum(r.fee_minor for r in rows)
    return {"principal": principal, "interest": interest, "fees": fees,
            "total": principal + interest + fees}  # fmt: skip


def schedule(terms: t.Terms) -> t.Schedule:
    """The whole schedule with its totals and its APR (apr.py)."""
    validate(terms)
    rows = instalments(terms)
    totals = totals_of(rows)
    totals["upfront_fee"] = terms.upfront_fee_minor
    return t.Schedule(terms=terms, instalments=rows, apr=apr_of(terms, rows), totals=totals)


def validate(terms: t.Terms) -> None:
    """What no product could allow: raised as ValueError, the services check first."""
    if terms.principal_minor <= 0 or terms.term <= 0:
        raise ValueError("principal and term must be positive")
    if terms.term_unit == t.TERM_DAYS and terms.method != t.BULLET:
        raise ValueError("a term in days is repaid in one payment (bullet)")
    if not 0 <= terms.upfront_fee_minor < terms.principal_minor:
        raise ValueError("the one-off fee must be less than the principal")
    if terms.repayment_day is not None and not 1 <= terms.repayment_day <= 31:
        raise ValueError("the repayment day is a day of the month, 1-31")


def rescheduled(terms: t.Terms, *, principal_minor: int, start: date, first_due: date,
                term: int) -> t.Terms:  # fmt: skip
    """The terms of what is left: ``principal_minor`` from ``start`` over ``term`` periods, the
    first falling due on ``first_due``, the rest on the same repayment day (a restructuring or
    a partial prepayment). A bullet loan stays one payment, on ``first_due``."""
    day = None if terms.term_unit == t.TERM_DAYS else (terms.repayment_day or terms.start.day)
    return replace(terms, principal_minor=principal_minor, start=start, term=term,
                   repayment_day=day, upfront_fee_minor=0, first_due=first_due,
                   term_unit=t.TERM_MONTHS if terms.method != t.BULLET else terms.term_unit,
                   method=terms.method)  # fmt: skip
