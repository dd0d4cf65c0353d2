"""The console's reads over lending: loan products, the applications queue and one application
with its score's breakdown, the loans and one loan with its schedule, ledger postings and money
events, the collections queue, the score model registry, the portfolio and the lender's funds.

Values out (dataclasses with names, labels and integer fen), never querysets; customers named
as the console names them for the viewer (masked, linked to their page when allowed)."""

import contextlib
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import Count, F, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.links import TargetLink, target_links
from hujin.core.navigation import url_if_mounted
from hujin.lending import charts, decision
from hujin.lending import types as t
from hujin.lending.accounts import ACTOR, PER_LOAN, house_id, loan_account_id
from hujin.lending.errors import ApplicationNotFound, LoanNotFound, LoanProductNotFound
from hujin.lending.models import (
    Instalment,
    Loan,
    LoanApplication,
    LoanEvent,
    LoanProduct,
    ModelStability,
    ScoreModel,
)
from hujin.lending.pricing import apr_cap, worst_apr

CUSTOMER_TARGET = "customers.customer"
BUCKETS = ("M0", "M1", "M2", "M3", "M4")
CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")
NON_PERFORMING = ("substandard", "doubtful", "loss")
MONTHS_SHOWN = 12

METHOD_LABELS = {
    t.EQUAL_INSTALMENT: _("Equal instalments (principal and interest)"),
    t.EQUAL_PRINCIPAL: _("Equal principal"),
    t.INTEREST_ONLY: _("Interest monthly, principal at maturity"),
    t.BULLET: _("Principal and interest at maturity"),
}
TERM_UNIT_LABELS = {t.TERM_MONTHS: _("months"), t.TERM_DAYS: _("days")}
DAY_COUNT_LABELS = {t.ACT_360: _("Actual/360"), t.ACT_365: _("Actual/365")}
PART_LABELS = {
    t.PRINCIPAL: pgettext_lazy("loan part", "Principal"),
    t.INTEREST: pgettext_lazy("loan part", "Interest"),
    t.FEES: pgettext_lazy("loan part", "Fees"),
    t.PENALTY: pgettext_lazy("loan part", "Penalty interest"),
}
PURPOSE_LABELS = {
    "consumption": _("Consumption"),
    "education": _("Education"),
    "medical": _("Medical"),
    "travel": _("Travel"),
    "home_improvement": _("Home improvement"),
    "business": _("Business"),
    "securities": _("Securities investment"),
    "property_down_payment": _("Property down payment"),
}
RULE_LABELS = {
    decision.NOT_VERIFIED: _("The customer's identity is not verified"),
    decision.NOT_ACTIVE: _("The customer is not active"),
    decision.AGE_UNKNOWN: _("The customer's age is unknown"),
    decision.AGE_OUT_OF_RANGE: _("The customer's age is outside the product's range"),
    decision.EXISTING_OVERDUE: _("The customer has a loan overdue"),
    decision.PURPOSE_REFUSED: _("The purpose is one lending may not serve"),
    decision.INCOME_MISSING: _("No income declared"),
    decision.DEBT_TO_INCOME: _("Debts too high for the income"),
    decision.BELOW_MIN_SCORE: _("Score below the product's minimum"),
}
# The scored characteristics (features.assess): their plain names and units.
YEARS, DAYS, YUAN, COUNT, RATIO, LEVEL = "years", "days", "yuan", "count", "ratio", "level"
FEATURES = {
    "age": (_("Age"), YEARS),
    "kyc_age_days": (_("Days since identity verified"), DAYS),
    "risk_level": (_("Risk tolerance level"), LEVEL),
    "wallet_balance_avg_90d": (_("Average wallet balance, 90 days"), YUAN),
    "wallet_inflow_90d": (_("Money into the wallet, 90 days"), YUAN),
    "payments_failed_90d": (_("Failed payments, 90 days"), COUNT),
    "past_loans": (_("Past loans with us"), COUNT),
    "past_max_dpd": (_("Worst days past due on past loans"), DAYS),
    "security_events_90d": (_("Security events, 90 days"), COUNT),
    "monthly_income": (_("Declared monthly income"), YUAN),
    "debt_to_income": (_("Monthly debt to income"), RATIO),
    "bureau_inquiries_6m": (_("Credit bureau inquiries, 6 months"), COUNT),
    "bureau_open_accounts": (_("Open credit accounts at the bureau"), COUNT),
    "bureau_delinquencies_24m": (_("Bureau delinquencies, 24 months"), COUNT),
    "bureau_utilisation": (_("Credit line utilisation"), RATIO),
}
EVENT_LABELS = {
    "disbursement": pgettext_lazy("loan event", "Disbursement"),
    "repayment": pgettext_lazy("loan event", "Repayment"),
    "prepayment": pgettext_lazy("loan event", "Prepayment"),
    "write_off": pgettext_lazy("loan event", "Write-off"),
    "recovery": pgettext_lazy("loan event", "Recovery"),
}
SOURCE_LABELS = {
    "portal": _("Customer, online"),
    "api": _("Customer, app"),
    "auto_debit": _("Auto-debit"),
    "lending": _("The lender"),
    "console": _("Staff, in the console"),
}
ACCOUNT_LABELS = {
    "principal": _("Principal receivable"),
    "interest": _("Interest receivable"),
    "penalty": _("Penalty interest receivable"),
}


