"""Console pages: Customer 360 and the verification queue, by role."""

import pytest
from django.urls import reverse

from hujin.core.models import AuditEntry
from hujin.customers.models import Customer, KycApplication
from hujin.customers.services import kyc_submit
from tests.customers.conftest import actor_for, resident_id

pytestmark = pytest.mark.django_db

NUMBER = resident_id("510104", "19830303", "579")


@pytest.fixture
def application(make_customer_user, now, manual_provider, consents):
    user = make_customer_user("+8613611112222")
    return kyc_submit(
        user_id=user.pk,
        document_type="resident_id",
        document_number=NUMBER,
        legal_name="冯十三",
        actor=actor_for(user),
        now=now,
    )


def test_customer_service_searches_and_sees_masked_data_only(role_client, application):
    client = role_client("customer_service")

    html = client.post(reverse("customers:search"), {"q": "136 1111 2222"}).content.decode()
    detail = client.get(reverse("customers:detail", args=[application.customer_id]))

    assert "136****2222" in html
    assert detail.status_code == 200
    body = detail.content.decode()
    assert NUMBER not in body and "13611112222" not in body
    assert "Show full personal data" not in body


def test_customer_service_cannot_reveal_or_open_the_queue(role_client, application):
    client = role_client("customer_service")

    reveal = client.post(
        reverse("customers:detail", args=[application.customer_id]), {"reveal": "1"}
    )

    assert reveal.status_code == 403
    assert NUMBER not in reveal.content.decode()
    assert not AuditEntry.objects.filter(action="personal_data.viewed").exists()
    assert client.get(reverse("customers:kyc_queue")).status_code == 403


def test_a_compliance_officer_reveals_with_an_audit_entry(role_client, application):
    client = role_client("compliance_officer")
    url = reverse("customers:detail", args=[application.customer_id])

    assert NUMBER not in client.get(url).content.decode()
    revealed = client.post(url, {"reveal": "1"}).content.decode()

    assert NUMBER in revealed and "13611112222" in revealed
    assert AuditEntry.objects.filter(
        action="personal_data.viewed", actor_id=str(client.user.pk)
    ).exists()


def test_a_compliance_officer_approves_from_the_queue(role_client, application, consents):
    client = role_client("compliance_officer")
    queue = client.get(reverse("customers:kyc_queue")).content.decode()
    assert reverse("customers:kyc_detail", args=[application.id]) in queue

    response = client.post(
        reverse("customers:kyc_detail", args=[application.id]),
        {"decision": "approve", "reason": ""},
    )

    assert response.status_code == 302
    assert Customer.objects.get(id=application.customer_id).kyc_status == "verified"


def test_rejecting_without_a_reason_shows_the_error_and_changes_nothing(role_client, application):
    client = role_client("compliance_officer")

    response = client.post(
        reverse("customers:kyc_detail", args=[application.id]), {"decision": "reject", "reason": ""}
    )

    assert response.status_code == 200
    assert "Give a reason." in response.content.decode()
    assert KycApplication.objects.get(id=application.id).status == "needs_review"


def test_a_risk_analyst_requests_a_freeze_and_it_waits_for_a_checker(
    role_client, application, officer, now, consents
):
    from hujin.core.models import ApprovalRequest
    from hujin.customers.services import kyc_review_decide

    kyc_review_decide(
        application_id=application.id, approve=True, reason="", actor=officer, now=now
    )
    client = role_client("risk_analyst")

    response = client.post(
        reverse("customers:freeze", args=[application.customer_id]),
        {"reason": "fraud report"},
        follow=True,
    )

    assert "another officer must approve" in response.content.decode()
    assert ApprovalRequest.objects.get(action="customers.freeze").status == "pending"
    assert Customer.objects.get(id=application.customer_id).status == "active"


def test_operations_close_a_customer_with_a_reason(role_client, application):
    client = role_client("operations")

    client.post(reverse("customers:close", args=[application.customer_id]), {"reason": "asked"})

    assert Customer.objects.get(id=application.customer_id).status == "closed"


def test_an_auditor_reads_but_cannot_act(role_client, application):
    client = role_client("auditor")

    assert (
        client.get(reverse("customers:detail", args=[application.customer_id])).status_code == 200
    )
    assert (
        client.post(
            reverse("customers:close", args=[application.customer_id]), {"reason": "x"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("customers:freeze", args=[application.customer_id]), {"reason": "x"}
        ).status_code
        == 403
    )


def test_customers_get_403_on_the_console(customer_client, application):
    assert customer_client.get(reverse("customers:search")).status_code == 403


def test_an_unknown_customer_is_404(staff_client):
    import uuid

    assert staff_client.get(reverse("customers:detail", args=[uuid.uuid4()])).status_code == 404


def test_the_htmx_search_returns_only_the_results(role_client, application):
    client = role_client("customer_service")

    response = client.post(reverse("customers:search"), {"q": NUMBER}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="customer-results">')
    assert reverse("customers:detail", args=[application.customer_id]) in html
