"""The customer's consent and "my data" pages, and the console's request worklist."""

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from hujin.core.models import AuditEntry
from hujin.privacy.models import ConsentRecord, DataSubjectRequest
from hujin.privacy.services import consent_accept, data_request_create
from tests.privacy.conftest import make_customer, publish

pytestmark = pytest.mark.django_db

ZH = {"accept-language": "zh-Hans"}


def text(response) -> str:
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", content)


@pytest.fixture
def handler_client(handler_user) -> Client:
    client = Client()
    client.force_login(handler_user)
    session = client.session
    session["mfa_verified"] = True  # the console's second factor, passed
    session.save()
    return client


class TestConsentsPage:
    def test_shows_both_documents_outstanding_with_accept_buttons(self, customer_client):
        page = text(customer_client.get("/privacy/consents/"))

        assert "Privacy policy" in page and "Service agreement" in page
        assert page.count("Not yet accepted") == 2
        assert "I have read and accept the Privacy policy" in page

    def test_is_translated(self, customer_client):
        page = text(customer_client.get("/privacy/consents/", headers=ZH))

        assert "同意管理" in page and "隐私政策" in page and "服务协议" in page
        assert "尚未同意" in page

    def test_accepting_records_web_channel_and_the_clients_ip(
        self, customer_client, customer, privacy_policy_v1
    ):
        response = customer_client.post(
            "/privacy/consents/accept/",
            {"document_id": str(privacy_policy_v1)},
            REMOTE_ADDR="192.0.2.44",
        )

        assert response.status_code == 302
        record = ConsentRecord.objects.get(user=customer)
        assert (record.channel, record.ip) == ("web", "192.0.2.44")
        page = text(customer_client.get("/privacy/consents/"))
        assert "Accepted" in page and "Withdraw consent" in page
        assert "stops all processing of your personal information" in page

    def test_a_new_version_asks_again(self, customer_client, customer, privacy_policy_v1):
        customer_client.post("/privacy/consents/accept/", {"document_id": str(privacy_policy_v1)})
        publish("privacy_policy", 2)

        page = text(customer_client.get("/privacy/consents/"))

        assert "New version to accept" in page

    def test_states_are_the_shared_badges_with_times_in_the_business_time_zone(
        self, customer_client, customer, customer_actor, privacy_policy_v1
    ):
        accepted_at = datetime(2026, 3, 1, 16, 30, tzinfo=UTC)  # 2026-03-02 00:30 in Shanghai
        consent_accept(user_id=customer.pk, document_id=privacy_policy_v1, channel="web",
                       ip=None, actor=customer_actor, now=accepted_at)  # fmt: skip

        html = customer_client.get("/privacy/consents/").content.decode()

        assert 'data-status="accepted"' in html and "2026-03-02 00:30" in html
        assert 'data-status="pending">Not yet accepted<' in html

    def test_withdrawing_shows_the_outcome(self, customer_client, customer, privacy_policy_v1):
        customer_client.post("/privacy/consents/accept/", {"document_id": str(privacy_policy_v1)})

        response = customer_client.post(
            "/privacy/consents/withdraw/", {"kind": "privacy_policy"}, follow=True
        )

        assert "Your consent has been withdrawn." in text(response)
        assert ConsentRecord.objects.get(user=customer).withdrawn_at is not None

    def test_withdrawing_what_was_never_given_explains_itself(self, customer_client):
        response = customer_client.post(
            "/privacy/consents/withdraw/", {"kind": "privacy_policy"}, follow=True
        )

        assert "You have not accepted this document" in text(response)

    def test_the_full_text_is_public_in_both_languages(self, client, privacy_policy_v1):
        english = text(client.get(f"/privacy/documents/{privacy_policy_v1}/"))
        chinese = text(client.get(f"/privacy/documents/{privacy_policy_v1}/", headers=ZH))

        assert "Personal Information Protection Law" in english
        assert "个人信息保护法" in chinese and "隐私政策" in chinese
        assert client.get(f"/privacy/documents/{uuid.uuid4()}/").status_code == 404

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        assert client.get("/privacy/consents/").status_code == 302


