"""The console's reads over the loan book: the loans and one loan with its schedule, ledger
postings and money events, the collections queue, the score model registry, the portfolio and
the lender's funds. Values out, never querysets (the labels and helpers are console.py's)."""

import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor
from hujin.core.links import TargetLink
from hujin.lending import charts
from hujin.lending import types as t
from hujin.lending.accounts import ACTOR, PER_LOAN, house_id, loan_account_id
from hujin.lending.errors import LoanNotFound
from hujin.lending.models import (
    Instalment,
    Loan,
    LoanEvent,
    LoanProduct,
)
from hujin.lending.recognition import interest_accrued
from hujin.lending.selectors.console import (
    ACCOUNT_LABELS,
    BUCKETS,
    CLASSES,
    EVENT_LABELS,
    METHOD_LABELS,
    MONTHS_SHOWN,
    NON_PERFORMING,
    PART_LABELS,
    SOURCE_LABELS,
    customer_links,
    page_url,
    percent,
    product_name,
    term_text,
    uuids_of,
)
from hujin.lending.selectors.console_servicing import (
    LoanActions,
    Note,
    actions_of,
    latest_notes,
    notes_of,
)
from hujin.lending.selectors.console_vintage import vintage as vintage_of
from hujin.lending.selectors.disbursement import loan_disbursement

# -- loans ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class LoanFilters:
    state: str = ""
    bucket: str = ""
    classification: str = ""
    product_id: uuid.UUID | None = None


@dataclass(frozen=True, slots=True)
class LoanRow:
    id: uuid.UUID
    number: str
    customer: TargetLink
    product: str
    currency: str
    principal_minor: int
    outstanding_minor: int
    rate: str
    term: str
    state: str
    dpd: int
    bucket: str
    classification: str
    start_date: date
    overdue_minor: int = 0
    latest_note: Note | None = None  # the collections queue's
    next_promise: Note | None = None


def _loan_rows(actor: Actor, loans, language: str, overdue=None) -> list[LoanRow]:
    names = customer_links(actor, {loan.customer_id for loan in loans})
    overdue = overdue or {}
    return [LoanRow(
        id=loan.id, number=loan.number, customer=names[str(loan.customer_id)],
        product=product_name(loan.product, language), currency=loan.currency,
        principal_minor=loan.principal_minor,
        outstanding_minor=loan.principal_minor - loan.principal_paid_minor,
        rate=percent(loan.annual_rate), term=term_text(loan.term, loan.term_unit),
        state=loan.state, dpd=loan.dpd, bucket=loan.bucket,
        classification=loan.classification_manual or loan.classification,
        start_date=loan.start_date, overdue_minor=overdue.get(loan.id, 0),
    ) for loan in loans]  # fmt: skip


def loans_list(*, actor: Actor, filters: LoanFilters, language: str,
               limit: int = 100) -> list[LoanRow]:  # fmt: skip
    qs = Loan.objects.select_related("product")
    if filters.state:
        qs = qs.filter(state=filters.state)
    if filters.bucket:
        qs = qs.filter(bucket=filters.bucket)
    if filters.classification:
        qs = qs.filter(classification=filters.classification)
    if filters.product_id:
        qs = qs.filter(product_id=filters.product_id)
    return _loan_rows(actor, list(qs.order_by("-created_at")[:limit]), language)


def product_choices(language: str) -> list[tuple[str, str]]:
    return [(str(p.id), product_name(p, language)) for p in LoanProduct.objects.order_by("code")]


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    number: int
    due_date: date
    principal_minor: int
    interest_minor: int
    fee_minor: int
    penalty_minor: int
    total_minor: int
    paid_minor: int
    paid_on: date | None
    overdue: bool


@dataclass(frozen=True, slots=True)
class Posting:
    created_at: datetime
    label: str
    account: str
    side: str
    amount_minor: int
    currency: str


@dataclass(frozen=True, slots=True)
class MoneyEvent:
    kind: str
    value_date: date
    amount_minor: int
    source: str
    created_at: datetime
    lines: list[tuple[int, str, int]]


@dataclass(frozen=True, slots=True)
class LoanPage:
    loan: Loan
    customer: TargetLink
    product: str
    product_url: str
    application_url: str
    rate: str
    apr: str
    method: str
    term: str
    classification: str
    outstanding_minor: int
    schedule: list[ScheduleLine]
    totals: dict
    superseded: int
    postings: list[Posting]
    events: list[MoneyEvent]
    notes: list[Note]
    actions: LoanActions | None = None
    disbursement: object = None  # selectors.disbursement.Disbursement: where the money went


