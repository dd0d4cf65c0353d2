"""From an offer to a loan: the contract the customer reads and signs (an SMS or authenticator
code bound to the contract's exact text), then the disbursement to the wallet.

Signing creates the loan (state ``signed``) with the terms copied from the offer; the
disbursement writes the schedule from its business date, opens the loan's ledger accounts and
posts the chain of postings.disbursement. A disbursement the lender's funds cannot cover leaves
the loan signed; the close of business retries it (``lending.disburse``)."""

import uuid
from datetime import date, datetime

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.customers.selectors import own_standing
from hujin.identity.services import (
    StepUpInvalid,
    StepUpUnavailable,
    step_up_binding,
    step_up_code_send,
    step_up_methods,
    step_up_verify,
)
from hujin.ledger.errors import Result
from hujin.ledger.services import transfers_create
from hujin.lending import contract, events, postings
from hujin.lending import types as t
from hujin.lending.accounts import (
    ACTOR,
    NAMESPACE,
    house_accounts_open,
    loan_account_id,
    loan_accounts_open,
)
from hujin.lending.errors import (
    ApplicationNotFound,
    ApplicationStateInvalid,
    ConfirmationRequired,
    ContractChanged,
    FundingExhausted,
    LoanNotFound,
    LoanStateInvalid,
    NotACustomer,
    OfferExpired,
)
from hujin.lending.models import Instalment, Loan, LoanApplication, LoanEvent
from hujin.lending.pricing import apr_cap, terms_of
from hujin.lending.schedule import schedule


def _offer_terms(application: LoanApplication, start: date) -> t.Terms:
    return terms_of(application.product, amount_minor=application.offer_amount_minor,
                    term=application.term, rate=application.offer_rate, start=start,
                    repayment_day=application.repayment_day)  # fmt: skip


def loan_terms(loan: Loan, start: date | None = None) -> t.Terms:
    return t.Terms(
        principal_minor=loan.principal_minor, annual_rate=loan.annual_rate, term=loan.term,
        method=loan.method, start=start or loan.start_date, term_unit=loan.term_unit,
        day_count=loan.day_count, repayment_day=loan.repayment_day,
        upfront_fee_minor=loan.upfront_fee_minor, instalment_fee_minor=loan.instalment_fee_minor,
    )  # fmt: skip


def number_of(application_id: uuid.UUID, on: date) -> str:
    return f"L{on:%Y%m%d}{application_id.hex[:8].upper()}"


def _own_offer(actor: Actor, application_id, *, lock: bool) -> tuple:
    standing = own_standing(actor=actor)
    if standing is None:
        raise NotACustomer()
    rows = LoanApplication.objects.select_related("product")
    if lock:
        rows = rows.select_for_update()
    application = rows.filter(id=application_id, customer_id=standing.customer_id).first()
    if application is None:
        raise ApplicationNotFound()
    return standing, application


def _text(application, standing, *, language: str, business_date: date) -> tuple[str, t.Schedule]:
    product = application.product
    plan = schedule(_offer_terms(application, business_date))
    name = product.name_zh if language.startswith("zh") else product.name_en
    text = contract.render(
        language=language, number=number_of(application.id, business_date),
        legal_name=standing.legal_name, product_name=name, plan=plan,
        penalty_rate=product.penalty_rate, grace_days=product.grace_days,
        prepayment_allowed=product.prepayment_allowed,
        prepayment_fee_rate=product.prepayment_fee_rate, day_count=product.day_count,
        order=product.allocation_order or t.DEFAULT_ALLOCATION,
    )  # fmt: skip
    return text, plan


def _live_offer(application: LoanApplication, now: datetime) -> None:
    if application.state != t.APP_APPROVED:
        raise ApplicationStateInvalid(details={"state": application.state})
    if application.offer_expires_at is not None and application.offer_expires_at <= now:
        raise OfferExpired()


def contract_preview(*, actor: Actor, application_id: uuid.UUID, language: str, now: datetime,
                     business_date: date) -> tuple[str, str, t.Schedule]:  # fmt: skip
    """The contract the customer would sign now: (text, its SHA-256, the schedule)."""
    standing, application = _own_offer(actor, application_id, lock=False)
    _live_offer(application, now)
    text, plan = _text(application, standing, language=language, business_date=business_date)
    return text, contract.digest(text), plan


def _binding(customer_id, application_id, digest: str) -> str:
    return step_up_binding("lending", customer_id, "sign", application_id, digest)