def percent(rate, places: int = 2) -> str:
    """A rate as people read it: Decimal("0.0725") -> "7.25%"."""
    if rate is None:
        return ""
    return f"{Decimal(str(rate)) * 100:.{places}f}%"


def _zh(language: str) -> bool:
    return str(language).lower().startswith("zh")


def product_name(product, language: str) -> str:
    return product.name_zh if _zh(language) else product.name_en


def _customers(actor: Actor, ids) -> dict[str, TargetLink]:
    ids = {str(i) for i in ids}
    links = target_links(actor=actor, targets=[(CUSTOMER_TARGET, i) for i in ids])
    return {i: links[(CUSTOMER_TARGET, i)] for i in ids}


def _people(ids) -> dict[str, str]:
    from hujin.identity.selectors import user_labels

    labels = user_labels(user_ids=[i for i in ids if i and i != "policy"])
    labels["policy"] = str(_("The credit policy"))
    return labels


def term_text(term: int, unit: str) -> str:
    return f"{term} {TERM_UNIT_LABELS.get(unit, unit)}"


def _url(name: str, *args) -> str:
    return url_if_mounted(f"lending:{name}", args=list(args)) or ""


# -- names for the audit trail and the approvals -------------------------------------------------


def _uuids(ids) -> list[uuid.UUID]:
    out = []
    for i in ids:
        with contextlib.suppress(ValueError):
            out.append(uuid.UUID(str(i)))
    return out


def product_names(ids) -> dict[str, tuple[str, str]]:
    from django.utils import translation

    language = translation.get_language() or "en"
    return {str(p.id): (f"{product_name(p, language)} ({p.code})", _url("console_product", p.id))
            for p in LoanProduct.objects.filter(id__in=_uuids(ids))}  # fmt: skip


def application_names(ids) -> dict[str, tuple[str, str]]:
    rows = LoanApplication.objects.filter(id__in=_uuids(ids)).select_related("product")
    return {str(a.id): (f"{a.product.code} · {a.submitted_at:%Y-%m-%d}",
                        _url("console_application", a.id)) for a in rows}  # fmt: skip


def loan_names(ids) -> dict[str, tuple[str, str]]:
    return {str(loan.id): (loan.number, _url("console_loan", loan.id))
            for loan in Loan.objects.filter(id__in=_uuids(ids))}  # fmt: skip


