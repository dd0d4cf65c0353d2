"""The customer's lending API, mounted at /api/v1/me/ behind the customer's access token: the
loan products and a schedule quote, applications (decided at once: approved with an offer,
referred to an analyst, or declined with its reasons in plain words), the contract of an offer
and its signature with a code, then the loans with their schedules, repayments and early
repayments. Money as decimal strings in yuan; each endpoint makes one service or selector call
as that customer; the wall clock and the business date are read here."""

import contextlib
import uuid

from django.utils import timezone, translation
from ninja import Query, Router, Status

from hujin.core.api_errors import error_responses
from hujin.core.dates import business_date_get
from hujin.core.errors import HujinError
from hujin.core.money import format_minor, parse_amount
from hujin.identity.access import customer_actor
from hujin.lending import services
from hujin.lending.accounts import ACTOR as LENDING
from hujin.lending.accounts import CURRENCY
from hujin.lending.errors import ApplicationInvalid, FundingExhausted, RepaymentInvalid
from hujin.lending.schemas import (
    ApplicationIn,
    ApplicationOut,
    ApplicationsOut,
    ContractOut,
    LoanOut,
    LoanProductsOut,
    LoansOut,
    PrepayIn,
    PrepaymentQuoteOut,
    PrepaymentQuoteQuery,
    QuoteOut,
    QuoteQuery,
    RepayIn,
    RepaymentOut,
    SignCodeIn,
    SignCodeOut,
    SignIn,
)
from hujin.lending.selectors import portal as selectors
from hujin.lending.views_portal_words import reasons_in_words

router = Router()


def _money(minor: int | None) -> str | None:
    return None if minor is None else format_minor(minor, CURRENCY)


def _minor(text: str, error: type[HujinError], field: str) -> int:
    try:
        return parse_amount(text, CURRENCY)
    except HujinError:
        raise error(details={"field": field, "reason": "format"}) from None


def _language() -> str:
    return translation.get_language() or "en"


def _now():
    now = timezone.now()
    return now, business_date_get(now=now)


def _actor(request):
    return getattr(request, "actor", None) or customer_actor(request.user)


def _instalments(rows) -> list[dict]:
    return [{"number": r.number, "due_date": r.due_date, "principal": _money(r.principal_minor),
             "interest": _money(r.interest_minor), "fee": _money(r.fee_minor),
             "total": _money(r.total_minor)} for r in rows]  # fmt: skip


@router.get(
    "loan-products", response={200: LoanProductsOut, **error_responses()},
    operation_id="me_loan_products", summary="Loan products on offer",
)  # fmt: skip
def loan_products(request):
    """The loan products open for applications, with their ranges of amount, term and rate
    and the highest APR their terms allow."""
    _, business_date = _now()
    zh = _language().startswith("zh")
    return {"items": [{
        "id": p.id, "code": p.code, "name": p.name_zh if zh else p.name_en,
        "description": p.description_zh if zh else p.description_en, "currency": p.currency,
        "min_amount": _money(p.min_amount_minor), "max_amount": _money(p.max_amount_minor),
        "term_unit": p.term_unit, "min_term": p.min_term, "max_term": p.max_term,
        "method": p.method, "min_rate": str(p.min_rate), "max_rate": str(p.max_rate),
        "worst_apr": str(p.worst_apr), "upfront_fee_rate": str(p.upfront_fee_rate),
        "prepayment_allowed": p.prepayment_allowed,
        "prepayment_fee_rate": str(p.prepayment_fee_rate),
    } for p in selectors.products_on_sale(on=business_date)]}  # fmt: skip


@router.get(
    "loan-products/{product_id}/quote", response={200: QuoteOut, **error_responses(404)},
    operation_id="me_loan_products_quote", summary="What a loan would cost",
)  # fmt: skip
def quote(request, product_id: uuid.UUID, query: Query[QuoteQuery]):
    """The schedule of ``amount`` over ``term`` starting today, at the product's highest rate
    (the most it can cost; an approval may give less), with its APR. 400
    ``loan_application_invalid`` naming the ``field`` out of the product's range; 404
    ``loan_product_not_found``."""
    _, business_date = _now()
    preview = selectors.schedule_preview(
        product_id=product_id, amount_minor=_minor(query.amount, ApplicationInvalid, "amount"),
        term=query.term, repayment_day=query.repayment_day, start=business_date,
    )  # fmt: skip
    plan = preview.highest
    return {
        "product_id": preview.product_id, "currency": CURRENCY, "rate": str(preview.max_rate),
        "apr": str(plan.apr), "principal": _money(plan.totals["principal"]),
        "interest": _money(plan.totals["interest"]),
        "fees": _money(plan.totals["fees"] + plan.totals.get("upfront_fee", 0)),
        "total": _money(plan.totals["total"]), "disbursed": _money(plan.disbursed_minor),
        "lowest_rate": str(preview.min_rate),
        "lowest_first_instalment": _money(preview.lowest_first_instalment_minor),
        "instalments": _instalments(plan.instalments),
    }  # fmt: skip


