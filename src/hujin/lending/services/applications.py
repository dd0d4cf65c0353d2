"""Loan applications: a verified, active customer applies; the application is assessed (the
customer's characteristics and the bureau's report), scored by the champion model (challengers
scored beside it, never deciding) and decided by the policy (decision.py) in the same call.
A referred application waits for a risk analyst; an analyst's approval above the policy's
amount needs a second analyst (the approval request ``lending.application_approve``).

An application is idempotent on the customer's key: the same key returns the first one."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import IntegrityError, transaction

from hujin.core.actors import Actor
from hujin.core.approvals import approval_request
from hujin.core.audit import audit_record
from hujin.core.errors import PermissionDenied
from hujin.core.events import event_emit
from hujin.core.money import display_amount
from hujin.core.sql import Dialect, hot_insert, hot_models, hot_rows
from hujin.customers.selectors import CreditFacts, own_credit_facts, own_standing
from hujin.lending import decision as policy_rules
from hujin.lending import events
from hujin.lending import types as t
from hujin.lending.errors import (
    ApplicationInvalid,
    ApplicationNotFound,
    ApplicationStateInvalid,
    AprAboveCap,
    ConfirmationRequired,
    LoanProductNotFound,
    NotACustomer,
    ProductNotOnSale,
)
from hujin.lending.features import assess
from hujin.lending.models import LoanApplication, LoanProduct
from hujin.lending.permissions import DECIDE_APPLICATIONS
from hujin.lending.pricing import apr_cap, terms_of
from hujin.lending.schedule import instalments, schedule, validate
from hujin.lending.services.scoring import models_in_force, scored
from hujin.privacy.selectors import consent_standing
from hujin.privacy.services import consent_accept

APPROVE_ACTION = "lending.application_approve"
CREDIT_CHECK = "credit_check"
KEY_MAX = 64


@dataclass(frozen=True, slots=True)
class ApplicationInput:
    product_id: uuid.UUID
    amount_minor: int
    term: int
    purpose: str
    monthly_income_minor: int
    idempotency_key: str
    repayment_day: int | None = None
    credit_check_document_id: uuid.UUID | None = None  # accepting it now; None: given before
    channel: str = "web"
    ip: str | None = None


def _invalid(field: str, reason: str, **extra) -> ApplicationInvalid:
    return ApplicationInvalid(details={"field": field, "reason": reason, **extra})


def product_on_sale(product_id) -> LoanProduct:
    try:
        product_id = uuid.UUID(str(product_id))
    except ValueError:
        raise LoanProductNotFound() from None
    d = Dialect()  # plain SQL: every application reads it
    found = hot_models(d, LoanProduct, "id = %s", [d.uuid_in(product_id)])
    if not found:
        raise LoanProductNotFound()
    product = found[0]
    if product.state != t.PRODUCT_ON_SALE:
        raise ProductNotOnSale()
    return product


def check_request(product: LoanProduct, *, amount_minor: int, term: int,
                  repayment_day: int | None) -> None:  # fmt: skip
    """The amount, term and repayment day within the product's ranges."""
    if type(amount_minor) is not int or not (
        product.min_amount_minor <= amount_minor <= product.max_amount_minor
    ):
        raise _invalid("amount", "range", min_minor=product.min_amount_minor,
                       max_minor=product.max_amount_minor)  # fmt: skip
    if type(term) is not int or not product.min_term <= term <= product.max_term:
        raise _invalid("term", "range", min=product.min_term, max=product.max_term)
    if repayment_day is not None and (
        product.term_unit == t.TERM_DAYS or not 1 <= repayment_day <= 28
    ):
        raise _invalid("repayment_day", "range")


def _consent(actor: Actor, user_id, data: ApplicationInput, now: datetime) -> uuid.UUID:
    if data.credit_check_document_id is not None:
        record = consent_accept(user_id=user_id, document_id=data.credit_check_document_id,
                                channel=data.channel, ip=data.ip, actor=actor, now=now)  # fmt: skip
        return record.id
    standing = consent_standing(user_id=user_id, kind=CREDIT_CHECK)
    if standing is None:
        raise ConfirmationRequired(
            "Authorise the credit check before applying.",
            details={"consent": CREDIT_CHECK},
        )
    return standing


