"""kyc_submit: a customer asks to be verified; the identity provider decides or sends to review."""

import pytest

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.customers.errors import (
    AlreadyVerified,
    CustomerNotFound,
    DocumentAlreadyVerified,
    DocumentNumberInvalid,
    NameInvalid,
    VerificationInProgress,
)
from hujin.customers.models import Customer, KycApplication
from hujin.customers.services import kyc_submit
from tests.customers.conftest import actor_for, resident_id

pytestmark = pytest.mark.django_db

GOOD = resident_id("110105", "19900101", "123")  # simulated provider: verified
REJECTED_BY_PROVIDER = resident_id("110105", "19900101", "001")  # sequence "00" -> rejected
REVIEW_BY_PROVIDER = resident_id("110105", "19900101", "991")  # sequence "99" -> review
PROVIDER_DOWN = resident_id("110105", "19900101", "981")  # sequence "98" -> unavailable


def submit(user, now, number=GOOD, name="张三", document_type="resident_id"):
    return kyc_submit(
        user_id=user.pk,
        document_type=document_type,
        document_number=number,
        legal_name=name,
        actor=actor_for(user),
        now=now,
    )


class TestWithTheManualReviewProvider:
    def test_every_application_waits_for_review(
        self, customer_user, now, manual_provider, consents
    ):
        application = submit(customer_user, now)

        application.refresh_from_db()
        customer = Customer.objects.get(user=customer_user)
        assert application.status == "needs_review"
        assert application.provider == "manual_review"
        assert customer.kyc_status == "pending"

    def test_stores_the_normalised_number_and_the_birth_date_from_it(
        self, customer_user, now, manual_provider
    ):
        application = submit(customer_user, now, number=" 110105 19491231 002x ")

        application.refresh_from_db()
        assert application.document_number == "11010519491231002X"
        assert str(application.birth_date) == "1949-12-31"

    def test_a_second_application_while_one_is_under_review_is_refused(
        self, customer_user, now, manual_provider
    ):
        submit(customer_user, now)

        with pytest.raises(VerificationInProgress):
            submit(customer_user, now, number=resident_id(seq="555"))
        assert KycApplication.objects.count() == 1

    def test_audit_and_event_carry_masked_data_only(self, customer_user, now, manual_provider):
        submit(customer_user, now)

        entry = AuditEntry.objects.get(action="customers.kyc_submit")
        assert entry.after["document_number"] == "110105********" + GOOD[-4:]
        assert entry.after["legal_name"] == "张*"
        assert GOOD not in str(entry.after)
        events = OutboxEvent.objects.filter(event_type="customers.kyc_submitted")
        assert events.count() == 1
        assert GOOD not in str(events.get().payload) and "张三" not in str(events.get().payload)


class TestWithTheSimulatedProvider:
    def test_a_match_verifies_the_customer_at_once(
        self, customer_user, now, simulated_provider, consents
    ):
        application = submit(customer_user, now)

        customer = Customer.objects.get(user=customer_user)
        assert application.status == "verified"
        assert customer.kyc_status == "verified"
        assert customer.verified_at == now
        assert customer.legal_name == "张三"
        assert OutboxEvent.objects.filter(event_type="customers.kyc_verified").count() == 1

    def test_a_mismatch_rejects_and_the_customer_may_try_again(
        self, customer_user, now, simulated_provider, consents
    ):
        first = submit(customer_user, now, number=REJECTED_BY_PROVIDER)

        assert first.status == "rejected"
        assert Customer.objects.get(user=customer_user).kyc_status == "rejected"
        second = submit(customer_user, now, number=GOOD)
        assert second.status == "verified"

    def test_an_inconclusive_check_goes_to_review(self, customer_user, now, simulated_provider):
        assert submit(customer_user, now, number=REVIEW_BY_PROVIDER).status == "needs_review"

    def test_an_unavailable_provider_sends_the_case_to_review(
        self, customer_user, now, simulated_provider
    ):
        application = submit(customer_user, now, number=PROVIDER_DOWN)

        assert application.status == "needs_review"
        assert application.provider_reason == "identity provider unavailable"

    def test_a_verified_customer_cannot_apply_again(
        self, customer_user, now, simulated_provider, consents
    ):
        submit(customer_user, now)

        with pytest.raises(AlreadyVerified):
            submit(customer_user, now, number=resident_id(seq="777"))

    def test_one_verified_person_per_document_number(
        self, make_customer_user, now, simulated_provider, consents
    ):
        submit(make_customer_user(), now)
        other = make_customer_user()

        with pytest.raises(DocumentAlreadyVerified) as caught:
            submit(other, now, number=GOOD.lower())

        assert caught.value.code == "document_already_verified"
        assert not KycApplication.objects.filter(customer__user=other).exists()


class TestInputRefused:
    @pytest.mark.parametrize(
        ("number", "reason"),
        [
            (GOOD[:-1] + ("0" if GOOD[-1] != "0" else "1"), "checksum"),
            ("110105900101123", "legacy_15_digit"),
            (resident_id("110105", "20100101"), "under_age"),
        ],
    )
    def test_an_invalid_document_changes_nothing(
        self, customer_user, now, manual_provider, number, reason
    ):
        with pytest.raises(DocumentNumberInvalid) as caught:
            submit(customer_user, now, number=number)

        assert caught.value.details["reason"] == reason
        assert caught.value.message  # a sentence for the customer, not a code
        assert not KycApplication.objects.exists()
        assert not AuditEntry.objects.filter(action="customers.kyc_submit").exists()

    @pytest.mark.parametrize("name", ["", "张", "x" * 101, "张三3", "<script>"])
    def test_a_name_that_cannot_be_a_legal_name_is_refused(
        self, customer_user, now, manual_provider, name
    ):
        with pytest.raises(NameInvalid):
            submit(customer_user, now, name=name)

    def test_names_with_a_middle_dot_and_latin_names_are_accepted(
        self, make_customer_user, now, manual_provider
    ):
        submit(make_customer_user(), now, name="买买提·艾力")
        submit(make_customer_user(), now, number=resident_id(seq="321"), name="John  O'Brien")

        names = sorted(a.legal_name for a in KycApplication.objects.all())
        assert names == ["John O'Brien", "买买提·艾力"]

    def test_a_staff_login_has_no_customer_profile(self, staff_user, now, manual_provider):
        with pytest.raises(CustomerNotFound):
            submit(staff_user, now)


def test_more_than_five_attempts_a_day_are_refused(customer_user, now, simulated_provider):
    from datetime import timedelta

    from hujin.customers.errors import TooManyApplications

    for attempt in range(5):
        rejected = submit(customer_user, now + timedelta(minutes=attempt),
                          number=resident_id("110105", "19900101", f"00{attempt}"))  # fmt: skip
        assert rejected.status == "rejected"

    with pytest.raises(TooManyApplications):
        submit(customer_user, now + timedelta(minutes=10))
    assert submit(customer_user, now + timedelta(hours=24, minutes=1)).status == "verified"


def test_the_age_rule_uses_the_date_in_china(customer_user, manual_provider):
    from datetime import UTC, datetime

    # 2025-03-13 17:00 UTC is already 2025-03-14 in Beijing: 18 years old from that day.
    evening = datetime(2025, 3, 13, 17, 0, tzinfo=UTC)

    application = submit(customer_user, evening, number=resident_id("110105", "20070314", "002"))

    assert application.status == "needs_review"