def _postings(loan: Loan) -> list[Posting]:
    from hujin.ledger.errors import AccountNotFound
    from hujin.ledger.selectors import MAX_PAGE, account_history, transfer_code_label

    entries = []
    for part in PER_LOAN:
        try:
            page = account_history(actor=ACTOR, account_id=loan_account_id(loan.id, part),
                                   limit=MAX_PAGE)  # fmt: skip
        except AccountNotFound:  # a signed loan has no accounts before its disbursement
            continue
        entries += [(e, part) for e in page.entries]
    entries.sort(key=lambda pair: pair[0].seq)
    return [Posting(
        created_at=e.created_at, label=str(transfer_code_label(e.code) or e.code),
        account=str(ACCOUNT_LABELS[part]),
        side=str(_("Debit") if e.side == "debit" else _("Credit")),
        amount_minor=e.amount, currency=e.currency,
    ) for e, part in entries]  # fmt: skip


def loan_page(*, actor: Actor, loan_id, language: str, on: date) -> LoanPage:
    """Raises LoanNotFound."""
    loan = Loan.objects.select_related("product").filter(id__in=uuids_of([loan_id])).first()
    if loan is None:
        raise LoanNotFound()
    # as of the last close of business, not only the loan's last event (shown, never saved)
    loan.interest_accrued_minor, loan.accrued_through = interest_accrued(loan)
    rows = list(loan.instalments.order_by("schedule_version", "number"))
    current = [i for i in rows if not i.superseded]
    lines = []
    totals = defaultdict(int)
    for i in current:
        total = i.principal_minor + i.interest_minor + i.fee_minor + i.penalty_minor
        paid = (i.principal_paid_minor + i.interest_paid_minor + i.fee_paid_minor
                + i.penalty_paid_minor)  # fmt: skip
        lines.append(ScheduleLine(
            number=i.number, due_date=i.due_date, principal_minor=i.principal_minor,
            interest_minor=i.interest_minor, fee_minor=i.fee_minor, penalty_minor=i.penalty_minor,
            total_minor=total, paid_minor=paid, paid_on=i.paid_on,
            overdue=i.paid_on is None and i.due_date < on and paid < total,
        ))  # fmt: skip
        for key, value in (("principal", i.principal_minor), ("interest", i.interest_minor),
                           ("fee", i.fee_minor), ("penalty", i.penalty_minor),
                           ("total", total), ("paid", paid)):  # fmt: skip
            totals[key] += value
    events = [MoneyEvent(
        kind=str(EVENT_LABELS.get(e.kind, e.kind)), value_date=e.value_date,
        amount_minor=e.amount_minor, source=str(SOURCE_LABELS.get(e.source, e.source)),
        created_at=e.created_at,
        lines=[(n, str(PART_LABELS.get(part, part)), amount) for n, part, amount in e.allocation],
    ) for e in LoanEvent.objects.filter(loan=loan).order_by("value_date",
                                                             "created_at")]  # fmt: skip
    classification = loan.classification_manual or loan.classification
    return LoanPage(
        loan=loan, customer=customer_links(actor, [loan.customer_id])[str(loan.customer_id)],
        product=product_name(loan.product, language),
        product_url=page_url("console_product", loan.product_id),
        application_url=page_url("console_application", loan.application_id),
        rate=percent(loan.annual_rate), apr=percent(loan.apr),
        method=str(METHOD_LABELS.get(loan.method, loan.method)),
        term=term_text(loan.term, loan.term_unit), classification=classification,
        outstanding_minor=loan.principal_minor - loan.principal_paid_minor,
        schedule=lines, totals=dict(totals), superseded=len(rows) - len(current),
        postings=_postings(loan), events=events, notes=notes_of(loan, on),
        actions=actions_of(loan), disbursement=loan_disbursement(actor=actor, loan=loan),
    )  # fmt: skip


def _overdue_by_loan(loan_ids, on: date) -> dict[uuid.UUID, int]:
    owed = (F("principal_minor") + F("interest_minor") + F("fee_minor") + F("penalty_minor")
            - F("principal_paid_minor") - F("interest_paid_minor") - F("fee_paid_minor")
            - F("penalty_paid_minor"))  # fmt: skip
    rows = (Instalment.objects.filter(loan_id__in=loan_ids, superseded=False, due_date__lt=on)
            .values("loan_id").annotate(owed=Sum(owed)))  # fmt: skip
    return {r["loan_id"]: int(r["owed"] or 0) for r in rows}