def _record(actor: Actor, application: LoanApplication, action: str, now: datetime) -> None:
    after = {"state": application.state, "outcome": application.outcome,
             "score": application.score, "rules_failed": application.hard_rules,
             "amount_minor": application.amount_minor,
             "offer_amount_minor": application.offer_amount_minor,
             "offer_rate": str(application.offer_rate or "")}  # fmt: skip
    audit_record(actor=actor, action=f"lending.application.{action}",
                 target_type="loan_application", target_id=str(application.id),
                 occurred_at=now, after=after)  # fmt: skip
    event_emit(aggregate_type="loan_application", aggregate_id=str(application.id),
               event_type=events.APPLICATION_DECIDED, occurred_at=now,
               payload={"application_id": str(application.id),
                        "customer_id": str(application.customer_id),
                        "action": action, "state": application.state,
                        "score": application.score})  # fmt: skip


def _offer(application: LoanApplication, product: LoanProduct, *, rate: Decimal,
           amount_minor: int, business_date: date, now: datetime, hours: int) -> None:  # fmt: skip
    terms = terms_of(product, amount_minor=amount_minor, term=application.term, rate=rate,
                     start=business_date, repayment_day=application.repayment_day)  # fmt: skip
    apr = schedule(terms).apr
    if apr > apr_cap():
        raise AprAboveCap(details={"apr": str(apr), "cap": str(apr_cap())})
    application.state = t.APP_APPROVED
    application.offer_amount_minor = amount_minor
    application.offer_rate = rate
    application.offer_apr = apr
    application.offer_expires_at = now + timedelta(hours=hours)


def application_submit(*, actor: Actor, data: ApplicationInput, now: datetime,
                       business_date: date) -> LoanApplication:  # fmt: skip
    """Apply, be assessed and decided at once. Raises NotACustomer, LoanProductNotFound,
    ProductNotOnSale, ApplicationInvalid, ConfirmationRequired (no credit-check consent),
    BureauUnavailable."""
    facts = own_credit_facts(actor=actor)  # the standing and the credit facts, read once
    if facts is None:
        raise NotACustomer()
    key = (data.idempotency_key or "").strip()
    if not key or len(key) > KEY_MAX:
        raise _invalid("idempotency_key", "required")
    existing = _same_key(facts.customer_id, key)
    if existing is not None:
        return existing
    product = product_on_sale(data.product_id)
    check_request(product, amount_minor=data.amount_minor, term=data.term,
                  repayment_day=data.repayment_day)  # fmt: skip
    if data.purpose not in t.PURPOSES:
        raise _invalid("purpose", "unknown")
    if type(data.monthly_income_minor) is not int or not 0 <= data.monthly_income_minor <= 10**11:
        raise _invalid("monthly_income", "range")
    # The burden of the new loan: its largest instalment at the product's highest rate (the
    # instalments only: this schedule's APR is never shown).
    worst = terms_of(product, amount_minor=data.amount_minor, term=data.term,
                     rate=product.max_rate, start=business_date,
                     repayment_day=data.repayment_day)  # fmt: skip
    validate(worst)
    monthly_new = max(i.total_minor for i in instalments(worst))
    if product.term_unit == t.TERM_DAYS or product.method == t.BULLET:
        monthly_new = 0  # one payment at the end, counted against the income by the score
    try:
        with transaction.atomic():
            application = _decided(actor, facts, product, data, key, monthly_new=monthly_new,
                                   now=now, business_date=business_date)  # fmt: skip
            hot_insert(Dialect(), application)  # plain SQL: the one row every application writes
            _record(actor, application, "submitted", now)
    except IntegrityError:
        # The same key at the same moment: the first one stands, this call changes nothing.
        existing = _same_key(facts.customer_id, key)
        if existing is None:
            raise
        return existing
    return application