class TestMyDataPage:
    def test_offers_download_correction_and_deletion(self, customer_client):
        page = text(customer_client.get("/privacy/my-data/"))

        assert "Download my data" in page
        assert "Correct my information" in page and "Delete my information" in page
        assert "within 15 days" in page

    def test_is_translated(self, customer_client):
        page = text(customer_client.get("/privacy/my-data/", headers=ZH))

        assert "我的数据" in page and "下载我的数据" in page and "申请删除" in page

    def test_download_is_a_json_file_of_every_part_and_is_audited(self, customer_client, customer):
        response = customer_client.post("/privacy/my-data/download/")

        assert response.status_code == 200
        assert response["Content-Type"].startswith("application/json")
        assert response["Content-Disposition"].startswith('attachment; filename="hujin-my-data-')
        data = json.loads(response.content)
        assert data["user_id"] == str(customer.pk)
        assert {"identity", "suitability", "privacy"} <= set(data["parts"])
        assert AuditEntry.objects.filter(action="privacy.data_exported").count() == 1

    def test_download_needs_post(self, customer_client):
        assert customer_client.get("/privacy/my-data/download/").status_code == 405

    def test_a_correction_request_is_created(self, customer_client, customer):
        response = customer_client.post(
            "/privacy/my-data/correction/",
            {"correction-field": "email", "correction-details": "It is wei@example.com."},
            follow=True,
        )

        assert "We will answer within 15 days." in text(response)
        request = DataSubjectRequest.objects.get(user=customer)
        assert (request.kind, request.field) == ("correction", "email")

    def test_a_correction_without_details_is_refused_with_the_form_kept(self, customer_client):
        response = customer_client.post(
            "/privacy/my-data/correction/", {"correction-field": "email"}
        )

        assert response.status_code == 400
        assert "This field is required." in text(response)
        assert not DataSubjectRequest.objects.exists()

    def test_a_deletion_needs_the_confirmation(self, customer_client):
        response = customer_client.post("/privacy/my-data/deletion/", {"deletion-details": "bye"})

        assert response.status_code == 400
        assert not DataSubjectRequest.objects.exists()

    def test_a_second_open_deletion_is_refused_plainly(self, customer_client):
        form = {"deletion-confirm": "on"}
        customer_client.post("/privacy/my-data/deletion/", form)

        response = customer_client.post("/privacy/my-data/deletion/", form)

        assert response.status_code == 400
        assert "You already have an open request of this kind." in text(response)

    def test_an_unknown_request_kind_is_not_found(self, customer_client):
        assert customer_client.post("/privacy/my-data/hacking/", {}).status_code == 404

    def test_a_customer_reads_their_own_request_but_not_anothers(
        self, customer_client, customer_actor, customer, now
    ):
        mine = data_request_create(
            user_id=customer.pk, kind="deletion", actor=customer_actor, now=timezone.now()
        )
        other = make_customer("someone-else")
        theirs = data_request_create(
            user_id=other.pk, kind="deletion", actor=customer_actor, now=timezone.now()
        )

        assert customer_client.get(f"/privacy/my-data/requests/{mine.id}/").status_code == 200
        assert customer_client.get(f"/privacy/my-data/requests/{theirs.id}/").status_code == 404


class TestConsoleRequests:
    def test_the_worklist_highlights_overdue_requests(
        self, handler_client, customer, customer_actor
    ):
        data_request_create(
            user_id=customer.pk,
            kind="deletion",
            actor=customer_actor,
            now=timezone.now() - timedelta(days=16),
        )

        response = handler_client.get("/privacy/requests/")

        assert response.status_code == 200
        assert 'class="row-overdue"' in response.content.decode()
        assert "Overdue" in text(response)

    def test_the_worklist_is_translated(self, handler_client):
        assert "个人信息请求" in text(handler_client.get("/privacy/requests/", headers=ZH))

    def test_filters_by_kind(self, handler_client, customer, customer_actor):
        request = data_request_create(
            user_id=customer.pk, kind="deletion", actor=customer_actor, now=timezone.now()
        )
        link = f"/privacy/requests/{request.id}/"

        assert link not in handler_client.get("/privacy/requests/?kind=correction").content.decode()
        assert link in handler_client.get("/privacy/requests/?kind=deletion").content.decode()

    def test_opening_a_request_with_the_customers_text_is_audited(
        self, handler_client, customer, customer_actor
    ):
        request = data_request_create(
            user_id=customer.pk,
            kind="correction",
            field="name",
            details="Should be 张伟.",
            actor=customer_actor,
            now=timezone.now(),
        )

        page = text(handler_client.get(f"/privacy/requests/{request.id}/"))

        assert "Should be 张伟." in page
        entry = AuditEntry.objects.get(action="personal_data.viewed")
        assert (entry.target_id, entry.after) == (str(request.id), {"fields": ["details"]})

    def test_completing_a_deletion_from_the_console_deactivates_the_customer(
        self, handler_client, customer, customer_actor
    ):
        request = data_request_create(
            user_id=customer.pk, kind="deletion", actor=customer_actor, now=timezone.now()
        )

        handler_client.post(f"/privacy/requests/{request.id}/start/")
        response = handler_client.post(
            f"/privacy/requests/{request.id}/complete/",
            {"resolution": "Your data has been deleted."},
            follow=True,
        )

        assert "The request is completed." in text(response)
        customer.refresh_from_db()
        assert not customer.is_active

    def test_rejecting_without_a_resolution_is_refused(
        self, handler_client, customer, customer_actor
    ):
        request = data_request_create(
            user_id=customer.pk, kind="deletion", actor=customer_actor, now=timezone.now()
        )

        response = handler_client.post(
            f"/privacy/requests/{request.id}/reject/", {"resolution": ""}
        )

        assert response.status_code == 400
        request.refresh_from_db()
        assert request.status == "open"

    def test_the_detail_is_translated(self, handler_client, customer, customer_actor):
        request = data_request_create(
            user_id=customer.pk, kind="deletion", actor=customer_actor, now=timezone.now()
        )

        page = text(handler_client.get(f"/privacy/requests/{request.id}/", headers=ZH))

        assert "接手处理" in page and "完成：立即匿名化" in page and "拒绝" in page

    def test_an_unknown_request_is_not_found(self, handler_client):
        assert handler_client.get(f"/privacy/requests/{uuid.uuid4()}/").status_code == 404
        assert handler_client.post(f"/privacy/requests/{uuid.uuid4()}/start/").status_code == 404

    def test_staff_without_the_permission_and_customers_are_refused(self, customer_client, db):
        from hujin.identity.models import User

        clerk = User.objects.create(username="clerk", kind=User.Kind.STAFF)
        client = Client()
        client.force_login(clerk)
        session = client.session
        session["mfa_verified"] = True
        session.save()

        assert client.get("/privacy/requests/").status_code == 403
        assert customer_client.get("/privacy/requests/").status_code == 403


def test_consent_accept_is_available_to_other_modules(
    customer, customer_actor, now, privacy_policy_v1
):
    record = consent_accept(
        user_id=customer.pk,
        document_id=privacy_policy_v1,
        channel="api",
        ip=None,
        actor=customer_actor,
        now=now,
    )

    assert record.channel == "api" and record.ip is None
