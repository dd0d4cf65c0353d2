"""The customer's reads: the loan products on sale with a schedule preview, the customer's own
applications, loans (with the whole schedule and the state of each instalment) and the quote of
an early repayment. Everything is scoped to the customer asking: another's is not found.

The close of business keeps a loan's days past due and its penalty; these reads show them, they
never compute them."""

import uuid
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from hujin.core.actors import Actor
from hujin.customers.selectors import own_standing
from hujin.lending import types as t
from hujin.lending.allocation import owed_of
from hujin.lending.errors import (
    ApplicationNotFound,
    LoanNotFound,
    LoanProductNotFound,
    NotACustomer,
    RepaymentInvalid,
)
from hujin.lending.models import Instalment, Loan, LoanApplication, LoanProduct
from hujin.lending.pricing import terms_of
from hujin.lending.schedule import rescheduled, schedule
from hujin.lending.services.applications import check_request
from hujin.lending.services.loans import loan_terms
from hujin.lending.services.products import product_view

# An instalment's state as the customer reads it.
PAID = "paid"
DUE = "due"  # falls due today (or within the grace days' reach: not yet overdue)
OVERDUE = "overdue"
UPCOMING = "upcoming"


def _customer_id(actor: Actor) -> uuid.UUID:
    standing = own_standing(actor=actor)
    if standing is None:
        raise NotACustomer()
    return standing.customer_id


# --- products and the preview ------------------------------------------------------------------


def products_on_sale(*, on: date) -> list[t.ProductView]:
    """The loan products open for applications, by code."""
    rows = LoanProduct.objects.filter(state=t.PRODUCT_ON_SALE).order_by("code")
    return [product_view(p, on=on) for p in rows]


def product_on_sale_get(*, product_id, on: date) -> t.ProductView:
    """Raises LoanProductNotFound (also for a product not on sale)."""
    try:
        product = LoanProduct.objects.get(id=product_id, state=t.PRODUCT_ON_SALE)
    except (LoanProduct.DoesNotExist, ValueError, TypeError):
        raise LoanProductNotFound() from None
    return product_view(product, on=on)


@dataclass(frozen=True, slots=True)
class Preview:
    """A schedule at the product's highest rate (the most the loan can cost) and the
    instalment at its lowest (the best an approval can give)."""

    product_id: uuid.UUID
    highest: t.Schedule
    lowest_first_instalment_minor: int
    min_rate: Decimal
    max_rate: Decimal

    @property
    def first_instalment_minor(self) -> int:
        return self.highest.instalments[0].total_minor


def schedule_preview(*, product_id, amount_minor: int, term: int, repayment_day: int | None,
                     start: date) -> Preview:  # fmt: skip
    """The schedule ``amount_minor`` over ``term`` would have if the loan started on ``start``.
    Raises LoanProductNotFound, ApplicationInvalid (out of the product's ranges)."""
    try:
        product = LoanProduct.objects.get(id=product_id, state=t.PRODUCT_ON_SALE)
    except (LoanProduct.DoesNotExist, ValueError, TypeError):
        raise LoanProductNotFound() from None
    check_request(product, amount_minor=amount_minor, term=term, repayment_day=repayment_day)
    highest = schedule(terms_of(product, amount_minor=amount_minor, term=term,
                                rate=product.max_rate, start=start,
                                repayment_day=repayment_day))  # fmt: skip
    lowest = schedule(terms_of(product, amount_minor=amount_minor, term=term,
                               rate=product.min_rate, start=start,
                               repayment_day=repayment_day))  # fmt: skip
    return Preview(product_id=product.id, highest=highest,
                   lowest_first_instalment_minor=lowest.instalments[0].total_minor,
                   min_rate=product.min_rate, max_rate=product.max_rate)  # fmt: skip


# --- applications ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ApplicationView:
    id: uuid.UUID
    product_id: uuid.UUID
    product_code: str
    product_name_zh: str
    product_name_en: str
    term_unit: str
    amount_minor: int
    term: int
    purpose: str
    monthly_income_minor: int
    repayment_day: int | None
    state: str
    reasons: tuple[str, ...]  # reason codes of the score, most costly first
    hard_rules: tuple[str, ...]  # the hard rules that failed
    offer_amount_minor: int | None
    offer_rate: Decimal | None
    offer_apr: Decimal | None
    offer_expires_at: object
    submitted_at: object
    decided_at: object
    loan_id: uuid.UUID | None

    def product_name(self, language: str) -> str:
        return self.product_name_zh if language.startswith("zh") else self.product_name_en


def application_view(a: LoanApplication) -> ApplicationView:
    loan = Loan.objects.filter(application_id=a.id).values_list("id", flat=True).first()
    p = a.product
    return ApplicationView(
        id=a.id, product_id=p.id, product_code=p.code, product_name_zh=p.name_zh,
        product_name_en=p.name_en, term_unit=p.term_unit, amount_minor=a.amount_minor,
        term=a.term, purpose=a.purpose, monthly_income_minor=a.monthly_income_minor,
        repayment_day=a.repayment_day, state=a.state, reasons=tuple(a.reasons or ()),
        hard_rules=tuple(a.hard_rules or ()), offer_amount_minor=a.offer_amount_minor,
        offer_rate=a.offer_rate, offer_apr=a.offer_apr, offer_expires_at=a.offer_expires_at,
        submitted_at=a.submitted_at, decided_at=a.decided_at, loan_id=loan,
    )  # fmt: skip


