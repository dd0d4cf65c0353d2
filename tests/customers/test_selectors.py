"""Customer search (exact match through blind indexes), Customer 360 and the review queue."""

import pytest

from hujin.core.models import AuditEntry
from hujin.customers.errors import NotPermitted
from hujin.customers.models import Customer
from hujin.customers.selectors import (
    customer_360,
    customers_search,
    kyc_application_detail,
    kyc_queue,
)
from hujin.customers.services import kyc_submit
from tests.customers.conftest import actor_for, resident_id

pytestmark = pytest.mark.django_db

NUMBER = resident_id("370102", "19820304", "357")


@pytest.fixture
def alice(make_customer_user, now, simulated_provider, consents):
    user = make_customer_user("+8613912345678")
    kyc_submit(
        user_id=user.pk,
        document_type="resident_id",
        document_number=NUMBER,
        legal_name="欧阳娜娜",
        actor=actor_for(user),
        now=now,
    )
    return Customer.objects.get(user=user)


@pytest.fixture
def bob(make_customer_user, now):
    from hujin.core.actors import SYSTEM
    from hujin.customers.services import customer_ensure

    return customer_ensure(user_id=make_customer_user("+8613700000000").pk, actor=SYSTEM, now=now)


class TestSearch:
    @pytest.mark.parametrize(
        "query",
        [
            "欧阳娜娜",
            " 欧阳娜娜 ",
            "13912345678",
            "139 1234 5678",
            "+86 139-1234-5678",
            NUMBER,
            NUMBER.lower(),
            f"{NUMBER[:6]} {NUMBER[6:]}",
        ],
    )
    def test_finds_by_exact_name_mobile_or_document(self, alice, bob, officer, query):
        rows = customers_search(actor=officer, query=query)

        assert [r.id for r in rows] == [alice.id]

    @pytest.mark.parametrize("query", ["欧阳", "1391234567", NUMBER[:-1], "娜娜"])
    def test_partial_input_finds_nothing(self, alice, officer, query):
        assert customers_search(actor=officer, query=query) == []

    def test_results_are_masked(self, alice, officer):
        (row,) = customers_search(actor=officer, query=NUMBER)

        assert row.name == "欧***"
        assert row.mobile == "139****5678"

    def test_an_empty_query_lists_the_newest_customers(self, alice, bob, officer):
        assert {r.id for r in customers_search(actor=officer, query="")} == {alice.id, bob.id}

    def test_staff_without_the_view_permission_cannot_search(self, alice, clerk):
        with pytest.raises(NotPermitted):
            customers_search(actor=clerk, query="")


class TestCustomer360:
    def test_masked_by_default_and_leaves_no_audit(self, alice, officer, now):
        view = customer_360(actor=officer, customer_id=alice.id, reveal=False, now=now)

        assert view.legal_name == "欧***"
        assert view.mobile == "139****5678"
        assert view.applications[0].document_number == NUMBER[:6] + "*" * 8 + NUMBER[-4:]
        assert not AuditEntry.objects.filter(action="personal_data.viewed").exists()

    def test_reveal_shows_everything_and_is_audited(self, alice, officer, now):
        view = customer_360(actor=officer, customer_id=alice.id, reveal=True, now=now)

        assert (view.legal_name, view.mobile) == ("欧阳娜娜", "13912345678")
        assert view.applications[0].document_number == NUMBER
        entry = AuditEntry.objects.get(action="personal_data.viewed")
        assert (entry.actor_id, entry.target_id) == (officer.id, str(alice.id))
        assert NUMBER not in str(entry.after)

    def test_reveal_needs_the_personal_data_permission(self, alice, now):
        from hujin.core.actors import Actor
        from hujin.customers.permissions import VIEW_CUSTOMERS

        agent = Actor(kind="staff", id="x", label="agent", scopes=frozenset({VIEW_CUSTOMERS}))

        assert not customer_360(actor=agent, customer_id=alice.id, reveal=False, now=now).may_reveal
        with pytest.raises(NotPermitted):
            customer_360(actor=agent, customer_id=alice.id, reveal=True, now=now)

    def test_shows_kyc_state_accounts_and_consents(self, alice, officer, now, consents):
        consents.outstanding = ["service_agreement"]

        view = customer_360(actor=officer, customer_id=alice.id, reveal=False, now=now)

        assert view.row.kyc_status == "verified"
        assert view.consents_outstanding == ["Service agreement"]
        assert view.accounts == []  # no wallet while a consent is outstanding


class TestQueue:
    def test_lists_applications_waiting_for_review_masked(
        self, make_customer_user, officer, now, manual_provider
    ):
        user = make_customer_user()
        kyc_submit(
            user_id=user.pk,
            document_type="resident_id",
            document_number=NUMBER,
            legal_name="欧阳娜娜",
            actor=actor_for(user),
            now=now,
        )

        (row,) = kyc_queue(actor=officer)

        assert row.legal_name == "欧***"
        assert row.document_number != NUMBER

    def test_the_detail_is_unmasked_and_audited_for_an_officer_with_the_permission(
        self, make_customer_user, officer, now, manual_provider
    ):
        user = make_customer_user()
        application = kyc_submit(
            user_id=user.pk,
            document_type="resident_id",
            document_number=NUMBER,
            legal_name="欧阳娜娜",
            actor=actor_for(user),
            now=now,
        )

        view = kyc_application_detail(actor=officer, application_id=application.id, now=now)

        assert view.document_number == NUMBER
        assert AuditEntry.objects.filter(
            action="personal_data.viewed", target_id=str(application.id)
        ).exists()

    def test_the_detail_is_masked_for_a_reviewer_without_it(
        self, make_customer_user, now, manual_provider
    ):
        from hujin.core.actors import Actor
        from hujin.customers.permissions import REVIEW_KYC

        reviewer = Actor(kind="staff", id="r", label="r", scopes=frozenset({REVIEW_KYC}))
        user = make_customer_user()
        application = kyc_submit(
            user_id=user.pk,
            document_type="resident_id",
            document_number=NUMBER,
            legal_name="欧阳娜娜",
            actor=actor_for(user),
            now=now,
        )

        view = kyc_application_detail(actor=reviewer, application_id=application.id, now=now)

        assert view.legal_name == "欧***"
        assert not AuditEntry.objects.filter(action="personal_data.viewed").exists()
