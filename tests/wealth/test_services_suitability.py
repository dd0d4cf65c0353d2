"""The suitability gate as customers meet it: each decision recorded with its reason, audited
and announced; under the confirm policy a product above the customer's level is bought only
after they confirm the exact special warning they were shown, which is kept."""

from datetime import timedelta

import pytest
from django.utils import translation

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.wealth import errors
from hujin.wealth.models import RiskWarningConfirmation, SuitabilityRecord
from hujin.wealth.selectors import WARNING_VALID, risk_warning
from hujin.wealth.services import risk_warning_confirm, suitability_check
from tests.wealth.conftest import actor_for

pytestmark = pytest.mark.django_db


def check(user, product, now):
    return suitability_check(actor=actor_for(user), product_id=product.id, now=now)


class TestEveryDecisionIsRecorded:
    def test_a_product_within_the_level_is_allowed_and_recorded(
        self, make_customer, assessed, make_product, now
    ):
        user = make_customer()
        assessed(user, "C3")
        product = make_product("R2")

        decision = check(user, product, now)

        assert decision.allowed and decision.code == "within_level"
        record = SuitabilityRecord.objects.get(id=decision.record_id)
        assert (record.customer_level, record.product_level, record.policy) == (
            "C3",
            "R2",
            "strict",
        )
        assert AuditEntry.objects.filter(action="wealth.suitability_decided",
                                         target_id=str(record.id)).exists()  # fmt: skip
        event = OutboxEvent.objects.get(event_type="wealth.suitability_decided")
        assert event.payload["outcome"] == "allowed" and "张三" not in str(event.payload)

    def test_a_refusal_is_recorded_too(self, make_customer, assessed, make_product, now):
        user = make_customer()
        assessed(user, "C1")

        decision = check(user, make_product("R3"), now)

        assert decision.outcome == "refused" and decision.code == "above_level"
        assert SuitabilityRecord.objects.get().outcome == "refused"

    def test_a_customer_who_never_took_the_questionnaire_is_sent_to_it(
        self, make_customer, make_product, now
    ):
        decision = check(make_customer(), make_product("R1"), now)

        assert decision.code == "no_assessment" and decision.customer_level == ""

    def test_an_assessment_older_than_twelve_months_allows_nothing(
        self, make_customer, assessed, make_product, now
    ):
        user = make_customer()
        assessed(user, "C5")

        decision = check(user, make_product("R1"), now + timedelta(days=366))

        assert decision.code == "assessment_expired"

    def test_a_frozen_customer_buys_nothing(self, make_customer, assessed, make_product, now):
        user = make_customer(status="frozen")
        assessed(user, "C5")

        assert check(user, make_product("R1"), now).code == "not_active"

    def test_a_product_not_on_sale_is_not_found_and_nothing_is_recorded(
        self, make_customer, assessed, make_product, now
    ):
        from hujin.products.errors import ProductNotFound

        user = make_customer()
        assessed(user, "C5")

        with pytest.raises(ProductNotFound):
            check(user, make_product("R1", on_sale=False), now)

        assert not SuitabilityRecord.objects.exists()

    def test_staff_are_not_customers(self, make_product, now):
        from hujin.core.actors import Actor

        staff = Actor(kind="staff", id="1", label="ops")
        with pytest.raises(errors.NotACustomer):
            suitability_check(actor=staff, product_id=make_product("R1").id, now=now)


class TestTheConfirmPolicy:
    @pytest.fixture(autouse=True)
    def confirm_policy(self, settings):
        settings.HUJIN_WEALTH_SUITABILITY_POLICY = "confirm"

    def test_above_the_level_the_customer_is_asked_to_confirm_a_warning(
        self, make_customer, assessed, make_product, now
    ):
        user = make_customer()
        assessed(user, "C3")

        decision = check(user, make_product("R5"), now)

        assert decision.outcome == "warning_required"

    def test_the_warning_names_the_product_and_both_levels_in_the_customers_language(
        self, make_customer, assessed, make_product, now
    ):
        user = make_customer()
        assessed(user, "C3")
        product = make_product("R5")

        with translation.override("zh-hans"):
            warning = risk_warning(actor=actor_for(user), product_id=product.id, now=now)

        assert "互金股票" in warning.text and "R5" in warning.text and "C3" in warning.text
        assert warning.language == "zh-hans" and len(warning.text_sha256) == 64

    def test_confirming_the_warning_shown_allows_the_purchase_and_keeps_the_text(
        self, make_customer, assessed, make_product, now
    ):
        user = make_customer()
        assessed(user, "C3")
        product = make_product("R5")
        shown = risk_warning(actor=actor_for(user), product_id=product.id, now=now)

        confirmation_id = risk_warning_confirm(actor=actor_for(user), product_id=product.id,
                                               text_sha256=shown.text_sha256, now=now)  # fmt: skip
        decision = check(user, product, now + timedelta(minutes=1))

        kept = RiskWarningConfirmation.objects.get(id=confirmation_id)
        assert kept.text == shown.text and kept.expires_at == now + WARNING_VALID
        assert decision.allowed and decision.code == "warning_confirmed"
        assert decision.confirmation_id == confirmation_id
        assert AuditEntry.objects.filter(action="wealth.risk_warning_confirmed").count() == 1

    def test_a_confirmation_lapses(self, make_customer, assessed, make_product, now):
        user = make_customer()
        assessed(user, "C3")
        product = make_product("R5")
        shown = risk_warning(actor=actor_for(user), product_id=product.id, now=now)
        risk_warning_confirm(actor=actor_for(user), product_id=product.id,
                             text_sha256=shown.text_sha256, now=now)  # fmt: skip

        later = check(user, product, now + WARNING_VALID + timedelta(seconds=1))

        assert later.outcome == "warning_required"

    def test_a_confirmation_of_another_text_changes_nothing(
        self, make_customer, assessed, make_product, now
    ):
        user = make_customer()
        assessed(user, "C3")
        product = make_product("R5")

        with pytest.raises(errors.WarningTextChanged):
            risk_warning_confirm(actor=actor_for(user), product_id=product.id,
                                 text_sha256="0" * 64, now=now)  # fmt: skip

        assert not RiskWarningConfirmation.objects.exists()
        assert (
            not SuitabilityRecord.objects.exists()
            and not AuditEntry.objects.filter(action__startswith="wealth.").exists()
        )

    def test_a_conservative_customer_has_no_warning_to_confirm(
        self, make_customer, assessed, make_product, now
    ):
        user = make_customer()
        assessed(user, "C1")
        product = make_product("R3")
        shown = risk_warning(actor=actor_for(user), product_id=product.id, now=now)

        with pytest.raises(errors.WarningNotNeeded):
            risk_warning_confirm(actor=actor_for(user), product_id=product.id,
                                 text_sha256=shown.text_sha256, now=now)  # fmt: skip

        assert not RiskWarningConfirmation.objects.exists()

    def test_nothing_to_warn_of_within_the_level(self, make_customer, assessed, make_product, now):
        user = make_customer()
        assessed(user, "C5")

        assert risk_warning(actor=actor_for(user), product_id=make_product("R5").id,
                            now=now) is None  # fmt: skip