def my_applications(*, actor: Actor, limit: int = 50) -> list[ApplicationView]:
    """The customer's applications, the newest first."""
    customer_id = _customer_id(actor)
    rows = (LoanApplication.objects.filter(customer_id=customer_id).select_related("product")
            .order_by("-submitted_at")[:limit])  # fmt: skip
    return [application_view(a) for a in rows]


def my_application(*, actor: Actor, application_id) -> ApplicationView:
    """Raises ApplicationNotFound (another customer's too)."""
    customer_id = _customer_id(actor)
    try:
        a = LoanApplication.objects.select_related("product").get(
            id=application_id, customer_id=customer_id
        )
    except (LoanApplication.DoesNotExist, ValueError, TypeError):
        raise ApplicationNotFound() from None
    return application_view(a)


# --- loans -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class InstalmentLine:
    number: int
    due_date: date
    principal_minor: int
    interest_minor: int
    fee_minor: int
    penalty_minor: int
    paid_minor: int
    owed_minor: int  # what is still unpaid of it
    paid_on: date | None
    state: str  # PAID, DUE, OVERDUE, UPCOMING

    @property
    def total_minor(self) -> int:
        return self.principal_minor + self.interest_minor + self.fee_minor + self.penalty_minor


@dataclass(frozen=True, slots=True)
class LoanSummary:
    id: uuid.UUID
    number: str
    product_name_zh: str
    product_name_en: str
    state: str
    currency: str
    principal_minor: int
    annual_rate: Decimal
    apr: Decimal
    term: int
    term_unit: str
    method: str
    start_date: date
    outstanding_principal_minor: int
    owed_minor: int  # everything the open instalments still owe
    due_now_minor: int  # what is due today or overdue
    overdue_minor: int  # what is past its due date
    next_due_date: date | None
    next_due_minor: int
    paid_count: int
    instalment_count: int
    dpd: int  # days past due, from the close of business
    penalty_rate: Decimal
    penalty_owed_minor: int
    prepayment_allowed: bool
    signed_at: object
    disbursed_at: object
    settled_on: date | None
    lines: tuple[InstalmentLine, ...] = field(default=())
    totals: dict = field(default_factory=dict)
    disbursement: object = None  # selectors.disbursement.Disbursement, on the loan's own page

    def product_name(self, language: str) -> str:
        return self.product_name_zh if language.startswith("zh") else self.product_name_en

    @property
    def progress_percent(self) -> int:
        if not self.instalment_count:
            return 0
        return round(self.paid_count * 100 / self.instalment_count)

    @property
    def overdue(self) -> bool:
        return self.overdue_minor > 0


def _state(row: Instalment, owed: int, business_date: date) -> str:
    if row.paid_on is not None or owed == 0:
        return PAID
    if row.due_date < business_date:
        return OVERDUE
    if row.due_date == business_date:
        return DUE
    return UPCOMING


def _summary(loan: Loan, business_date: date, *, with_lines: bool) -> LoanSummary:
    rows = list(Instalment.objects.filter(loan=loan, schedule_version=loan.schedule_version)
                .order_by("number"))  # fmt: skip
    lines = []
    for row in rows:
        owed = owed_of(row).total()
        paid = (row.principal_paid_minor + row.interest_paid_minor + row.fee_paid_minor
                + row.penalty_paid_minor)  # fmt: skip
        lines.append(InstalmentLine(
            number=row.number, due_date=row.due_date, principal_minor=row.principal_minor,
            interest_minor=row.interest_minor, fee_minor=row.fee_minor,
            penalty_minor=row.penalty_minor, paid_minor=paid, owed_minor=owed,
            paid_on=row.paid_on, state=_state(row, owed, business_date),
        ))  # fmt: skip
    open_lines = [line for line in lines if line.state != PAID]
    upcoming = [line for line in open_lines if line.due_date >= business_date]
    nxt = upcoming[0] if upcoming else None
    totals = {
        "principal": sum(x.principal_minor for x in lines),
        "interest": sum(x.interest_minor for x in lines),
        "fees": sum(x.fee_minor for x in lines),
        "penalty": sum(x.penalty_minor for x in lines),
        "paid": sum(x.paid_minor for x in lines),
        "owed": sum(x.owed_minor for x in lines),
    }
    totals["total"] = totals["principal"] + totals["interest"] + totals["fees"] + totals["penalty"]
    outstanding = sum(r.principal_minor - r.principal_paid_minor for r in rows if r.paid_on is None)
    p = loan.product
    return LoanSummary(
        id=loan.id, number=loan.number, product_name_zh=p.name_zh, product_name_en=p.name_en,
        state=loan.state, currency=loan.currency, principal_minor=loan.principal_minor,
        annual_rate=loan.annual_rate, apr=loan.apr, term=loan.term, term_unit=loan.term_unit,
        method=loan.method, start_date=loan.start_date,
        outstanding_principal_minor=outstanding if loan.state == t.LOAN_ACTIVE else (
            loan.principal_minor if loan.state == t.LOAN_SIGNED else 0),
        owed_minor=totals["owed"],
        due_now_minor=sum(x.owed_minor for x in open_lines if x.due_date <= business_date),
        overdue_minor=sum(x.owed_minor for x in open_lines if x.due_date < business_date),
        next_due_date=nxt.due_date if nxt else None,
        next_due_minor=nxt.owed_minor if nxt else 0,
        paid_count=sum(1 for x in lines if x.state == PAID), instalment_count=len(lines),
        dpd=loan.dpd, penalty_rate=loan.penalty_rate,
        penalty_owed_minor=sum(r.penalty_minor - r.penalty_paid_minor for r in rows),
        prepayment_allowed=loan.prepayment_allowed, signed_at=loan.signed_at,
        disbursed_at=loan.disbursed_at, settled_on=loan.settled_on,
        lines=tuple(lines) if with_lines else (), totals=totals,
    )  # fmt: skip


