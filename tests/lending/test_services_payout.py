"""A loan paid out to the customer's bound card: chosen at signing, the money goes through the
wallet and on through payments' channel — the card paid on the channel's signed callback, the
wallet back where it was; a failure leaves the money in the wallet; a card gone by the
disbursement leaves it there too, and says why; a retry pays nothing twice."""

from decimal import Decimal

import pytest

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.lending import types as t
from hujin.lending.accounts import ACTOR
from hujin.lending.errors import DisbursementCardInvalid, FundingExhausted
from hujin.lending.models import Loan
from hujin.lending.selectors import portal
from hujin.lending.services import contract_preview, loan_disburse, loan_sign, sign_code_send
from hujin.lending.services.loans import payout_key
from hujin.payments.channels.sandbox import sandbox_callbacks_run
from hujin.payments.models import LimitUsage, Payment
from hujin.payments.services import card_bind_begin, card_bind_confirm, card_unbind
from tests.lending.conftest import customer_actor
from tests.lending.flow import apply, texted_code, verified_clean, wallet_of
from tests.payments.conftest import CODE, MOBILE, card_number
from tests.payments.money import channel_told, ledger_is_consistent, wallet

PRINCIPAL = 1_500_000
BALANCE = 200_000


@pytest.fixture(autouse=True)
def sandbox(settings):
    settings.HUJIN_PAYMENTS_SANDBOX = {"code": CODE}
    settings.HUJIN_PAYMENTS_CHANNEL = ""
    return settings.HUJIN_PAYMENTS_SANDBOX


@pytest.fixture
def approved(borrower, loan_product, champion, funded, now, business_date_set):
    user = borrower(balance=BALANCE)
    application = apply(user, loan_product(), now, business_date_set, amount=PRINCIPAL)
    assert application.state == t.APP_APPROVED, (application.score, application.hard_rules)
    return user, application


def bound_card(user, now, serial=7):
    actor = customer_actor(user)
    started = card_bind_begin(number=card_number(serial=serial), holder_name="张三",
                              reserved_mobile=MOBILE, actor=actor, now=now)  # fmt: skip
    return card_bind_confirm(card_id=started.card.id, code=CODE, actor=actor, now=now)


def sign_to(user, application, now, business_date, *, disburse_to="card", card_id=None):
    actor = customer_actor(user)
    _, digest, _ = contract_preview(actor=actor, application_id=application.id,
                                    language="en", now=now,
                                    business_date=business_date)  # fmt: skip
    sign_code_send(actor=actor, application_id=application.id, contract_sha256=digest,
                   ip=None, now=now)  # fmt: skip
    return loan_sign(actor=actor, application_id=application.id, contract_sha256=digest,
                     method="sms", code=texted_code(), language="en", now=now,
                     business_date=business_date, disburse_to=disburse_to,
                     card_id=card_id)  # fmt: skip


def disburse(loan, now, business_date, capture):
    """Disburse, then commit: the payout's instruction goes to the channel."""
    with capture() as committed:
        loan = loan_disburse(actor=ACTOR, loan_id=loan.id, now=now, business_date=business_date)
    channel_told(committed)
    return loan


@pytest.fixture
def to_card(approved, now, business_date_set):
    """A loan signed to the borrower's bound card, not yet disbursed."""
    user, application = approved
    card = bound_card(user, now)
    loan = sign_to(user, application, now, business_date_set, card_id=card.id)
    return user, card, loan


def _payout(loan) -> Payment:
    return Payment.objects.get(idempotency_key=payout_key(loan.id))


class TestChoosingTheCardAtSigning:
    def test_the_loan_keeps_the_card_the_customer_chose(self, to_card):
        _, card, loan = to_card

        assert loan.disburse_to == "card" and loan.disburse_card_id == card.id
        assert AuditEntry.objects.get(action="lending.loan.signed").after["disburse_card_id"] == (
            str(card.id)
        )

    def test_the_wallet_stays_the_default(self, approved, now, business_date_set):
        user, application = approved
        bound_card(user, now)

        loan = sign_to(user, application, now, business_date_set, disburse_to="wallet")

        assert loan.disburse_to == "wallet" and loan.disburse_card_id is None

    @pytest.mark.parametrize("which", ["someone_elses", "unbound", "none", "unknown_destination"])
    def test_a_card_that_is_not_one_of_the_customers_bound_cards_is_refused_before_signing(
        self, approved, borrower, now, business_date_set, which
    ):
        user, application = approved
        own = bound_card(user, now)
        card_id, disburse_to = own.id, "card"
        if which == "someone_elses":
            card_id = bound_card(borrower(), now, serial=9).id
        elif which == "unbound":
            card_unbind(card_id=own.id, actor=customer_actor(user), now=now)
        elif which == "none":
            card_id = None
        else:
            disburse_to = "cash"

        with pytest.raises(DisbursementCardInvalid):
            sign_to(user, application, now, business_date_set, disburse_to=disburse_to,
                    card_id=card_id)  # fmt: skip

        assert not Loan.objects.exists()


