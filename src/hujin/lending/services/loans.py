"""From an offer to a loan: the contract the customer reads and signs (an SMS or authenticator
code bound to the contract's exact text), then the disbursement to the wallet — and on through
payments to a bound card, when the customer chose one at signing.

Signing creates the loan (state ``signed``) with the terms copied from the offer; the
disbursement writes the schedule from its business date, opens the loan's ledger accounts and
posts the chain of postings.disbursement. A disbursement the lender's funds cannot cover leaves
the loan signed; the close of business retries it (``lending.disburse``)."""

import uuid
from datetime import date, datetime

from django.db import transaction

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.errors import HujinError
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
    DisbursementCardInvalid,
    FundingExhausted,
    LoanNotFound,
    LoanStateInvalid,
    NotACustomer,
    OfferExpired,
)
from hujin.lending.models import Instalment, Loan, LoanApplication, LoanEvent
from hujin.lending.pricing import apr_cap, terms_of
from hujin.lending.recognition import loan_materialise
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


NUMBER_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford's base 32: no I, L, O, U


def number_of(application_id: uuid.UUID, on: date) -> str:
    """The loan's number: ``L``, the date, and 11 characters of its application id's random
    bits (55 bits: the ids' leading bits are their time, the same for a minute's applications),
    so two loans of a day share a number with a chance of about n² / 2⁵⁶."""
    bits = application_id.int & ((1 << 55) - 1)
    tail = "".join(NUMBER_ALPHABET[(bits >> (5 * k)) & 31] for k in reversed(range(11)))
    return f"L{on:%Y%m%d}{tail}"


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
              code: str, language: str, now: datetime, business_date: date,
              disburse_to: str = t.DISBURSE_WALLET,
              card_id: uuid.UUID | None = None) -> Loan:  # fmt: skip
    """Sign the contract whose digest the customer read; the money goes to ``disburse_to``:
    the wallet, or (``card``) the customer's bound card ``card_id``. Raises OfferExpired,
    ContractChanged, DisbursementCardInvalid (before any code is spent), ConfirmationRequired
    (no code, or a wrong one: ``details.invalid``)."""
    with transaction.atomic():
        standing, application = _own_offer(actor, application_id, lock=True)
        _live_offer(application, now)
        text, plan = _text(application, standing, language=language, business_date=business_date)
        if contract.digest(text) != contract_sha256:
            raise ContractChanged()
        card_id = _destination(actor, standing.customer_id, disburse_to, card_id)
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
            disburse_to=disburse_to, disburse_card_id=card_id,
        )  # fmt: skip
        application.state = t.APP_ACCEPTED
        application.save(update_fields=["state"])
        _record(actor, loan, "signed", now, apr=str(loan.apr), disburse_to=disburse_to,
                disburse_card_id=str(card_id) if card_id else None)  # fmt: skip
        event_emit(aggregate_type="loan", aggregate_id=str(loan.id),
                   event_type=events.LOAN_SIGNED, occurred_at=now,
                   payload={"loan_id": str(loan.id), "customer_id": str(loan.customer_id),
                            "principal_minor": loan.principal_minor,
                            "apr": str(loan.apr)})  # fmt: skip
    return loan


def _destination(actor: Actor, customer_id, disburse_to: str, card_id) -> uuid.UUID | None:
    """The card the money goes to (None: the wallet), once it is one of the customer's bound
    cards (payments' list of them, as the customer sees it). Raises DisbursementCardInvalid."""
    from hujin.payments.selectors import cards_of

    if disburse_to == t.DISBURSE_WALLET:
        return None
    if disburse_to != t.DISBURSE_CARD or card_id is None:
        raise DisbursementCardInvalid(details={"field": "card_id"})
    if all(card.id != card_id for card in cards_of(actor=actor, customer_id=customer_id)):
        raise DisbursementCardInvalid(details={"field": "card_id"})
    return card_id


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
    """The loan, locked for the caller's transaction, its interest counters brought up to the
    last close of business (``recognition.loan_materialise``) before anything reads them."""
    try:
        loan = Loan.objects.select_for_update().get(id=loan_id)
    except (Loan.DoesNotExist, ValueError, TypeError):
        raise LoanNotFound() from None
    loan_materialise(loan)
    return loan


def payout_key(loan_id) -> str:
    """The idempotency key of a loan's payout to its card (payments'): one payout a loan."""
    return f"lending.disbursement:{loan_id}"


def _paid_out(loan: Loan, plan: t.Schedule, now: datetime) -> dict:
    """Send what the wallet has just received on to the card the customer chose, through
    payments, in the disbursement's transaction: the payout's hold commits with it or not at
    all. When payments refuses it — the card unbound or no longer active since the signing, a
    frozen customer, a screen — the money stays in the wallet: ``disburse_to`` becomes the
    wallet and the refusal's code goes with the disbursement (audit entry, event: the customer
    is told). What to record of it is returned."""
    if loan.disburse_to != t.DISBURSE_CARD:
        return {"disbursed_to": t.DISBURSE_WALLET}
    from hujin.payments.services import LOAN_DISBURSEMENT, payout_request

    # No savepoint of our own: payments books in its own, and keeps a screen's refusal (its
    # audit entry) in another that must survive with the disbursement.
    try:
        payout = payout_request(
            actor=ACTOR, customer_id=loan.customer_id, card_id=loan.disburse_card_id,
            amount_minor=plan.disbursed_minor, idempotency_key=payout_key(loan.id), now=now,
            purpose=LOAN_DISBURSEMENT,
        )  # fmt: skip
    except HujinError as refused:
        loan.disburse_to = t.DISBURSE_WALLET
        return {"disbursed_to": t.DISBURSE_WALLET, "card_refused": refused.code}
    return {"disbursed_to": t.DISBURSE_CARD, "payout_id": str(payout.id)}


def loan_disburse(*, actor: Actor, loan_id: uuid.UUID, now: datetime,
                  business_date: date) -> Loan:  # fmt: skip
    """Pay a signed loan out: the schedule from today, the ledger chain into the customer's
    wallet, the loan active; when the customer chose a bound card, the payout on to it
    (``_paid_out``). Idempotent: a disbursed loan is returned as it is. Raises
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
        paid_to = _paid_out(loan, plan, now)
        loan.state = t.LOAN_ACTIVE
        loan.principal_account_id = loan_account_id(loan.id, "principal")
        loan.interest_account_id = loan_account_id(loan.id, "interest")
        loan.penalty_account_id = loan_account_id(loan.id, "penalty")
        loan.start_date = business_date
        loan.apr = plan.apr
        loan.disbursed_at = now
        loan.updated_at = now
        loan.save(update_fields=["state", "start_date", "apr", "disbursed_at", "updated_at",
                                 "principal_account_id", "interest_account_id",
                                 "penalty_account_id", "disburse_to"])  # fmt: skip
        _record(actor, loan, "disbursed", now, principal_minor=loan.principal_minor, **paid_to)
        event_emit(aggregate_type="loan", aggregate_id=str(loan.id),
                   event_type=events.LOAN_DISBURSED, occurred_at=now,
                   payload={"loan_id": str(loan.id), "customer_id": str(loan.customer_id),
                            "principal_minor": loan.principal_minor, **paid_to})  # fmt: skip
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
