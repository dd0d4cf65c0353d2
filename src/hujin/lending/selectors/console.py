"""The console's reads over lending: loan products, the applications queue and one application
with its score's breakdown, the loans and one loan with its schedule, ledger postings and money
events, the collections queue, the score model registry, the portfolio and the lender's funds.

Values out (dataclasses with names, labels and integer fen), never querysets; customers named
as the console names them for the viewer (masked, linked to their page when allowed)."""

import contextlib
import uuid
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.db.models import F
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.links import TargetLink, target_links
from hujin.core.navigation import url_if_mounted
from hujin.lending import charts, decision
from hujin.lending import types as t
from hujin.lending.errors import ApplicationNotFound, LoanProductNotFound
from hujin.lending.models import (
    Loan,
    LoanApplication,
    LoanProduct,
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
    "age": (pgettext_lazy("borrower", "Age"), YEARS),
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


def customer_links(actor: Actor, ids) -> dict[str, TargetLink]:
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


def page_url(name: str, *args) -> str:
    return url_if_mounted(f"lending:{name}", args=list(args)) or ""


# -- names for the audit trail and the approvals -------------------------------------------------


def uuids_of(ids) -> list[uuid.UUID]:
    out = []
    for i in ids:
        with contextlib.suppress(ValueError):
            out.append(uuid.UUID(str(i)))
    return out


def product_names(ids) -> dict[str, tuple[str, str]]:
    from django.utils import translation

    language = translation.get_language() or "en"
    return {str(p.id): (f"{product_name(p, language)} ({p.code})",
                        page_url("console_product", p.id))
            for p in LoanProduct.objects.filter(id__in=uuids_of(ids))}  # fmt: skip


def application_names(ids) -> dict[str, tuple[str, str]]:
    rows = LoanApplication.objects.filter(id__in=uuids_of(ids)).select_related("product")
    return {str(a.id): (f"{a.product.code} · {a.submitted_at:%Y-%m-%d}",
                        page_url("console_application", a.id)) for a in rows}  # fmt: skip


def loan_names(ids) -> dict[str, tuple[str, str]]:
    return {str(loan.id): (loan.number, page_url("console_loan", loan.id))
            for loan in Loan.objects.filter(id__in=uuids_of(ids))}  # fmt: skip


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
        apr = p.worst_apr  # worked out when the terms were saved
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

    p = LoanProduct.objects.filter(id__in=uuids_of([product_id])).first()
    if p is None:
        raise LoanProductNotFound()
    apr, cap = p.worst_apr, apr_cap()
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


def worst_apr_preview(data: t.ProductInput, *, on: date) -> tuple[str, str, bool]:
    """The worst APR of terms being typed (not saved), the cap, and whether it is above."""
    from types import SimpleNamespace

    terms = SimpleNamespace(**{name: getattr(data, name) for name in (
        "min_amount_minor", "max_amount_minor", "term_unit", "min_term", "max_term", "method",
        "day_count", "max_rate", "upfront_fee_rate", "instalment_fee_rate")})  # fmt: skip
    apr, cap = worst_apr(terms, start=on), apr_cap()
    return percent(apr), percent(cap), apr > cap


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
    names = customer_links(actor, {a.customer_id for a in applications})
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
         .filter(id__in=uuids_of([application_id])).first())  # fmt: skip
    if a is None:
        raise ApplicationNotFound()
    p = a.product
    customer = customer_links(actor, [a.customer_id])[str(a.customer_id)]
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
        product_url=page_url("console_product", p.id), term=term_text(a.term, p.term_unit),
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
        loan_url=page_url("console_loan", loan.id) if loan else "",
        loan_number=loan.number if loan else "", currency=p.currency,
        offer_rate=percent(a.offer_rate), offer_apr=percent(a.offer_apr),
        decidable=a.state == t.APP_REFERRED and not a.approval_request_id,
    )  # fmt: skip