class TestThePayout:
    def test_is_requested_for_what_the_wallet_received_under_the_loans_key(
        self, to_card, now, business_date_set, django_capture_on_commit_callbacks
    ):
        user, card, loan = to_card

        loan = disburse(loan, now, business_date_set, django_capture_on_commit_callbacks)

        payout = _payout(loan)
        assert loan.state == t.LOAN_ACTIVE and loan.disburse_to == "card"
        assert payout.kind == "withdrawal" and payout.card_id == card.id
        assert payout.amount == PRINCIPAL and payout.fee == 0 and payout.status == "pending"
        assert wallet(wallet_of(user)) == {"balance": BALANCE + PRINCIPAL, "held": PRINCIPAL,
                                           "incoming": 0}  # fmt: skip
        assert not LimitUsage.objects.filter(kind="withdrawal").exists()
        event = OutboxEvent.objects.get(event_type="lending.loan_disbursed")
        assert event.payload["disbursed_to"] == "card"
        assert event.payload["payout_id"] == str(payout.id)
        assert ledger_is_consistent() and verified_clean()

    def test_an_upfront_fee_is_not_paid_out(
        self, borrower, loan_product, champion, funded, now, business_date_set,
        django_capture_on_commit_callbacks,
    ):  # fmt: skip
        user = borrower(balance=BALANCE)
        application = apply(user, loan_product(min_term=12, max_rate=Decimal("0.12"),
                                                upfront_fee_rate=Decimal("0.01")), now,
                            business_date_set, amount=PRINCIPAL)  # fmt: skip
        card = bound_card(user, now)
        loan = sign_to(user, application, now, business_date_set, card_id=card.id)

        loan = disburse(loan, now, business_date_set, django_capture_on_commit_callbacks)

        assert loan.upfront_fee_minor > 0
        assert _payout(loan).amount == PRINCIPAL - loan.upfront_fee_minor

    def test_the_channels_success_pays_the_card_and_the_wallet_is_back_to_its_balance(
        self, to_card, now, business_date_set, django_capture_on_commit_callbacks
    ):
        user, _, loan = to_card
        loan = disburse(loan, now, business_date_set, django_capture_on_commit_callbacks)

        assert sandbox_callbacks_run(now=now) == 1

        assert _payout(loan).status == "succeeded"
        assert wallet(wallet_of(user)) == {"balance": BALANCE, "held": 0, "incoming": 0}
        view = portal.my_loan(actor=customer_actor(user), loan_id=loan.id,
                              business_date=business_date_set)  # fmt: skip
        assert view.disbursement.to_card and view.disbursement.payout_status == "succeeded"
        assert view.disbursement.card.endswith(card_number(serial=7)[-4:])
        assert ledger_is_consistent() and verified_clean()

    def test_the_channels_failure_leaves_the_money_in_the_wallet(
        self, to_card, now, business_date_set, sandbox, django_capture_on_commit_callbacks
    ):
        sandbox["fail_share"] = 1
        user, _, loan = to_card
        loan = disburse(loan, now, business_date_set, django_capture_on_commit_callbacks)

        sandbox_callbacks_run(now=now)

        assert _payout(loan).status == "failed"
        assert wallet(wallet_of(user)) == {"balance": BALANCE + PRINCIPAL, "held": 0,
                                           "incoming": 0}  # fmt: skip
        assert OutboxEvent.objects.filter(event_type="payments.payment_failed").count() == 1
        assert ledger_is_consistent() and verified_clean()

    def test_a_retry_of_the_disbursement_pays_out_nothing_more(
        self, to_card, now, business_date_set, django_capture_on_commit_callbacks
    ):
        user, _, loan = to_card
        disburse(loan, now, business_date_set, django_capture_on_commit_callbacks)

        again = disburse(loan, now, business_date_set, django_capture_on_commit_callbacks)

        assert again.state == t.LOAN_ACTIVE
        assert Payment.objects.count() == 1
        assert wallet(wallet_of(user))["held"] == PRINCIPAL
        assert ledger_is_consistent() and verified_clean()

    def test_a_disbursement_the_funds_cannot_cover_books_no_payout(
        self, to_card, now, business_date_set, django_capture_on_commit_callbacks
    ):
        from tests.lending.flow import funding_left

        _, _, loan = to_card
        drain_funding(funding_left(), now, business_date_set)

        with pytest.raises(FundingExhausted):
            disburse(loan, now, business_date_set, django_capture_on_commit_callbacks)

        assert not Payment.objects.exists()