def _same_key(customer_id, key: str) -> LoanApplication | None:
    # The id first, in plain SQL: a new key, the usual case, then costs the narrowest statement.
    d = Dialect()
    found = hot_rows(d, _SAME_KEY_SQL, [d.uuid_in(customer_id), key])
    return None if not found else LoanApplication.objects.get(id=d.uuid_out(found[0][0]))


_SAME_KEY_SQL = (
    "SELECT id FROM lending_loanapplication WHERE customer_id = %s AND idempotency_key = %s"
)


def _decided(actor: Actor, facts: CreditFacts, product: LoanProduct, data: ApplicationInput,
             key: str, *, monthly_new: int, now: datetime,
             business_date: date) -> LoanApplication:  # fmt: skip
    """The application assessed, scored and decided (with its offer when approved), not yet
    stored; the credit-check consent recorded first when it comes with the application."""
    consent_id = _consent(actor, facts.user_id, data, now)
    assessed = assess(facts=facts, monthly_income_minor=data.monthly_income_minor,
                      new_instalment_minor=monthly_new, now=now,
                      business_date=business_date)  # fmt: skip
    dti = assessed.features["debt_to_income"]
    rules = policy_rules.hard_rules(
        facts=facts, age=assessed.age, product=product, purpose=data.purpose,
        overdue=assessed.overdue, dti=None if dti is None else Decimal(str(dti)),
    )  # fmt: skip
    champion, challenger_models = models_in_force()
    score = points = reasons = None
    if champion is not None:
        score, points, reasons = scored(champion.artefact, assessed.features)
    challengers = [{"version": m.version, "score": scored(m.artefact, assessed.features)[0]}
                   for m in challenger_models]  # fmt: skip
    policy = policy_rules.policy_current(now=now)
    outcome = policy_rules.decide(policy=policy, product=product, rules_failed=rules,
                                  score=score, amount_minor=data.amount_minor)  # fmt: skip
    application = LoanApplication(
        customer_id=facts.customer_id, product=product, amount_minor=data.amount_minor,
        term=data.term, purpose=data.purpose, repayment_day=data.repayment_day,
        monthly_income_minor=data.monthly_income_minor, idempotency_key=key,
        consent_id=consent_id, state=t.APP_SUBMITTED, outcome=outcome.outcome,
        score=score, points=points or {}, reasons=reasons or [],
        hard_rules=list(outcome.rules_failed), features=assessed.features,
        model_id=champion.id if champion else None, challengers=challengers,
        bureau_reference=assessed.report.reference, submitted_at=now,
    )  # fmt: skip
    if outcome.outcome == policy_rules.APPROVE:
        _offer(application, product, rate=outcome.rate, amount_minor=outcome.amount_minor,
               business_date=business_date, now=now, hours=policy.offer_valid_hours)  # fmt: skip
    else:
        application.state = (
            t.APP_REFERRED if outcome.outcome == policy_rules.REFER else t.APP_DECLINED
        )
    if application.state != t.APP_REFERRED:
        application.decided_by, application.decided_at = "policy", now
    return application


def _locked(application_id) -> LoanApplication:
    try:
        return (
            LoanApplication.objects.select_for_update()
            .select_related("product")
            .get(id=application_id)
        )
    except (LoanApplication.DoesNotExist, ValueError, TypeError):
        raise ApplicationNotFound() from None