# -- products ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ProductRow:
    id: uuid.UUID
    code: str
    name: str
    state: str
    currency: str
    min_amount_minor: int
    max_amount_minor: int
    terms: str
    rates: str
    worst_apr: str
    above_cap: bool


def _terms_range(p) -> str:
    unit = TERM_UNIT_LABELS.get(p.term_unit, p.term_unit)
    return f"{p.min_term}–{p.max_term} {unit}"


def products_list(*, language: str, on: date) -> list[ProductRow]:
    cap = apr_cap()
    rows = []
    for p in LoanProduct.objects.order_by("state", "code"):
        apr = worst_apr(p, start=on)
        rows.append(ProductRow(
            id=p.id, code=p.code, name=product_name(p, language), state=p.state,
            currency=p.currency, min_amount_minor=p.min_amount_minor,
            max_amount_minor=p.max_amount_minor, terms=_terms_range(p),
            rates=f"{percent(p.min_rate)}–{percent(p.max_rate)}", worst_apr=percent(apr),
            above_cap=apr > cap,
        ))  # fmt: skip
    return rows


@dataclass(frozen=True, slots=True)
class ProductPage:
    product: LoanProduct
    name: str
    terms: str
    method: str
    day_count: str
    rates: dict  # field -> "7.25%"
    allocation: list[str]
    worst_apr: str
    cap: str
    above_cap: bool
    approval_url: str
    approval_status: str
    applications: int
    loans: int


def product_page(*, product_id, language: str, on: date) -> ProductPage:
    """Raises LoanProductNotFound."""
    from hujin.core.models import ApprovalRequest

    p = LoanProduct.objects.filter(id__in=_uuids([product_id])).first()
    if p is None:
        raise LoanProductNotFound()
    apr, cap = worst_apr(p, start=on), apr_cap()
    request = None
    if p.approval_request_id:
        request = ApprovalRequest.objects.filter(id=p.approval_request_id).first()
    rate_fields = ("min_rate", "max_rate", "penalty_rate", "upfront_fee_rate",
                   "instalment_fee_rate", "prepayment_fee_rate")  # fmt: skip
    return ProductPage(
        product=p, name=product_name(p, language), terms=_terms_range(p),
        method=METHOD_LABELS.get(p.method, p.method),
        day_count=DAY_COUNT_LABELS.get(p.day_count, p.day_count),
        rates={f: percent(getattr(p, f)) for f in rate_fields},
        allocation=[str(PART_LABELS.get(x, x)) for x in p.allocation_order],
        worst_apr=percent(apr), cap=percent(cap), above_cap=apr > cap,
        approval_url=(url_if_mounted("compliance:approval_detail", args=[request.id]) or "")
        if request else "",
        approval_status=request.status if request else "",
        applications=p.applications.count(), loans=p.loans.count(),
    )  # fmt: skip


# -- applications -----------------------------------------------------------------------------


def referred_count() -> int:
    """Referred applications not yet sent to a second analyst."""
    return LoanApplication.objects.filter(
        state=t.APP_REFERRED, approval_request_id__isnull=True
    ).count()


@dataclass(frozen=True, slots=True)
class ApplicationRow:
    id: uuid.UUID
    customer: TargetLink
    product: str
    amount_minor: int
    currency: str
    term: str
    score: int | None
    state: str
    submitted_at: datetime
    decided_at: datetime | None
    decided_by: str
    second_check: bool  # waiting for a second analyst


def _application_rows(actor: Actor, applications, language: str) -> list[ApplicationRow]:
    names = _customers(actor, {a.customer_id for a in applications})
    people = _people({a.decided_by for a in applications})
    return [ApplicationRow(
        id=a.id, customer=names[str(a.customer_id)], product=product_name(a.product, language),
        amount_minor=a.amount_minor, currency=a.product.currency,
        term=term_text(a.term, a.product.term_unit), score=a.score, state=a.state,
        submitted_at=a.submitted_at, decided_at=a.decided_at,
        decided_by=people.get(a.decided_by, ""), second_check=bool(a.approval_request_id),
    ) for a in applications]  # fmt: skip