class TestACardGoneByTheDisbursement:
    def test_the_money_stays_in_the_wallet_and_the_customer_is_told_why(
        self, to_card, now, business_date_set, django_capture_on_commit_callbacks
    ):
        user, card, loan = to_card
        card_unbind(card_id=card.id, actor=customer_actor(user), now=now)

        loan = disburse(loan, now, business_date_set, django_capture_on_commit_callbacks)

        assert loan.state == t.LOAN_ACTIVE
        assert loan.disburse_to == "wallet" and loan.disburse_card_id == card.id
        assert not Payment.objects.exists()
        assert wallet(wallet_of(user)) == {"balance": BALANCE + PRINCIPAL, "held": 0,
                                           "incoming": 0}  # fmt: skip
        entry = AuditEntry.objects.get(action="lending.loan.disbursed")
        assert entry.after["disbursed_to"] == "wallet"
        assert entry.after["card_refused"] == "card_not_active"
        event = OutboxEvent.objects.get(event_type="lending.loan_disbursed")
        assert event.payload["card_refused"] == "card_not_active"
        view = portal.my_loan(actor=customer_actor(user), loan_id=loan.id,
                              business_date=business_date_set)  # fmt: skip
        assert view.disbursement.card_refused and not view.disbursement.to_card
        assert ledger_is_consistent() and verified_clean()

    def test_the_notice_names_the_loan_and_the_amount(
        self, to_card, now, business_date_set, django_capture_on_commit_callbacks
    ):
        from hujin.core.subscribers import DomainEvent
        from hujin.lending.disbursement_notices import on_loan_disbursed
        from hujin.notifications.models import Message

        user, card, loan = to_card
        card_unbind(card_id=card.id, actor=customer_actor(user), now=now)
        loan = disburse(loan, now, business_date_set, django_capture_on_commit_callbacks)
        row = OutboxEvent.objects.get(event_type="lending.loan_disbursed")

        on_loan_disbursed(DomainEvent.from_row(row))

        notice = Message.objects.get(recipient=user, kind="lending.paid_to_wallet")
        assert loan.number in notice.body and "15,000.00" in notice.body

    def test_a_frozen_customer_gets_the_money_in_the_wallet_too(
        self, to_card, now, business_date_set, django_capture_on_commit_callbacks
    ):
        from hujin.customers.models import Customer

        user, _, loan = to_card
        Customer.objects.filter(user=user).update(status="frozen")

        loan = disburse(loan, now, business_date_set, django_capture_on_commit_callbacks)

        assert loan.disburse_to == "wallet" and not Payment.objects.exists()
        audit = AuditEntry.objects.get(action="lending.loan.disbursed")
        assert audit.after["card_refused"] == "withdrawal_frozen"


def drain_funding(amount, now, business_date):
    """Spend the lender's funds elsewhere, leaving none for the loan."""
    import uuid

    from hujin.ledger.services import account_create, transfers_create
    from hujin.ledger.types import TransferRequest
    from hujin.lending.accounts import house_id
    from tests.wealth.orders_helpers import TEST

    sink, _ = account_create(id=uuid.uuid4(), currency="CNY", code="9999.test.sink",
                             kind="asset", actor=TEST, now=now)  # fmt: skip
    [result] = transfers_create(
        transfers=[TransferRequest(id=uuid.uuid4(), debit_account_id=house_id("funding"),
                                   credit_account_id=sink.id, amount=amount, currency="CNY",
                                   code="test.spend")],
        actor=TEST, now=now, business_date=business_date,
    )  # fmt: skip
    assert result.ok
