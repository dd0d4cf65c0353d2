# ruff: noqa: F811 -- the fixtures imported from approvals_support are redefined as arguments
import json
from datetime import timedelta

import pytest
from django.db import IntegrityError, transaction

from hujin.core import approvals
from hujin.core.approvals import (
    ApprovalActionUnknown,
    ApprovalAlreadyPending,
    ApprovalInputInvalid,
    ApprovalNotFound,
    ApprovalNotPending,
    ApprovalReasonRequired,
    CheckerPermissionMissing,
    MakerCannotCheck,
    OnlyMakerCanCancel,
    approval_cancel,
    approval_decide,
    approval_request,
    register_approval_action,
)
from hujin.core.models import ApprovalRequest, AuditEntry, OutboxEvent
from tests.core.approvals_support import (  # noqa: F401 -- fixtures
    CHECKER,
    MAKER,
    OUTSIDER,
    StillFrozen,
    ask,
    freeze_log,
)

pytestmark = pytest.mark.django_db


def audit_actions(request) -> list[str]:
    return list(
        AuditEntry.objects.filter(target_type="core.approval_request", target_id=str(request.id))
        .order_by("id")
        .values_list("action", flat=True)
    )


def event_types(request) -> list[str]:
    return list(
        OutboxEvent.objects.filter(aggregate_id=str(request.id))
        .order_by("id")
        .values_list("event_type", flat=True)
    )


class TestApprovalRequest:
    def test_creates_a_pending_request_with_audit_and_event(self, ask, now):
        request = ask()
        assert request.status == "pending"
        assert (request.maker_kind, request.maker_id, request.maker_label) == (
            "staff",
            "1",
            "maker",
        )
        assert request.payload == {"until": "2025-04-01"}
        assert request.requested_at == now
        assert audit_actions(request) == ["approval.requested"]
        assert event_types(request) == ["approval.requested"]

    def test_the_audit_entry_names_the_action_and_target(self, ask):
        request = ask()
        entry = AuditEntry.objects.get(target_id=str(request.id))
        assert entry.after["action"] == "test.freeze"
        assert entry.after["target_id"] == "t-1"
        # The reason is free text that may name a person: it stays on the request (erasable);
        # the append-only trail records only that one was given.
        assert ApprovalRequest.objects.get(id=request.id).maker_reason == "suspicious activity"
        assert "reason" not in entry.after
        assert "suspicious activity" not in json.dumps(entry.after)
        assert (entry.after["reason_given"], entry.after["reason_length"]) == (True, 19)

    def test_refuses_an_unknown_action(self, freeze_log, now):
        with pytest.raises(ApprovalActionUnknown) as raised:
            approval_request(
                actor=MAKER, action="test.nothing", target_type="test.thing", target_id="1",
                payload={}, reason="because", now=now,
            )  # fmt: skip
        assert raised.value.code == "approval_action_unknown"
        assert not ApprovalRequest.objects.exists()

    @pytest.mark.parametrize("reason", ["", "   ", None])
    def test_refuses_an_empty_reason(self, ask, reason):
        with pytest.raises(ApprovalReasonRequired):
            ask(reason=reason)
        assert not ApprovalRequest.objects.exists()

    def test_refuses_an_overlong_reason(self, ask):
        with pytest.raises(ApprovalInputInvalid):
            ask(reason="x" * 1001)

    def test_refuses_a_payload_that_is_not_json(self, freeze_log, now):
        with pytest.raises(ApprovalInputInvalid):
            approval_request(
                actor=MAKER, action="test.freeze", target_type="test.thing", target_id="1",
                payload={"when": now}, reason="because", now=now,
            )  # fmt: skip

    def test_refuses_a_second_pending_request_for_the_same_target(self, ask):
        ask(target_id="t-1")
        with pytest.raises(ApprovalAlreadyPending) as raised:
            ask(target_id="t-1", actor=CHECKER)
        assert raised.value.status == 409
        assert ApprovalRequest.objects.count() == 1

    def test_allows_requests_for_other_targets(self, ask):
        ask(target_id="t-1")
        ask(target_id="t-2")
        assert ApprovalRequest.objects.count() == 2

    def test_allows_a_new_request_once_the_previous_one_was_decided(self, ask, now):
        first = ask()
        approval_decide(actor=CHECKER, request_id=first.id, approve=False, reason="no", now=now)
        second = ask()
        assert second.status == "pending"