@dataclass(frozen=True, slots=True)
class ApplicationsQueue:
    referred: list[ApplicationRow]
    recent: list[ApplicationRow]
    waiting: int


def applications_queue(*, actor: Actor, language: str, limit: int = 50) -> ApplicationsQueue:
    """The referred applications, oldest first (those with a second analyst's approval pending
    last), then the latest decisions."""
    base = LoanApplication.objects.select_related("product")
    referred = list(base.filter(state=t.APP_REFERRED)
                    .order_by(F("approval_request_id").desc(nulls_first=True),
                              "submitted_at")[:limit])  # fmt: skip
    decided = base.exclude(state__in=(t.APP_REFERRED, t.APP_SUBMITTED))
    recent = list(decided.order_by(F("decided_at").desc(nulls_last=True),
                                   "-submitted_at")[:limit])  # fmt: skip
    return ApplicationsQueue(
        referred=_application_rows(actor, referred, language),
        recent=_application_rows(actor, recent, language),
        waiting=sum(1 for a in referred if not a.approval_request_id),
    )


@dataclass(frozen=True, slots=True)
class Feature:
    key: str
    label: str
    value: str


def feature_value(key: str, value) -> str:
    if value is None:
        return str(_("Not known"))
    unit = FEATURES.get(key, ("", COUNT))[1]
    if unit == YUAN:
        from hujin.core.money import display_amount

        return display_amount(int(Decimal(str(value)) * 100), "CNY", style="code")
    if unit == RATIO:
        return percent(value, 1)
    if unit == YEARS:
        return str(_("%(n)s years") % {"n": value})
    if unit == DAYS:
        return str(_("%(n)s days") % {"n": value})
    return str(value)


def feature_label(key: str) -> str:
    return str(FEATURES[key][0]) if key in FEATURES else key.replace("_", " ")


@dataclass(frozen=True, slots=True)
class ApplicationPage:
    application: LoanApplication
    customer: TargetLink
    product: str
    product_url: str
    term: str
    purpose: str
    points: list[charts.Bar]
    base_points: int | None
    reasons: list[str]
    rules: list[str]
    challengers: list[dict]
    features: list[Feature]
    model: str
    decided_by: str
    # the analyst's review: the ranges, the score band's rate, the second-analyst threshold
    rate_from: str
    rate_to: str
    band_rate: str
    amount_from_minor: int
    amount_to_minor: int
    checker_above_minor: int
    approval_url: str
    approval_status: str
    loan_url: str
    loan_number: str
    currency: str
    offer_rate: str
    offer_apr: str
    decidable: bool = field(default=False)


