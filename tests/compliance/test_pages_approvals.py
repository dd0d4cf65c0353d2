"""The approvals inbox and a request's page: approve, reject, cancel, and who may do what."""

import pytest
from django.urls import reverse

from hujin.core import approvals
from hujin.core.models import ApprovalRequest
from hujin.identity.access import staff_actor

pytestmark = pytest.mark.django_db

# The checker's permission for the test action: any permission that exists will do.
CHECK_PERMISSION = "core.view_audit"
INBOX = "core.view_approvals"


class Executed(list):
    def __call__(self, *, request, actor, now):
        self.append(request.target_id)


@pytest.fixture
def executed(empty_approval_registry):
    calls = Executed()
    approvals.register_approval_action(
        "test.freeze",
        permission=CHECK_PERMISSION,
        execute=calls,
        describe=lambda request: f"Freeze thing {request.target_id}",
        label="Freeze a test thing",
    )
    return calls


@pytest.fixture
def maker(staff_with):
    return staff_with(INBOX, CHECK_PERMISSION, username="maker")


@pytest.fixture
def pending(executed, maker, now):
    user, _ = maker
    return approvals.approval_request(
        actor=staff_actor(user), action="test.freeze", target_type="test.thing",
        target_id="t-1", payload={"days": 30}, reason="Card reported stolen", now=now,
    )  # fmt: skip


def detail_url(request_obj) -> str:
    return reverse("compliance:approval_detail", args=[request_obj.id])


class TestInbox:
    def test_a_checker_sees_what_waits_for_them(self, staff_client, pending):
        response = staff_client.get(reverse("compliance:approvals"))
        assert response.status_code == 200
        assert [row["id"] for row in response.context["waiting"]] == [pending.id]
        html = response.content.decode()
        assert "Freeze a test thing" in html
        assert "Freeze thing t-1" in html

    def test_the_maker_sees_their_request_as_waiting_for_another_checker(self, maker, pending):
        _, client = maker
        response = client.get(reverse("compliance:approvals"))
        assert response.context["waiting"] == []
        assert [row["id"] for row in response.context["mine"]] == [pending.id]

    def test_filters_by_action(self, staff_client, pending):
        response = staff_client.get(reverse("compliance:approvals"), {"action": "test.freeze"})
        assert len(response.context["waiting"]) == 1

    def test_needs_the_inbox_permission(self, staff_with):
        _, client = staff_with(CHECK_PERMISSION, username="nosy")
        assert client.get(reverse("compliance:approvals")).status_code == 403


class TestDecide:
    def test_a_checker_approves_with_a_reason(self, staff_client, pending, executed):
        response = staff_client.post(
            detail_url(pending), {"decision": "approve", "reason": "Confirmed by phone"}
        )
        assert response.status_code == 302
        stored = ApprovalRequest.objects.get(id=pending.id)
        assert (stored.status, stored.checker_reason) == ("approved", "Confirmed by phone")
        assert executed == ["t-1"]

    def test_a_checker_rejects(self, staff_client, pending, executed):
        staff_client.post(detail_url(pending), {"decision": "reject", "reason": "Not enough"})
        assert ApprovalRequest.objects.get(id=pending.id).status == "rejected"
        assert executed == []

    def test_a_reason_is_required(self, staff_client, pending):
        response = staff_client.post(detail_url(pending), {"decision": "approve", "reason": ""})
        assert response.status_code == 400
        assert ApprovalRequest.objects.get(id=pending.id).status == "pending"

    def test_the_maker_gets_no_decision_form_and_cannot_post_one(self, maker, pending, executed):
        _, client = maker
        page = client.get(detail_url(pending))
        html = page.content.decode()
        assert "Waiting for another checker" in html
        assert 'value="approve"' not in html
        response = client.post(detail_url(pending), {"decision": "approve", "reason": "me"})
        assert response.status_code == 400
        assert "another person must approve" in response.content.decode()
        assert ApprovalRequest.objects.get(id=pending.id).status == "pending"
        assert executed == []

    def test_a_staff_member_without_the_actions_permission_cannot_decide(self, staff_with, pending):
        _, client = staff_with(INBOX, username="clerk")
        response = client.post(detail_url(pending), {"decision": "approve", "reason": "ok"})
        assert response.status_code == 400
        assert ApprovalRequest.objects.get(id=pending.id).status == "pending"

    def test_an_unknown_request_is_404(self, staff_client, executed):
        url = reverse("compliance:approval_detail", args=["00000000-0000-0000-0000-000000000000"])
        assert staff_client.get(url).status_code == 404


class TestCancel:
    def test_the_maker_cancels(self, maker, pending):
        _, client = maker
        response = client.post(reverse("compliance:approval_cancel", args=[pending.id]))
        assert response.status_code == 302
        assert ApprovalRequest.objects.get(id=pending.id).status == "cancelled"

    def test_someone_else_cannot_cancel(self, staff_client, pending):
        staff_client.post(reverse("compliance:approval_cancel", args=[pending.id]))
        assert ApprovalRequest.objects.get(id=pending.id).status == "pending"

    def test_cancel_needs_post(self, maker, pending):
        _, client = maker
        response = client.get(reverse("compliance:approval_cancel", args=[pending.id]))
        assert response.status_code == 405
