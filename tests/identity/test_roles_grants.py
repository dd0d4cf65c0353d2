"""Granting and revoking staff roles through maker-checker (hujin.identity.role_grants)."""

import pytest
from django.contrib.auth.models import Group

from hujin.core.approvals import MakerCannotCheck, approval_decide
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.identity import role_grants
from hujin.identity.access import staff_actor
from hujin.identity.role_grants import (
    RoleChangeDenied,
    RoleChangeNotNeeded,
    RoleChangeReasonMissing,
    RoleUnknown,
    StaffNotFound,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin(role_client):
    return role_client("administrator").user


@pytest.fixture
def checker(role_client):
    return role_client("compliance_officer").user


@pytest.fixture
def member(clerk_user):
    return clerk_user


def ask(maker, member, now, *, role="auditor", grant=True, reason="Joins internal audit"):
    return role_grants.role_change_request(
        actor=staff_actor(maker),
        user_id=str(member.pk),
        role=role,
        grant=grant,
        reason=reason,
        now=now,
    )


def roles_of(user):
    return set(user.groups.values_list("name", flat=True))


class TestRoleChangeRequest:
    def test_asks_without_changing_anything_yet(self, admin, member, now):
        request = ask(admin, member, now)

        assert request.action == "identity.role_grant"
        assert request.payload == {"user_id": str(member.pk), "role": "auditor", "grant": True}
        assert roles_of(member) == set()

    def test_needs_the_manage_staff_permission(self, role_client, member, now):
        auditor = role_client("auditor").user

        with pytest.raises(RoleChangeDenied):
            ask(auditor, member, now)

    def test_nobody_asks_for_their_own_roles(self, admin, now):
        with pytest.raises(RoleChangeDenied):
            ask(admin, admin, now, role="auditor")

    @pytest.mark.parametrize(
        ("kwargs", "error"),
        [
            ({"role": "janitor"}, RoleUnknown),
            ({"reason": "   "}, RoleChangeReasonMissing),
            ({"reason": "x" * 501}, RoleChangeReasonMissing),
            ({"grant": False}, RoleChangeNotNeeded),
        ],
    )
    def test_refuses_bad_requests(self, admin, member, now, kwargs, error):
        with pytest.raises(error):
            ask(admin, member, now, **kwargs)

    def test_refuses_an_unknown_or_customer_user(self, admin, customer_user, now):
        with pytest.raises(StaffNotFound):
            ask(admin, customer_user, now)
        with pytest.raises(StaffNotFound):
            role_grants.role_change_request(
                actor=staff_actor(admin), user_id="not-a-uuid", role="auditor", grant=True,
                reason="r", now=now,
            )  # fmt: skip


class TestApprovingARoleChange:
    def test_another_authorised_person_approves_and_the_role_is_granted(
        self, admin, checker, member, now
    ):
        request = ask(admin, member, now)

        approval_decide(
            actor=staff_actor(checker), request_id=request.id, approve=True, reason="ok", now=now
        )

        assert roles_of(member) == {"auditor"}
        entry = AuditEntry.objects.get(action="staff.role_granted")
        assert entry.before == {"roles": []} and entry.after == {"roles": ["auditor"]}
        assert OutboxEvent.objects.filter(event_type="identity.role_granted").count() == 1

    def test_revoking_works_the_same_way(self, admin, checker, member, now):
        member.groups.add(Group.objects.get(name="risk_analyst"))
        request = ask(admin, member, now, role="risk_analyst", grant=False)

        approval_decide(
            actor=staff_actor(checker), request_id=request.id, approve=True, reason="ok", now=now
        )

        assert roles_of(member) == set()
        assert AuditEntry.objects.filter(action="staff.role_revoked").count() == 1

    def test_the_maker_cannot_approve_their_own_request(self, admin, member, now):
        request = ask(admin, member, now)

        with pytest.raises(MakerCannotCheck):
            approval_decide(
                actor=staff_actor(admin), request_id=request.id, approve=True, reason="me", now=now
            )
        assert roles_of(member) == set()

    def test_the_member_concerned_cannot_approve_a_change_to_their_own_roles(
        self, admin, checker, now
    ):
        request = ask(admin, checker, now, role="auditor")

        with pytest.raises(RoleChangeDenied):
            approval_decide(
                actor=staff_actor(checker), request_id=request.id, approve=True, reason="x",
                now=now,
            )  # fmt: skip
        assert "auditor" not in roles_of(checker)

    def test_a_rejection_changes_nothing(self, admin, checker, member, now):
        request = ask(admin, member, now)

        approval_decide(
            actor=staff_actor(checker), request_id=request.id, approve=False, reason="no", now=now
        )

        assert roles_of(member) == set()

    def test_the_queue_describes_the_change(self, admin, member, now):
        request = ask(admin, member, now)

        assert role_grants.role_change_describe(request) == (
            "Grant the role “Auditor (read-only)” to clerk"
        )


class TestTheStaffPage:
    def test_lists_staff_with_their_roles_and_mfa(self, role_client):
        client = role_client("administrator")
        role_client("auditor", username="alice")

        html = client.get("/auth/staff/").content.decode()

        assert "alice" in html and "Auditor (read-only)" in html
        assert 'action="/auth/staff/' in html

    def test_auditors_see_it_without_the_request_forms(self, role_client):
        html = role_client("auditor").get("/auth/staff/").content.decode()

        assert 'name="reason"' not in html

    def test_a_request_goes_to_the_approvals_queue(self, role_client, clerk_user):
        client = role_client("administrator")

        response = client.post(
            f"/auth/staff/{clerk_user.pk}/roles/",
            {"role": "operations", "grant": "1", "reason": "Night shift"},
            follow=True,
        )

        assert "Another authorised staff member must approve it" in response.content.decode()
        assert roles_of(clerk_user) == set()

    def test_a_bad_request_says_why_and_changes_nothing(self, role_client, clerk_user):
        client = role_client("administrator")

        response = client.post(
            f"/auth/staff/{clerk_user.pk}/roles/",
            {"role": "operations", "grant": "0", "reason": "Not there"},
            follow=True,
        )

        assert "Nothing to change" in response.content.decode()