def _application(view) -> dict:
    declined = view.state == "declined"
    return {
        "id": view.id, "product_id": view.product_id,
        "product_name": view.product_name(_language()), "currency": CURRENCY,
        "amount": _money(view.amount_minor), "term": view.term, "term_unit": view.term_unit,
        "purpose": view.purpose, "state": view.state,
        "reasons": reasons_in_words(hard_rules=view.hard_rules, reasons=view.reasons)
        if declined else [],
        "reason_codes": [*view.hard_rules, *view.reasons] if declined else [],
        "offer_amount": _money(view.offer_amount_minor),
        "offer_rate": None if view.offer_rate is None else str(view.offer_rate),
        "offer_apr": None if view.offer_apr is None else str(view.offer_apr),
        "offer_expires_at": view.offer_expires_at, "submitted_at": view.submitted_at,
        "decided_at": view.decided_at, "loan_id": view.loan_id,
    }  # fmt: skip


@router.post(
    "loan-applications", response={201: ApplicationOut, **error_responses(404, 409)},
    operation_id="me_loan_applications_create", summary="Apply for a loan",
)  # fmt: skip
def application_create(request, body: ApplicationIn):
    """Apply and be decided at once: ``approved`` with an offer to sign before it expires,
    ``referred`` to a credit analyst, or ``declined`` with the reasons. The same
    ``idempotency_key`` answers the first application. 400 ``loan_application_invalid``
    (``details.field``: amount, term, repayment_day, purpose, monthly_income),
    ``confirmation_required`` (the credit check not authorised: send
    ``credit_check_document_id``), ``not_a_customer``; 404 ``loan_product_not_found``; 409
    ``loan_product_not_on_sale``, ``credit_bureau_unavailable``."""
    now, business_date = _now()
    actor = _actor(request)
    application = services.application_submit(
        actor=actor, now=now, business_date=business_date,
        data=services.ApplicationInput(
            product_id=body.product_id, amount_minor=_minor(body.amount, ApplicationInvalid,
                                                            "amount"),
            term=body.term, purpose=body.purpose,
            monthly_income_minor=_minor(body.monthly_income, ApplicationInvalid,
                                        "monthly_income"),
            idempotency_key=body.idempotency_key, repayment_day=body.repayment_day,
            credit_check_document_id=body.credit_check_document_id, channel="api",
        ),
    )  # fmt: skip
    view = selectors.my_application(actor=actor, application_id=application.id)
    return Status(201, _application(view))


@router.get(
    "loan-applications", response={200: ApplicationsOut, **error_responses()},
    operation_id="me_loan_applications", summary="My loan applications",
)  # fmt: skip
def applications(request):
    """My applications, the newest first."""
    return {"items": [_application(v) for v in selectors.my_applications(actor=_actor(request))]}


@router.get(
    "loan-applications/{application_id}", response={200: ApplicationOut, **error_responses(404)},
    operation_id="me_loan_applications_get", summary="One of my loan applications",
)  # fmt: skip
def application_get(request, application_id: uuid.UUID):
    """404 ``loan_application_not_found`` for an application that is not mine."""
    return _application(
        selectors.my_application(actor=_actor(request), application_id=application_id)
    )


@router.get(
    "loan-applications/{application_id}/contract",
    response={200: ContractOut, **error_responses(404, 409)},
    operation_id="me_loan_applications_contract", summary="The contract of an offer",
)  # fmt: skip
def contract(request, application_id: uuid.UUID):
    """The contract the customer would sign now, in the request's language, and its SHA-256
    (signing sends it back). 409 ``loan_application_state_invalid`` (no offer stands),
    ``loan_offer_expired``."""
    now, business_date = _now()
    language = _language()
    text, digest, plan = services.contract_preview(
        actor=_actor(request), application_id=application_id, language=language, now=now,
        business_date=business_date,
    )  # fmt: skip
    return {"application_id": application_id, "language": language, "text": text,
            "sha256": digest, "apr": str(plan.apr),
            "instalments": _instalments(plan.instalments)}  # fmt: skip