def sign_code_send(*, actor: Actor, application_id: uuid.UUID, contract_sha256: str,
                   ip: str | None, now: datetime):  # fmt: skip
    """Text the customer the code that signs this contract. Raises what step_up_code_send
    raises (StepUpUnavailable, OtpResendTooSoon...)."""
    from django.utils.translation import gettext

    standing, application = _own_offer(actor, application_id, lock=False)
    _live_offer(application, now)
    text = gettext(
        "[Hujin] %(code)s is your code to sign loan contract %(number)s. It is valid for "
        "%(minutes)s minutes. Never share it with anyone, including Hujin staff."
    ) % {"code": "%(code)s", "minutes": "%(minutes)s",
         "number": number_of(application.id, now.date())}  # fmt: skip
    return step_up_code_send(user_id=standing.user_id, ip=ip, now=now, text=text,
                             binding=_binding(standing.customer_id, application.id,
                                              contract_sha256))  # fmt: skip


def loan_sign(*, actor: Actor, application_id: uuid.UUID, contract_sha256: str, method: str,
              code: str, language: str, now: datetime, business_date: date) -> Loan:  # fmt: skip
    """Sign the contract whose digest the customer read. Raises OfferExpired, ContractChanged,
    ConfirmationRequired (no code, or a wrong one: ``details.invalid``)."""
    with transaction.atomic():
        standing, application = _own_offer(actor, application_id, lock=True)
        _live_offer(application, now)
        text, plan = _text(application, standing, language=language, business_date=business_date)
        if contract.digest(text) != contract_sha256:
            raise ContractChanged()
        methods = list(step_up_methods(user_id=standing.user_id))
        if not code:
            raise ConfirmationRequired(details={"methods": methods})
        try:
            step_up_verify(user_id=standing.user_id, method=method, code=code, now=now,
                           binding=_binding(standing.customer_id, application.id,
                                            contract_sha256))  # fmt: skip
        except (StepUpInvalid, StepUpUnavailable):
            raise ConfirmationRequired(details={"methods": methods, "invalid": True}) from None
        product = application.product
        terms = plan.terms
        loan = Loan.objects.create(
            number=number_of(application.id, business_date), application=application,
            customer_id=application.customer_id, product=product,
            principal_minor=terms.principal_minor, annual_rate=terms.annual_rate,
            term=terms.term, term_unit=terms.term_unit, method=terms.method,
            day_count=terms.day_count, repayment_day=terms.repayment_day,
            upfront_fee_minor=terms.upfront_fee_minor,
            instalment_fee_minor=terms.instalment_fee_minor, penalty_rate=product.penalty_rate,
            grace_days=product.grace_days, prepayment_allowed=product.prepayment_allowed,
            prepayment_fee_rate=product.prepayment_fee_rate,
            allocation_order=list(product.allocation_order or t.DEFAULT_ALLOCATION),
            apr=plan.apr, contract_version=contract.VERSION, contract_text=text,
            contract_sha256=contract_sha256, signed_at=now, signed_with=method,
            state=t.LOAN_SIGNED, start_date=business_date, created_at=now, updated_at=now,
        )  # fmt: skip
        application.state = t.APP_ACCEPTED
        application.save(update_fields=["state"])
        _record(actor, loan, "signed", now, apr=str(loan.apr))
        event_emit(aggregate_type="loan", aggregate_id=str(loan.id),
                   event_type=events.LOAN_SIGNED, occurred_at=now,
                   payload={"loan_id": str(loan.id), "customer_id": str(loan.customer_id),
                            "principal_minor": loan.principal_minor,
                            "apr": str(loan.apr)})  # fmt: skip
    return loan


def _record(actor: Actor, loan: Loan, action: str, now: datetime, **after) -> None:
    audit_record(actor=actor, action=f"lending.loan.{action}", target_type="loan",
                 target_id=str(loan.id), occurred_at=now,
                 after={"number": loan.number, "state": loan.state, **after})  # fmt: skip


def instalments_write(loan: Loan, plan: t.Schedule, *, version: int, first: int = 1) -> None:
    Instalment.objects.bulk_create(
        Instalment(loan=loan, schedule_version=version, number=first + i,
                   period_start=row.period_start, due_date=row.due_date,
                   principal_minor=row.principal_minor, interest_minor=row.interest_minor,
                   fee_minor=row.fee_minor)
        for i, row in enumerate(plan.instalments)
    )  # fmt: skip


def loan_locked(loan_id) -> Loan:
    try:
        return Loan.objects.select_for_update().get(id=loan_id)
    except (Loan.DoesNotExist, ValueError, TypeError):
        raise LoanNotFound() from None


