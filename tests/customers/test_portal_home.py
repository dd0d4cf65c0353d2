"""The customer's home as customers reads it (``portal.my_home``) and the wallet's recent
movements (``selectors.wallet_activity``): scoped to the customer, newest first, money in and out
signed, suggestions for what to do next."""

import uuid
from datetime import timedelta

import pytest

from hujin.core.actors import SYSTEM
from hujin.customers import portal
from hujin.customers.models import Customer
from hujin.customers.portal_hooks import NextAction, _providers
from hujin.customers.selectors import portal_next_actions_register, wallet_activity
from hujin.customers.services import kyc_submit, wallet_open_if_ready
from hujin.ledger.types import TransferRequest
from hujin.suitability.services import assessment_submit
from tests.customers.conftest import actor_for, resident_id
from tests.customers.wallet_moves import bank_account, move, payout, topup
from tests.suitability.conftest import answers

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_wallet(make_customer_user, now, simulated_provider, consents):
    """A verified customer who accepted the agreements and has a wallet: (user, customer)."""
    consents.outstanding = []

    def make(sequence: str = "357"):
        user = make_customer_user()
        kyc_submit(
            user_id=user.pk,
            document_type="resident_id",
            document_number=resident_id("370102", "19820304", sequence),
            legal_name="欧阳娜娜",
            actor=actor_for(user),
            now=now,
        )
        customer = Customer.objects.get(user=user)
        wallet_open_if_ready(customer_id=customer.id, actor=SYSTEM, now=now)
        customer.refresh_from_db()
        return user, customer

    return make


@pytest.fixture
def bank(now):
    return bank_account(now)


class TestWalletActivity:
    def test_lists_posted_movements_newest_first_signed_in_and_out(
        self, open_wallet, bank, now, business_date
    ):
        user, customer = open_wallet()
        move(topup(bank, customer, 1000_00), now=now, business_date=business_date)
        move(payout(bank, customer, 12_00, code="p2p"), now=now + timedelta(minutes=1),
             business_date=business_date)  # fmt: skip

        lines = wallet_activity(actor=actor_for(user), customer_id=customer.id)

        assert [(m.code, m.amount_minor) for m in lines] == [("p2p", -12_00), ("topup", 1000_00)]

    def test_leaves_out_holds_until_they_are_posted(self, open_wallet, bank, now, business_date):
        user, customer = open_wallet()
        move(topup(bank, customer, 100_00), now=now, business_date=business_date)
        hold = payout(bank, customer, 30_00, kind="pending")
        move(hold, now=now, business_date=business_date)

        before = wallet_activity(actor=actor_for(user), customer_id=customer.id)
        move(TransferRequest(id=uuid.uuid4(), kind="post_pending", pending_id=hold.id,
                             code="withdrawal"), now=now, business_date=business_date)  # fmt: skip
        after = wallet_activity(actor=actor_for(user), customer_id=customer.id)

        assert [m.code for m in before] == ["topup"]
        assert [(m.code, m.amount_minor) for m in after] == [
            ("withdrawal", -30_00),
            ("topup", 100_00),
        ]

    def test_stops_at_the_limit(self, open_wallet, bank, now, business_date):
        user, customer = open_wallet()
        move(*[topup(bank, customer, n * 100) for n in range(1, 8)], now=now,
             business_date=business_date)  # fmt: skip

        lines = wallet_activity(actor=actor_for(user), customer_id=customer.id, limit=3)

        assert [m.amount_minor for m in lines] == [700, 600, 500]

    def test_another_customer_sees_nothing_of_this_wallet(
        self, open_wallet, bank, now, business_date
    ):
        _user, customer = open_wallet("357")
        other, _ = open_wallet("468")
        move(topup(bank, customer, 100_00), now=now, business_date=business_date)

        assert wallet_activity(actor=actor_for(other), customer_id=customer.id) == []


def onboarding(home):
    """The suggestions the customers module makes itself (other modules, such as payments,
    add theirs through the same hook)."""
    return [a for a in home.next_actions if a.key.startswith(("suitability.", "privacy."))]