@router.post(
    "loan-applications/{application_id}/sign-code",
    response={202: SignCodeOut, **error_responses(404, 409, 429)},
    operation_id="me_loan_applications_sign_code", summary="Text me the code to sign",
)  # fmt: skip
def sign_code(request, application_id: uuid.UUID, body: SignCodeIn):
    """Text the code that signs the contract with this SHA-256 (only that text). 429
    ``otp_resend_too_soon``; 409 as for the contract."""
    now, _ = _now()
    services.sign_code_send(actor=_actor(request), application_id=application_id,
                            contract_sha256=body.contract_sha256,
                            ip=request.META.get("REMOTE_ADDR"), now=now)  # fmt: skip
    return Status(202, {"sent": True})


def _loan(view, *, schedule: bool = False) -> dict:
    out = {
        "id": view.id, "number": view.number, "product_name": view.product_name(_language()),
        "state": view.state, "currency": view.currency, "principal": _money(view.principal_minor),
        "annual_rate": str(view.annual_rate), "apr": str(view.apr), "term": view.term,
        "term_unit": view.term_unit, "method": view.method, "start_date": view.start_date,
        "outstanding_principal": _money(view.outstanding_principal_minor),
        "owed": _money(view.owed_minor), "due_now": _money(view.due_now_minor),
        "overdue": _money(view.overdue_minor), "days_past_due": view.dpd,
        "next_due_date": view.next_due_date, "next_due": _money(view.next_due_minor),
        "instalments_paid": view.paid_count, "instalments": view.instalment_count,
        "prepayment_allowed": view.prepayment_allowed, "settled_on": view.settled_on,
        "schedule": None,
    }  # fmt: skip
    disbursement = getattr(view, "disbursement", None)
    if disbursement is not None:
        out.update({"disburse_to": disbursement.to, "disburse_card": disbursement.card,
                    "payout_status": disbursement.payout_status or None})  # fmt: skip
    if schedule:
        out["schedule"] = [{
            "number": x.number, "due_date": x.due_date, "principal": _money(x.principal_minor),
            "interest": _money(x.interest_minor), "fee": _money(x.fee_minor),
            "penalty": _money(x.penalty_minor), "paid": _money(x.paid_minor),
            "owed": _money(x.owed_minor), "paid_on": x.paid_on, "state": x.state,
        } for x in view.lines]  # fmt: skip
    return out


@router.post(
    "loan-applications/{application_id}/sign",
    response={201: LoanOut, **error_responses(404, 409)},
    operation_id="me_loan_applications_sign", summary="Sign the contract",
)  # fmt: skip
def sign(request, application_id: uuid.UUID, body: SignIn):
    """Sign the contract whose SHA-256 the customer read, with the texted code (``sms``) or
    the authenticator's (``totp``); the loan is paid into the wallet at once, or shortly when
    the lender's funds are short (the loan answers ``signed`` then) — and on to my bound card
    ``card_id`` with ``disburse_to`` ``card`` (``payout_status`` follows it; a card unbound
    meanwhile leaves the money in the wallet). 400 ``confirmation_required`` (a wrong or
    expired code: ``details.invalid``), ``loan_disbursement_card_invalid`` (not one of my bound
    cards); 409 ``loan_contract_changed``, ``loan_offer_expired``,
    ``loan_application_state_invalid``."""
    now, business_date = _now()
    actor = _actor(request)
    loan = services.loan_sign(actor=actor, application_id=application_id,
                              contract_sha256=body.contract_sha256, method=body.method,
                              code=body.code, language=_language(), now=now,
                              business_date=business_date, disburse_to=body.disburse_to,
                              card_id=body.card_id)  # fmt: skip
    # Signed either way; short of the lender's funds, the close of business pays it out later.
    with contextlib.suppress(FundingExhausted):
        services.loan_disburse(actor=LENDING, loan_id=loan.id, now=now,
                               business_date=business_date)  # fmt: skip
    view = selectors.my_loan(actor=actor, loan_id=loan.id, business_date=business_date)
    return Status(201, _loan(view, schedule=True))