def application_page(*, actor: Actor, application_id, language: str,
                     now: datetime) -> ApplicationPage:  # fmt: skip
    """Raises ApplicationNotFound."""
    from hujin.core.models import ApprovalRequest

    a = (LoanApplication.objects.select_related("product", "model")
         .filter(id__in=_uuids([application_id])).first())  # fmt: skip
    if a is None:
        raise ApplicationNotFound()
    p = a.product
    customer = _customers(actor, [a.customer_id])[str(a.customer_id)]
    points = sorted((a.points or {}).items(), key=lambda kv: -kv[1])
    bars = charts.bars([(feature_label(k), v, str(v)) for k, v in points])
    policy = decision.policy_current(now=now)
    band_rate, _most = decision.band_of(policy, a.score or 0)
    band_rate = min(max(band_rate, p.min_rate), p.max_rate)
    request = None
    if a.approval_request_id:
        request = ApprovalRequest.objects.filter(id=a.approval_request_id).first()
    loan = Loan.objects.filter(application=a).only("id", "number").first()
    model = ""
    base = None
    if a.model is not None:
        model = f"v{a.model.version} · {a.model.name}"
        base = (a.model.artefact or {}).get("base_points")
    return ApplicationPage(
        application=a, customer=customer, product=product_name(p, language),
        product_url=_url("console_product", p.id), term=term_text(a.term, p.term_unit),
        purpose=str(PURPOSE_LABELS.get(a.purpose, a.purpose)), points=bars, base_points=base,
        reasons=[feature_label(r) for r in a.reasons or []],
        rules=[str(RULE_LABELS.get(r, r)) for r in a.hard_rules or []],
        challengers=[{"version": c.get("version"), "score": c.get("score")}
                     for c in a.challengers or []],
        features=[Feature(k, feature_label(k), feature_value(k, v))
                  for k, v in (a.features or {}).items()],
        model=model, decided_by=_people({a.decided_by}).get(a.decided_by, ""),
        rate_from=percent(p.min_rate), rate_to=percent(p.max_rate), band_rate=percent(band_rate),
        amount_from_minor=p.min_amount_minor, amount_to_minor=p.max_amount_minor,
        checker_above_minor=policy.checker_above_minor,
        approval_url=(url_if_mounted("compliance:approval_detail", args=[request.id]) or "")
        if request else "",
        approval_status=request.status if request else "",
        loan_url=_url("console_loan", loan.id) if loan else "",
        loan_number=loan.number if loan else "", currency=p.currency,
        offer_rate=percent(a.offer_rate), offer_apr=percent(a.offer_apr),
        decidable=a.state == t.APP_REFERRED and not a.approval_request_id,
    )  # fmt: skip


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


def _loan_rows(actor: Actor, loans, language: str, overdue=None) -> list[LoanRow]:
    names = _customers(actor, {loan.customer_id for loan in loans})
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
    loan = Loan.objects.select_related("product").filter(id__in=_uuids([loan_id])).first()
    if loan is None:
        raise LoanNotFound()
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
        loan=loan, customer=_customers(actor, [loan.customer_id])[str(loan.customer_id)],
        product=product_name(loan.product, language),
        product_url=_url("console_product", loan.product_id),
        application_url=_url("console_application", loan.application_id),
        rate=percent(loan.annual_rate), apr=percent(loan.apr),
        method=str(METHOD_LABELS.get(loan.method, loan.method)),
        term=term_text(loan.term, loan.term_unit), classification=classification,
        outstanding_minor=loan.principal_minor - loan.principal_paid_minor,
        schedule=lines, totals=dict(totals), superseded=len(rows) - len(current),
        postings=_postings(loan), events=events,
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
    the instalments due before ``on`` not yet paid)."""
    loans = list(Loan.objects.select_related("product").filter(state=t.LOAN_ACTIVE, dpd__gt=0)
                 .order_by("-dpd", "start_date")[:limit])  # fmt: skip
    return _loan_rows(actor, loans, language, _overdue_by_loan([x.id for x in loans], on))


# -- score models -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModelRow:
    id: uuid.UUID
    version: int
    name: str
    role: str
    auc: str
    ks: str
    gini: str
    cv_auc: str
    trained_at: datetime
    rows: int | None
    bad_rate: str
    stability: list[dict]  # month, applications, psi of the score, flagged names
    psi_chart: charts.LineChart | None


def _metric(metrics: dict, key: str) -> str:
    value = metrics.get(key)
    return "" if value is None else f"{float(value):.3f}"


def models_registry() -> tuple[list[ModelRow], charts.LineChart | None]:
    """Every version, newest first, and the chart of AUC and KS per version."""
    stability = defaultdict(list)
    for s in ModelStability.objects.order_by("month"):
        stability[s.model_id].append(s)
    rows = []
    for m in ScoreModel.objects.order_by("-version"):
        months = stability.get(m.id, [])
        bad_rate = m.data_summary.get("bad_rate")
        psi_chart = charts.lines(
            [(str(_("Score")), [float(s.psi.get("score", 0)) for s in months])],
            [f"{s.month:%Y-%m}" for s in months], low=0.0,
        ) if len(months) > 1 else None  # fmt: skip
        rows.append(ModelRow(
            id=m.id, version=m.version, name=m.name, role=m.role, auc=_metric(m.metrics, "auc"),
            ks=_metric(m.metrics, "ks"), gini=_metric(m.metrics, "gini"),
            cv_auc=_metric(m.metrics, "cv_auc"), trained_at=m.trained_at,
            rows=m.data_summary.get("rows"),
            bad_rate=percent(bad_rate, 1) if bad_rate is not None else "",
            stability=[{"month": s.month, "applications": s.applications,
                        "psi": f"{float(s.psi.get('score', 0)):.3f}",
                        "flagged": [feature_label(f) for f in s.flagged]} for s in months],
            psi_chart=psi_chart,
        ))  # fmt: skip
    ordered = sorted(rows, key=lambda r: r.version)
    chart = charts.lines(
        [("AUC", [float(r.auc) if r.auc else None for r in ordered]),
         ("KS", [float(r.ks) if r.ks else None for r in ordered])],
        [f"v{r.version}" for r in ordered], low=0.0, high=1.0,
    )  # fmt: skip
    return rows, chart


# -- portfolio --------------------------------------------------------------------------------


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month


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
    and vintage curves.

    Vintage: per month of disbursement, the share of its principal in loans 30 or more days
    past due by months on book. Worked back from the loans' present state: a loan counts from
    the month on book in which it reached 30 days past due (today's days past due less 30 days
    before today); one that was 30+ and has since caught up is not seen; a written-off loan
    counts from its last month on book."""
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
    vintage, vintage_rows = _vintage(on)
    return Portfolio(currency="CNY", outstanding_minor=total, loans=count, by_bucket=by_bucket,
                     by_class=by_class, npl_minor=npl, npl_ratio=ratio, disbursed=disbursed,
                     vintage=vintage, vintage_rows=vintage_rows)  # fmt: skip


