"""The loan contract: a versioned document rendered from the offer, with the borrower's masked
name, the schedule, the APR, the total cost, the penalty rules and the right to prepay
(templates/lending/contract/<language>.txt). The customer signs its exact text (its SHA-256 is
what the confirmation code is bound to); the loan keeps the text and the digest."""

import hashlib
from decimal import Decimal

from django.template.loader import render_to_string

from hujin.core.masking import mask_name
from hujin.core.money import display_amount
from hujin.lending import types as t

VERSION = 1

METHOD_NAMES = {
    "zh": {
        t.EQUAL_INSTALMENT: "等额本息",
        t.EQUAL_PRINCIPAL: "等额本金",
        t.INTEREST_ONLY: "先息后本",
        t.BULLET: "一次性还本付息",
    },
    "en": {
        t.EQUAL_INSTALMENT: "equal instalments of principal and interest",
        t.EQUAL_PRINCIPAL: "equal principal",
        t.INTEREST_ONLY: "interest only, principal at maturity",
        t.BULLET: "principal and interest in one payment at maturity",
    },
}
PART_NAMES = {
    "zh": {t.PENALTY: "罚息", t.FEES: "费用", t.INTEREST: "利息", t.PRINCIPAL: "本金"},
    "en": {t.PENALTY: "penalty", t.FEES: "fees", t.INTEREST: "interest", t.PRINCIPAL: "principal"},
}


def _pct(rate: Decimal) -> str:
    return f"{(rate * 100).quantize(Decimal('0.01'))}%"


def _amount(minor: int) -> str:
    return display_amount(minor, "CNY")


def render(*, language: str, number: str, legal_name: str, product_name: str,
           plan: t.Schedule, penalty_rate: Decimal, grace_days: int, prepayment_allowed: bool,
           prepayment_fee_rate: Decimal, day_count: str, order) -> str:  # fmt: skip
    lang = "zh" if language.startswith("zh") else "en"
    terms, totals = plan.terms, plan.totals
    fees = totals["fees"] + terms.upfront_fee_minor
    context = {
        "version": VERSION, "number": number, "borrower": mask_name(legal_name),
        "product": product_name, "principal": _amount(terms.principal_minor),
        "paid_out": _amount(plan.disbursed_minor),
        "upfront_fee": _amount(terms.upfront_fee_minor) if terms.upfront_fee_minor else "",
        "term": terms.term, "months": terms.term_unit == t.TERM_MONTHS,
        "method": METHOD_NAMES[lang][terms.method], "rate": _pct(terms.annual_rate),
        "basis": t.DAY_BASIS[day_count], "apr": _pct(plan.apr),
        "interest": _amount(totals["interest"]), "fees": _amount(fees),
        "cost": _amount(totals["interest"] + fees), "total": _amount(totals["total"]),
        "penalty_rate": _pct(penalty_rate), "grace_days": grace_days,
        "prepayment_allowed": prepayment_allowed,
        "prepayment_fee_rate": _pct(prepayment_fee_rate),
        "order": ("、" if lang == "zh" else ", ").join(PART_NAMES[lang][p] for p in order),
        "rows": [
            {"number": r.number, "due_date": r.due_date.isoformat(),
             "total": _amount(r.total_minor), "principal": _amount(r.principal_minor),
             "interest": _amount(r.interest_minor), "fee": _amount(r.fee_minor)}
            for r in plan.instalments
        ],
    }  # fmt: skip
    return render_to_string(f"lending/contract/{lang}.txt", context)


def digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