class TestApprovalDecide:
    def test_approving_runs_the_action_and_records_the_checker(self, ask, freeze_log, now):
        request = ask()
        later = now + timedelta(hours=1)
        decided = approval_decide(
            actor=CHECKER, request_id=request.id, approve=True, reason="confirmed", now=later
        )
        assert freeze_log.calls == [("t-1", "checker")]
        stored = ApprovalRequest.objects.get(id=request.id)
        assert stored.status == decided.status == "approved"
        assert (stored.checker_id, stored.checker_reason, stored.decided_at) == (
            "2",
            "confirmed",
            later,
        )
        assert audit_actions(request) == ["approval.requested", "approval.approved"]
        assert event_types(request) == ["approval.requested", "approval.approved"]

    @pytest.mark.parametrize("approve", [True, False], ids=["approved", "rejected"])
    def test_the_checkers_reason_stays_on_the_request_not_in_the_trail(
        self, ask, freeze_log, now, approve
    ):
        request = ask()
        reason = "Called the customer back on their mobile"
        approval_decide(
            actor=CHECKER, request_id=request.id, approve=approve, reason=reason, now=now
        )

        entry = AuditEntry.objects.filter(target_id=str(request.id)).latest("id")
        assert ApprovalRequest.objects.get(id=request.id).checker_reason == reason
        assert reason not in json.dumps(entry.after)
        assert (entry.after["reason_given"], entry.after["reason_length"]) == (True, len(reason))

    def test_rejecting_does_not_run_the_action(self, ask, freeze_log, now):
        request = ask()
        approval_decide(actor=CHECKER, request_id=request.id, approve=False, reason="no", now=now)
        assert freeze_log.calls == []
        assert ApprovalRequest.objects.get(id=request.id).status == "rejected"
        assert audit_actions(request)[-1] == "approval.rejected"

    def test_the_maker_cannot_approve_their_own_request(self, ask, freeze_log, now):
        request = ask(actor=MAKER)
        with pytest.raises(MakerCannotCheck) as raised:
            approval_decide(actor=MAKER, request_id=request.id, approve=True, reason="ok", now=now)
        assert raised.value.code == "maker_cannot_check"
        assert raised.value.status == 403
        assert freeze_log.calls == []
        assert ApprovalRequest.objects.get(id=request.id).status == "pending"

    def test_the_maker_cannot_reject_their_own_request_either(self, ask, now):
        request = ask(actor=MAKER)
        with pytest.raises(MakerCannotCheck):
            approval_decide(actor=MAKER, request_id=request.id, approve=False, reason="x", now=now)

    def test_the_checker_needs_the_actions_permission(self, ask, freeze_log, now):
        request = ask()
        with pytest.raises(CheckerPermissionMissing) as raised:
            approval_decide(
                actor=OUTSIDER, request_id=request.id, approve=True, reason="ok", now=now
            )
        assert raised.value.details == {"required_permission": "test.approve_freeze"}
        assert freeze_log.calls == []

    def test_deciding_twice_is_a_conflict(self, ask, freeze_log, now):
        request = ask()
        approval_decide(actor=CHECKER, request_id=request.id, approve=True, reason="ok", now=now)
        with pytest.raises(ApprovalNotPending):
            approval_decide(
                actor=CHECKER, request_id=request.id, approve=False, reason="oops", now=now
            )
        assert freeze_log.calls == [("t-1", "checker")]

    def test_a_failing_action_leaves_the_request_pending_and_nothing_recorded(
        self, ask, freeze_log, now
    ):
        request = ask()
        freeze_log.fail_with = StillFrozen("already frozen")
        with pytest.raises(StillFrozen):
            approval_decide(
                actor=CHECKER, request_id=request.id, approve=True, reason="ok", now=now
            )
        stored = ApprovalRequest.objects.get(id=request.id)
        assert (stored.status, stored.checker_id, stored.decided_at) == ("pending", "", None)
        assert audit_actions(request) == ["approval.requested"]
        assert event_types(request) == ["approval.requested"]

    def test_an_empty_reason_is_refused(self, ask, now):
        request = ask()
        with pytest.raises(ApprovalReasonRequired):
            approval_decide(actor=CHECKER, request_id=request.id, approve=True, reason=" ", now=now)

    @pytest.mark.parametrize("request_id", ["00000000-0000-0000-0000-000000000000", "nope", 12])
    def test_an_unknown_request_is_not_found(self, freeze_log, now, request_id):
        with pytest.raises(ApprovalNotFound):
            approval_decide(actor=CHECKER, request_id=request_id, approve=True, reason="x", now=now)

    def test_the_database_refuses_a_maker_as_checker(self, ask):
        request = ask()
        with pytest.raises(IntegrityError), transaction.atomic():
            ApprovalRequest.objects.filter(id=request.id).update(
                status="approved", checker_kind="staff", checker_id="1"
            )


class TestApprovalCancel:
    def test_the_maker_cancels_a_pending_request(self, ask, now):
        request = ask()
        cancelled = approval_cancel(actor=MAKER, request_id=request.id, now=now)
        assert cancelled.status == "cancelled"
        assert ApprovalRequest.objects.get(id=request.id).status == "cancelled"
        assert audit_actions(request)[-1] == "approval.cancelled"
        assert event_types(request)[-1] == "approval.cancelled"

    def test_nobody_else_may_cancel(self, ask, now):
        request = ask()
        with pytest.raises(OnlyMakerCanCancel):
            approval_cancel(actor=CHECKER, request_id=request.id, now=now)
        assert ApprovalRequest.objects.get(id=request.id).status == "pending"

    def test_a_decided_request_cannot_be_cancelled(self, ask, now):
        request = ask()
        approval_decide(actor=CHECKER, request_id=request.id, approve=False, reason="no", now=now)
        with pytest.raises(ApprovalNotPending):
            approval_cancel(actor=MAKER, request_id=request.id, now=now)


class TestRegisterApprovalAction:
    def test_registering_the_same_action_twice_with_the_same_function_is_harmless(self, freeze_log):
        register_approval_action(
            "test.freeze", permission="test.approve_freeze", execute=freeze_log.execute
        )
        assert "test.freeze" in approvals.approval_actions()

    def test_registering_another_function_under_a_taken_name_is_refused(self, freeze_log):
        from django.core.exceptions import ImproperlyConfigured

        with pytest.raises(ImproperlyConfigured):
            register_approval_action("test.freeze", permission="x.y", execute=lambda **kwargs: None)