class TestMyHome:
    def test_is_not_onboarded_before_the_wallet_opens(self, make_customer_user, consents, now):
        user = make_customer_user()

        home = portal.my_home(actor=actor_for(user), user_id=user.pk, now=now)

        assert not home.onboarded
        assert (home.activity, home.next_actions) == ([], [])

    def test_once_the_wallet_is_open_shows_movements_with_the_customers_words(
        self, open_wallet, bank, now, business_date
    ):
        user, customer = open_wallet()
        move(topup(bank, customer, 500_00), now=now, business_date=business_date)
        move(payout(bank, customer, 5_00, code="fee.transfer"), now=now + timedelta(seconds=1),
             business_date=business_date)  # fmt: skip
        move(payout(bank, customer, 1_00, code="something.new"), now=now + timedelta(seconds=2),
             business_date=business_date)  # fmt: skip

        home = portal.my_home(actor=actor_for(user), user_id=user.pk, now=now)

        assert home.onboarded
        assert [(a.label, a.amount_minor) for a in home.activity] == [
            ("Money out", -1_00),
            ("Transfer fee", -5_00),
            ("Top-up", 500_00),
        ]
        assert home.activity_url == ""

    def test_suggests_the_risk_questionnaire_when_there_is_none(self, open_wallet, now):
        user, _ = open_wallet()

        home = portal.my_home(actor=actor_for(user), user_id=user.pk, now=now)

        assert [a.key for a in onboarding(home)] == ["suitability.take"]
        assert onboarding(home)[0].url == "/suitability/questionnaire/"

    def test_suggests_a_retake_when_the_assessment_expires_within_30_days(self, open_wallet, now):
        user, _ = open_wallet()
        assessment = assessment_submit(
            user_id=user.pk, answers=answers(), actor=actor_for(user), now=now
        )
        soon = assessment.expires_at - timedelta(days=29)
        later = assessment.expires_at - timedelta(days=31)

        at_soon = portal.my_home(actor=actor_for(user), user_id=user.pk, now=soon)
        at_later = portal.my_home(actor=actor_for(user), user_id=user.pk, now=later)

        assert [(a.key, a.urgent) for a in onboarding(at_soon)] == [("suitability.retake", True)]
        assert onboarding(at_later) == []

    def test_suggests_a_retake_once_the_assessment_has_expired(self, open_wallet, now):
        user, _ = open_wallet()
        assessment = assessment_submit(
            user_id=user.pk, answers=answers(), actor=actor_for(user), now=now
        )

        home = portal.my_home(
            actor=actor_for(user), user_id=user.pk, now=assessment.expires_at + timedelta(days=1)
        )

        assert [a.key for a in onboarding(home)] == ["suitability.retake"]
        assert "expired on" in str(onboarding(home)[0].text)

    def test_asks_to_review_a_new_version_of_an_agreement(self, open_wallet, consents, now):
        user, _ = open_wallet()
        consents.outstanding = ["service_agreement"]

        home = portal.my_home(actor=actor_for(user), user_id=user.pk, now=now)

        assert home.onboarded
        review = home.next_actions[0]
        assert review.key == "privacy.review.service_agreement"
        assert review.url == "/privacy/consents/#consent-service_agreement"

    def test_adds_what_modules_above_register(self, open_wallet, now, monkeypatch):
        user, customer = open_wallet()
        monkeypatch.setattr("hujin.customers.portal_hooks._providers", list(_providers))
        seen = []

        def fund_suggestion(*, user_id, customer_id, now):
            seen.append((user_id, customer_id))
            return [NextAction("wealth.first_fund", "Buy your first fund", "/wealth/", "Browse")]

        portal_next_actions_register(fund_suggestion)
        home = portal.my_home(actor=actor_for(user), user_id=user.pk, now=now)

        assert "wealth.first_fund" in [a.key for a in home.next_actions]
        assert seen == [(user.pk, customer.id)]