@router.get(
    "loans", response={200: LoansOut, **error_responses()},
    operation_id="me_loans", summary="My loans",
)  # fmt: skip
def loans(request):
    """My loans, the newest first: what is owed, due now, overdue and due next."""
    _, business_date = _now()
    views = selectors.my_loans(actor=_actor(request), business_date=business_date)
    return {"items": [_loan(v) for v in views]}


@router.get(
    "loans/{loan_id}", response={200: LoanOut, **error_responses(404)},
    operation_id="me_loans_get", summary="One of my loans, with its schedule",
)  # fmt: skip
def loan_get(request, loan_id: uuid.UUID):
    """The loan and its current schedule. 404 ``loan_not_found`` for a loan that is not mine."""
    _, business_date = _now()
    view = selectors.my_loan(actor=_actor(request), loan_id=loan_id, business_date=business_date)
    return _loan(view, schedule=True)


def _event(event) -> dict:
    return {"id": event.id, "loan_id": event.loan_id, "kind": event.kind,
            "value_date": event.value_date, "currency": CURRENCY,
            "amount": _money(event.amount_minor),
            "allocation": [[n, part, _money(a)] for n, part, a in event.allocation]}  # fmt: skip


@router.post(
    "loans/{loan_id}/repayments", response={201: RepaymentOut, **error_responses(404, 409)},
    operation_id="me_loans_repay", summary="Repay from my wallet",
)  # fmt: skip
def repay(request, loan_id: uuid.UUID, body: RepayIn):
    """Repay ``amount`` from the wallet: what is due first, then the next instalments in order.
    The same ``idempotency_key`` answers the first repayment. 400 ``loan_repayment_invalid``
    (more than is owed); 404 ``loan_not_found``; 409 ``insufficient_funds``,
    ``loan_state_invalid``."""
    now, business_date = _now()
    event = services.loan_repay(actor=_actor(request), loan_id=loan_id,
                                amount_minor=_minor(body.amount, RepaymentInvalid, "amount"),
                                idempotency_key=body.idempotency_key, now=now,
                                business_date=business_date, source="api")  # fmt: skip
    return Status(201, _event(event))


@router.post(
    "loans/{loan_id}/prepayments", response={201: RepaymentOut, **error_responses(404, 409)},
    operation_id="me_loans_prepay", summary="Repay early",
)  # fmt: skip
def prepay(request, loan_id: uuid.UUID, body: PrepayIn):
    """Repay everything (no ``principal``) or part of the principal, lowering the instalments
    or shortening the term (``choice``); what is due is paid first, then the interest to date
    and any fee. 400 ``loan_repayment_invalid``; 404 ``loan_not_found``; 409
    ``insufficient_funds``, ``loan_prepayment_not_allowed``, ``loan_state_invalid``."""
    now, business_date = _now()
    principal = (
        None if body.principal is None else _minor(body.principal, RepaymentInvalid, "principal")
    )
    event = services.loan_prepay(actor=_actor(request), loan_id=loan_id,
                                 idempotency_key=body.idempotency_key, now=now,
                                 business_date=business_date, principal_minor=principal,
                                 choice=body.choice, source="api")  # fmt: skip
    return Status(201, _event(event))


@router.get(
    "loans/{loan_id}/prepayment-quote",
    response={200: PrepaymentQuoteOut, **error_responses(404)},
    operation_id="me_loans_prepayment_quote", summary="What repaying early would take",
)  # fmt: skip
def prepayment_quote(request, loan_id: uuid.UUID, query: Query[PrepaymentQuoteQuery]):
    """Today's quote: what is due, the principal, the running period's interest to date and
    the fee; after a part, the schedule that would follow. 400 ``loan_repayment_invalid``;
    404 ``loan_not_found``."""
    _, business_date = _now()
    principal = (
        None if query.principal is None else _minor(query.principal, RepaymentInvalid, "principal")
    )
    q = selectors.my_prepayment_quote(actor=_actor(request), loan_id=loan_id,
                                      business_date=business_date, principal_minor=principal,
                                      choice=query.choice)  # fmt: skip
    return {"loan_id": q.loan_id, "business_date": q.business_date, "currency": CURRENCY,
            "full": q.full, "due_now": _money(q.due_now_minor),
            "principal": _money(q.principal_minor), "interest": _money(q.interest_minor),
            "fee": _money(q.fee_minor), "total": _money(q.total_minor),
            "new_schedule": _instalments(q.new_schedule)}  # fmt: skip