def collections_queue(*, actor: Actor, language: str, on: date, limit: int = 200) -> list[LoanRow]:
    """Active loans past due, the longest overdue first, with what is overdue (every part of
    the instalments due before ``on`` not yet paid), the latest note and the next promise."""
    loans = list(Loan.objects.select_related("product").filter(state=t.LOAN_ACTIVE, dpd__gt=0)
                 .order_by("-dpd", "start_date")[:limit])  # fmt: skip
    rows = _loan_rows(actor, loans, language, _overdue_by_loan([x.id for x in loans], on))
    notes = latest_notes([x.id for x in loans], on)
    return [replace(r, latest_note=notes[r.id][0], next_promise=notes[r.id][1])
            if r.id in notes else r for r in rows]  # fmt: skip


# -- portfolio --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Portfolio:
    currency: str
    outstanding_minor: int
    loans: int
    by_bucket: list[charts.Bar]
    by_class: list[charts.Bar]
    npl_minor: int
    npl_ratio: str
    disbursed: list[charts.Bar]
    vintage: charts.LineChart | None
    vintage_rows: list[dict]


def portfolio(*, on: date) -> Portfolio:
    """The active loans' outstanding principal by bucket and class, the non-performing ratio
    (substandard, doubtful and loss over all), what was disbursed per month (the last twelve)
    and vintage curves (console_vintage: from each loan's history)."""
    from hujin.core.money import display_amount

    active = Loan.objects.filter(state=t.LOAN_ACTIVE)
    outstanding = F("principal_minor") - F("principal_paid_minor")
    bucket_sums = dict(active.values_list("bucket").annotate(s=Sum(outstanding)))
    class_sums = dict(active.values_list("classification").annotate(s=Sum(outstanding)))
    total = sum(int(v or 0) for v in bucket_sums.values())
    count = active.count()
    buckets = list(BUCKETS) + sorted(k for k in bucket_sums if k not in BUCKETS)
    by_bucket = charts.bars([(b, int(bucket_sums.get(b) or 0),
                              display_amount(int(bucket_sums.get(b) or 0), "CNY", style="code"))
                             for b in buckets])  # fmt: skip
    from hujin.core.statuses import status_get

    by_class = charts.bars([(str(status_get(c).label if status_get(c) else c),
                             int(class_sums.get(c) or 0),
                             display_amount(int(class_sums.get(c) or 0), "CNY", style="code"))
                            for c in CLASSES])  # fmt: skip
    npl = sum(int(class_sums.get(c) or 0) for c in NON_PERFORMING)
    ratio = percent(Decimal(npl) / Decimal(total)) if total else percent(0)
    # disbursed per month, the last twelve
    first = date(on.year - (1 if on.month < MONTHS_SHOWN else 0),
                 (on.month - MONTHS_SHOWN) % 12 + 1, 1)  # fmt: skip
    booked = Loan.objects.exclude(state=t.LOAN_SIGNED).filter(start_date__gte=first)
    per_month = defaultdict(int)
    for start, principal in booked.values_list("start_date", "principal_minor"):
        per_month[f"{start:%Y-%m}"] += principal
    months = []
    y, m = first.year, first.month
    for _i in range(MONTHS_SHOWN):
        months.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    disbursed = charts.bars([(k, per_month[k], display_amount(per_month[k], "CNY", style="code"))
                             for k in months])  # fmt: skip
    vintage, vintage_rows = vintage_of(on)
    return Portfolio(currency="CNY", outstanding_minor=total, loans=count, by_bucket=by_bucket,
                     by_class=by_class, npl_minor=npl, npl_ratio=ratio, disbursed=disbursed,
                     vintage=vintage, vintage_rows=vintage_rows)  # fmt: skip


# -- funding ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Funds:
    currency: str
    custody_minor: int  # the lender's money at the custodian bank
    available_minor: int  # funding: what can still be lent
    lent_minor: int  # principal outstanding (the loan book)
    recent: list[dict]


def funds() -> Funds:
    from hujin.ledger.errors import AccountNotFound
    from hujin.ledger.selectors import account_balances, account_history

    def net(name: str, debit_normal: bool) -> int:
        try:
            b = account_balances(actor=ACTOR, account_id=house_id(name))
        except AccountNotFound:
            return 0
        d = b.debits_posted - b.credits_posted
        return d if debit_normal else -d

    recent = []
    try:
        page = account_history(actor=ACTOR, account_id=house_id("custody"), limit=20)
        recent = [{"created_at": e.created_at, "amount_minor": e.amount,
                   "currency": e.currency} for e in page.entries if e.side == "debit"]  # fmt: skip
    except AccountNotFound:
        pass
    return Funds(currency="CNY", custody_minor=net("custody", True),
                 available_minor=net("funding", False), lent_minor=net("loan_book", False),
                 recent=recent)  # fmt: skip