def loan_disburse(*, actor: Actor, loan_id: uuid.UUID, now: datetime,
                  business_date: date) -> Loan:  # fmt: skip
    """Pay a signed loan out to the customer's wallet: the schedule from today, the ledger
    chain, the loan active. Idempotent: a disbursed loan is returned as it is. Raises
    FundingExhausted (nothing changes; the loan stays signed)."""
    from hujin.customers.selectors import wallet_account_of

    with transaction.atomic():
        loan = loan_locked(loan_id)
        if loan.state != t.LOAN_SIGNED:
            if loan.disbursed_at is not None:
                return loan
            raise LoanStateInvalid(details={"state": loan.state})
        wallet_id = wallet_account_of(customer_id=loan.customer_id)
        if wallet_id is None:
            raise LoanStateInvalid(details={"reason": "no_wallet"})
        # The term runs from the day the money is paid out (the contract says so): a later day
        # than the signing moves the schedule, at the same rate and fees, under the cap.
        plan = schedule(loan_terms(loan, business_date))
        if plan.apr > apr_cap():
            raise LoanStateInvalid(details={"reason": "apr_above_cap", "apr": str(plan.apr)})
        house_accounts_open(now=now)
        loan_accounts_open(loan_id=loan.id, number=loan.number, now=now)
        event = LoanEvent.objects.create(
            loan=loan, kind="disbursement", value_date=business_date,
            amount_minor=loan.principal_minor, idempotency_key="lending:disbursement",
            source="lending", actor_id=str(actor.id)[:64], created_at=now,
        )  # fmt: skip
        result = postings.book(
            postings.disbursement(event_id=event.id, loan_id=loan.id, wallet_id=wallet_id,
                                  principal_minor=loan.principal_minor,
                                  upfront_fee_minor=loan.upfront_fee_minor),
            now=now, business_date=business_date,
        )  # fmt: skip
        if result == Result.EXCEEDS_CREDITS:
            transaction.set_rollback(True)
            raise FundingExhausted()
        if result != Result.OK:
            raise LoanStateInvalid(details={"reason": result})
        instalments_write(loan, plan, version=1)
        loan.state = t.LOAN_ACTIVE
        loan.interest_account_id = loan_account_id(loan.id, "interest")
        loan.penalty_account_id = loan_account_id(loan.id, "penalty")
        loan.start_date = business_date
        loan.apr = plan.apr
        loan.disbursed_at = now
        loan.updated_at = now
        loan.save(update_fields=["state", "start_date", "apr", "disbursed_at", "updated_at",
                                 "interest_account_id", "penalty_account_id"])  # fmt: skip
        _record(actor, loan, "disbursed", now, principal_minor=loan.principal_minor)
        event_emit(aggregate_type="loan", aggregate_id=str(loan.id),
                   event_type=events.LOAN_DISBURSED, occurred_at=now,
                   payload={"loan_id": str(loan.id), "customer_id": str(loan.customer_id),
                            "principal_minor": loan.principal_minor})  # fmt: skip
    return loan


def funding_add(*, actor: Actor, amount_minor: int, reference: str, now: datetime,
                business_date: date) -> uuid.UUID:  # fmt: skip
    """Operations record the lender's funds arriving at the platform's custodian bank: the
    custody account debited, the lender's funding account credited; what can be lent grows by
    that much. Idempotent on ``reference`` (the bank's). Raises FundingInvalid."""
    from hujin.core.errors import PermissionDenied
    from hujin.lending.errors import FundingInvalid
    from hujin.lending.permissions import FUND_LENDING

    if not actor.has_scope(FUND_LENDING):
        raise PermissionDenied(details={"required_permission": FUND_LENDING})
    reference = (reference or "").strip()
    if type(amount_minor) is not int or not 0 < amount_minor <= 10**13:
        raise FundingInvalid(details={"field": "amount"})
    if not reference or len(reference) > 64:
        raise FundingInvalid(details={"field": "reference"})
    transfer_id = uuid.uuid5(NAMESPACE, f"lending.funding:{reference}")
    with transaction.atomic():
        house_accounts_open(now=now)
        request = postings.funding(transfer_id=transfer_id, amount_minor=amount_minor)
        [outcome] = transfers_create(transfers=[request], actor=ACTOR, now=now,
                                     business_date=business_date)  # fmt: skip
        if outcome.result == Result.EXISTS:  # recorded before under this reference
            return transfer_id
        if outcome.result != Result.OK:
            raise FundingInvalid(details={"reason": outcome.result})
        audit_record(actor=actor, action="lending.funding.added", target_type="ledger_transfer",
                     target_id=str(transfer_id), occurred_at=now,
                     after={"amount_minor": amount_minor, "reference": reference})  # fmt: skip
        event_emit(aggregate_type="lending_funding", aggregate_id=str(transfer_id),
                   event_type=events.FUNDING_ADDED, occurred_at=now,
                   payload={"transfer_id": str(transfer_id),
                            "amount_minor": amount_minor})  # fmt: skip
    return transfer_id