def _vintage(on: date) -> tuple[charts.LineChart | None, list[dict]]:
    from datetime import timedelta

    cohorts: dict[str, dict] = {}
    loans = Loan.objects.exclude(state=t.LOAN_SIGNED).values_list(
        "start_date", "principal_minor", "dpd", "state", "updated_at"
    )
    for start, principal, dpd, state, updated in loans:
        key = f"{start:%Y-%m}"
        cohort = cohorts.setdefault(key, {"start": start.replace(day=1), "principal": 0,
                                          "bad": defaultdict(int)})  # fmt: skip
        cohort["principal"] += principal
        if state == t.LOAN_WRITTEN_OFF:
            cohort["bad"][max(1, _months_between(start, updated.date()))] += principal
        elif dpd >= 30:
            reached = on - timedelta(days=dpd - 30)
            cohort["bad"][max(1, _months_between(start, reached))] += principal
    if not cohorts:
        return None, []
    books = max(1, max(_months_between(c["start"], on) for c in cohorts.values()))
    x_labels = [str(k) for k in range(1, books + 1)]
    series, rows = [], []
    for key in sorted(cohorts)[-8:]:
        c = cohorts[key]
        age = _months_between(c["start"], on)
        shares, running = [], 0
        for mob in range(1, books + 1):
            running += c["bad"].get(mob, 0)
            shares.append(running / c["principal"] * 100 if mob <= max(age, 1) else None)
        series.append((key, shares))
        last = next((s for s in reversed(shares) if s is not None), 0.0)
        rows.append({"month": key, "principal_minor": c["principal"], "months": age,
                     "share": f"{last:.1f}%"})  # fmt: skip
    return charts.lines(series, x_labels, low=0.0), rows


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


def applications_by_state() -> dict[str, int]:
    return dict(LoanApplication.objects.values_list("state").annotate(n=Count("id")))