def my_loans(*, actor: Actor, business_date: date) -> list[LoanSummary]:
    """The customer's loans, the newest first (the schedule's lines left out)."""
    customer_id = _customer_id(actor)
    loans = Loan.objects.filter(customer_id=customer_id).select_related("product")
    return [_summary(loan, business_date, with_lines=False) for loan in loans]


def _own(actor: Actor, loan_id) -> Loan:
    customer_id = _customer_id(actor)
    try:
        return Loan.objects.select_related("product").get(id=loan_id, customer_id=customer_id)
    except (Loan.DoesNotExist, ValueError, TypeError):
        raise LoanNotFound() from None


def my_loan(*, actor: Actor, loan_id, business_date: date) -> LoanSummary:
    """One of the customer's loans with its current schedule and where its money went.
    Raises LoanNotFound."""
    from dataclasses import replace

    from hujin.lending.selectors.disbursement import loan_disbursement

    loan = _own(actor, loan_id)
    return replace(_summary(loan, business_date, with_lines=True),
                   disbursement=loan_disbursement(actor=actor, loan=loan))  # fmt: skip


def my_loan_contract(*, actor: Actor, loan_id) -> tuple[str, str]:
    """The signed contract's text and its SHA-256. Raises LoanNotFound."""
    loan = _own(actor, loan_id)
    return loan.contract_text, loan.contract_sha256


@dataclass(frozen=True, slots=True)
class PrepaymentQuote:
    loan_id: uuid.UUID
    business_date: date
    full: bool
    due_now_minor: int  # instalments already due, paid first
    principal_minor: int
    interest_minor: int  # the running period's interest to date
    fee_minor: int
    outstanding_principal_minor: int
    new_schedule: tuple[t.Instalment, ...] = ()  # after a partial prepayment

    @property
    def total_minor(self) -> int:
        return self.due_now_minor + self.principal_minor + self.interest_minor + self.fee_minor


def my_prepayment_quote(*, actor: Actor, loan_id, business_date: date,
                        principal_minor: int | None = None,
                        choice: str = t.PREPAY_REDUCE_INSTALMENT) -> PrepaymentQuote:  # fmt: skip
    """What repaying early would take today: in full (``principal_minor`` None) or part of the
    principal, with the schedule that would follow a partial prepayment. Raises LoanNotFound,
    RepaymentInvalid (a principal out of range, a loan not active)."""
    from hujin.lending.services.prepayments import prepaid_term, prepayment_quote

    loan = _own(actor, loan_id)
    if loan.state != t.LOAN_ACTIVE:
        raise RepaymentInvalid(details={"field": "loan", "reason": "not_active"})
    _rows, overdue, future, _, _, _ = prepayment_quote(loan, business_date)
    outstanding = sum(r.principal_minor - r.principal_paid_minor for r in future)
    if principal_minor is not None and (
        type(principal_minor) is not int or not 0 < principal_minor < outstanding
    ):
        raise RepaymentInvalid(details={"field": "principal", "reason": "range",
                                        "outstanding_minor": outstanding})  # fmt: skip
    _, _, _, principal, interest, fee = prepayment_quote(
        loan, business_date, principal_minor=principal_minor
    )
    due = sum(owed_of(r).total() for r in overdue)
    new_rows: tuple[t.Instalment, ...] = ()
    if principal_minor is not None and future and choice in t.PREPAY_CHOICES:
        left = outstanding - principal
        term = prepaid_term(loan, left, len(future), future, choice)
        terms = rescheduled(loan_terms(loan), principal_minor=left, start=business_date,
                            first_due=future[0].due_date, term=term)  # fmt: skip
        new_rows = schedule(terms).instalments
    return PrepaymentQuote(loan_id=loan.id, business_date=business_date,
                           full=principal_minor is None, due_now_minor=due,
                           principal_minor=principal, interest_minor=interest, fee_minor=fee,
                           outstanding_principal_minor=outstanding,
                           new_schedule=new_rows)  # fmt: skip
