"""Applications: the hard rules first, then the champion's score against the policy's
cut-offs, the price from the score's band; referred ones decided by an analyst, a large
approval by a second one."""

from datetime import timedelta
from decimal import Decimal

import pytest

from hujin.core.approvals import approval_decide
from hujin.lending import types as t
from hujin.lending.decision import policy_current
from hujin.lending.errors import ApplicationInvalid, ConfirmationRequired, ProductNotOnSale
from hujin.lending.models import LoanApplication
from hujin.lending.services import application_review
from tests.lending.conftest import ANALYST, SECOND_ANALYST
from tests.lending.flow import apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(loan_product, champion, funded):
    return loan_product()


class TestHardRules:
    @pytest.mark.parametrize(
        "make, apply_with, rule",
        [
            ({"age": 17}, {}, "age_out_of_range"),
            ({"age": 61}, {}, "age_out_of_range"),
            ({"status": "frozen"}, {}, "not_active"),
            ({}, {"purpose": "securities"}, "purpose_refused"),
            ({}, {"purpose": "property_down_payment"}, "purpose_refused"),
            ({}, {"income": 0}, "income_missing"),
            ({}, {"income": 100_000, "amount": 3_000_000}, "debt_to_income"),
        ],
    )  # fmt: skip
    def test_each_declines_whatever_the_score(
        self, borrower, product, now, business_date_set, make, apply_with, rule
    ):
        user = borrower(balance=500_000, **make)
        application = apply(user, product, now, business_date_set, **apply_with)
        assert application.state == t.APP_DECLINED
        assert rule in application.hard_rules
        assert application.decided_by == "policy"

    def test_an_unverified_customer_is_declined_as_not_verified(
        self, borrower, product, now, business_date_set
    ):
        user = borrower(verified=False)
        application = apply(user, product, now, business_date_set)
        assert {"not_verified", "age_unknown"} <= set(application.hard_rules)


class TestScoreAndPolicy:
    def test_a_clean_file_is_approved_at_its_bands_rate_with_the_points_and_reasons(
        self, borrower, product, now, business_date_set
    ):
        user = borrower(balance=2_000_000)
        application = apply(user, product, now, business_date_set, amount=1_500_000)
        assert application.state == t.APP_APPROVED
        assert application.score >= policy_current(now=now).approve_from
        assert application.model.artefact["base_points"] + sum(application.points.values()) == (
            application.score
        )
        assert len(application.reasons) == 4
        assert product.min_rate <= application.offer_rate <= product.max_rate
        assert application.offer_apr >= application.offer_rate.quantize(Decimal("0.0001"))
        assert application.offer_expires_at == now + timedelta(hours=72)
        assert application.challengers == []

    def test_a_poor_file_is_declined_by_the_score(self, borrower, product, now, business_date_set):
        user = borrower(balance=2_000_000, bureau_file="poor")
        application = apply(user, product, now, business_date_set)
        assert application.state == t.APP_DECLINED
        assert application.hard_rules == []
        assert application.score < policy_current(now=now).refer_from
        assert "bureau_delinquencies_24m" in application.reasons

    def test_without_a_champion_every_clean_application_waits_for_an_analyst(
        self, borrower, loan_product, funded, now, business_date_set
    ):
        user = borrower(balance=2_000_000)
        application = apply(user, loan_product(), now, business_date_set)
        assert application.state == t.APP_REFERRED and application.score is None

    def test_the_same_key_is_the_same_application(self, borrower, product, now, business_date_set):
        user = borrower(balance=2_000_000)
        first = apply(user, product, now, business_date_set, key="same")
        again = apply(user, product, now, business_date_set, key="same", amount=999_999)
        assert again.id == first.id
        assert LoanApplication.objects.count() == 1


class TestRefusedInput:
    def test_an_amount_outside_the_range_is_named(self, borrower, product, now, business_date_set):
        user = borrower()
        with pytest.raises(ApplicationInvalid) as refused:
            apply(user, product, now, business_date_set, amount=99)
        assert refused.value.details["field"] == "amount"
        assert not LoanApplication.objects.exists()

    def test_no_credit_check_authorisation_no_application(
        self, borrower, product, now, business_date_set
    ):
        user = borrower(consent=False)
        with pytest.raises(ConfirmationRequired):
            apply(user, product, now, business_date_set)
        assert not LoanApplication.objects.exists()

    def test_a_product_not_on_sale_takes_none(self, borrower, product, now, business_date_set):
        from hujin.lending.services import product_move
        from tests.lending.conftest import PM

        product_move(actor=PM, product_id=product.id, action="suspend", now=now)
        with pytest.raises(ProductNotOnSale):
            apply(borrower(), product, now, business_date_set)


class TestManualReview:
    @pytest.fixture
    def referred(self, borrower, loan_product, funded, now, business_date_set):
        user = borrower(balance=2_000_000)
        application = apply(user, loan_product(), now, business_date_set, amount=6_000_000)
        assert application.state == t.APP_REFERRED
        return application

    def test_an_analyst_approves_within_the_limit_with_a_note(
        self, referred, now, business_date_set
    ):
        decided = application_review(actor=ANALYST, application_id=referred.id, approve=True,
                                     amount_minor=2_000_000, rate=Decimal("0.12"),
                                     note="income documents seen", now=now,
                                     business_date=business_date_set)  # fmt: skip
        assert decided.state == t.APP_APPROVED and decided.offer_amount_minor == 2_000_000
        assert decided.decided_by == ANALYST.id

    def test_above_the_policys_amount_a_second_analyst_approves(
        self, referred, now, business_date_set
    ):
        asked = application_review(actor=ANALYST, application_id=referred.id, approve=True,
                                   note="good customer", now=now,
                                   business_date=business_date_set)  # fmt: skip
        assert asked.state == t.APP_REFERRED and asked.approval_request_id
        approval_decide(actor=SECOND_ANALYST, request_id=asked.approval_request_id,
                        approve=True, reason="agreed", now=now)  # fmt: skip
        referred.refresh_from_db()
        assert referred.state == t.APP_APPROVED and referred.offer_amount_minor == 6_000_000

    def test_a_rate_outside_the_products_range_is_refused(self, referred, now, business_date_set):
        with pytest.raises(ApplicationInvalid):
            application_review(actor=ANALYST, application_id=referred.id, approve=True,
                               rate=Decimal("0.50"), note="x", now=now,
                               business_date=business_date_set)  # fmt: skip