def application_review(*, actor: Actor, application_id: uuid.UUID, approve: bool, note: str,
                       now: datetime, business_date: date, amount_minor: int | None = None,
                       rate: Decimal | None = None) -> LoanApplication:  # fmt: skip
    """An analyst decides a referred application: decline, or approve at an amount and rate
    within the product's ranges (by default the requested amount at the score band's rate).
    An approval above the policy's amount goes to a second analyst."""
    if not actor.has_scope(DECIDE_APPLICATIONS):
        raise PermissionDenied(details={"required_permission": DECIDE_APPLICATIONS})
    note = (note or "").strip()
    if not note or len(note) > 2000:
        raise _invalid("note", "required")
    with transaction.atomic():
        application = _locked(application_id)
        if application.state != t.APP_REFERRED or application.approval_request_id:
            raise ApplicationStateInvalid(details={"state": application.state})
        product = application.product
        policy = policy_rules.policy_current(now=now)
        if approve:
            amount = application.amount_minor if amount_minor is None else amount_minor
            band_rate, _ = policy_rules.band_of(policy, application.score or 0)
            chosen = band_rate if rate is None else Decimal(str(rate))
            if not product.min_rate <= chosen <= product.max_rate:
                raise _invalid("rate", "range")
            check_request(product, amount_minor=amount, term=application.term,
                          repayment_day=application.repayment_day)  # fmt: skip
            if amount > policy.checker_above_minor:
                request = approval_request(
                    actor=actor, action=APPROVE_ACTION, target_type="loan_application",
                    target_id=str(application.id), reason=note, now=now,
                    payload={"amount_minor": amount, "rate": str(chosen),
                             "business_date": business_date.isoformat()},
                )  # fmt: skip
                application.approval_request_id = request.id
                application.review_note = note
                application.save(update_fields=["approval_request_id", "review_note"])
                _record(actor, application, "approval_requested", now)
                return application
            _offer(application, product, rate=chosen, amount_minor=amount,
                   business_date=business_date, now=now,
                   hours=policy.offer_valid_hours)  # fmt: skip
        else:
            application.state = t.APP_DECLINED
        application.outcome = policy_rules.APPROVE if approve else policy_rules.DECLINE
        application.decided_by, application.decided_at = str(actor.id)[:64], now
        application.review_note = note
        application.save()
        _record(actor, application, "reviewed", now)
    return application


def application_approve_execute(*, request, actor: Actor, now: datetime) -> None:
    """The second analyst's approval of a large referred application."""
    application = _locked(request.target_id)
    if application.state != t.APP_REFERRED or application.approval_request_id != request.id:
        raise ApplicationStateInvalid(details={"state": application.state})
    policy = policy_rules.policy_current(now=now)
    payload = request.payload
    _offer(application, application.product, rate=Decimal(payload["rate"]),
           amount_minor=int(payload["amount_minor"]),
           business_date=date.fromisoformat(payload["business_date"]), now=now,
           hours=policy.offer_valid_hours)  # fmt: skip
    application.outcome = policy_rules.APPROVE
    application.decided_by, application.decided_at = str(actor.id)[:64], now
    application.save()
    _record(actor, application, "reviewed", now)


def application_approve_describe(request) -> str:
    amount = display_amount(int(request.payload.get("amount_minor", 0)), "CNY")
    return f"{amount} @ {Decimal(request.payload.get('rate', '0')) * 100:.2f}%"


def on_application_approval_closed(event) -> None:
    """A rejected or withdrawn second approval puts the application back in the queue."""
    payload = event.payload
    if payload.get("action") != APPROVE_ACTION:
        return
    with transaction.atomic():
        application = _locked(payload["target_id"])
        if application.state == t.APP_REFERRED and application.approval_request_id:
            application.approval_request_id = None
            application.save(update_fields=["approval_request_id"])


def application_cancel(*, actor: Actor, application_id: uuid.UUID,
                       now: datetime) -> LoanApplication:  # fmt: skip
    """The customer withdraws an application or declines an offer."""
    standing = own_standing(actor=actor)
    if standing is None:
        raise NotACustomer()
    with transaction.atomic():
        application = _locked(application_id)
        if application.customer_id != standing.customer_id:
            raise ApplicationNotFound()
        if application.state not in (t.APP_REFERRED, t.APP_APPROVED, t.APP_SUBMITTED):
            raise ApplicationStateInvalid(details={"state": application.state})
        application.state = t.APP_CANCELLED
        application.save(update_fields=["state"])
        _record(actor, application, "cancelled", now)
    return application
