# ruff: noqa: F811 -- the fixtures imported from approvals_support are redefined as arguments
import pytest

from hujin.core.actors import Actor
from hujin.core.approvals import (
    ApprovalNotFound,
    PermissionDenied,
    approval_decide,
    approval_describe,
    approval_get,
    approval_label,
    approval_may_decide,
    approvals_decided,
    approvals_pending,
    approvals_requested_by,
)
from tests.core.approvals_support import (  # noqa: F401 -- fixtures
    CHECKER,
    MAKER,
    OUTSIDER,
    ask,
    freeze_log,
)

pytestmark = pytest.mark.django_db


class TestApprovalsPending:
    def test_lists_what_a_checker_may_decide(self, ask):
        request = ask()
        assert [r.id for r in approvals_pending(actor=CHECKER)] == [request.id]

    def test_leaves_out_the_actors_own_requests(self, ask):
        ask(actor=MAKER)
        assert approvals_pending(actor=MAKER) == []

    def test_leaves_out_actions_the_actor_may_not_decide(self, ask):
        ask()
        assert approvals_pending(actor=OUTSIDER) == []

    def test_leaves_out_decided_requests(self, ask, now):
        request = ask()
        approval_decide(actor=CHECKER, request_id=request.id, approve=False, reason="no", now=now)
        assert approvals_pending(actor=CHECKER) == []

    def test_filters_by_action(self, ask):
        ask()
        assert approvals_pending(actor=CHECKER, action="other.action") == []
        assert len(approvals_pending(actor=CHECKER, action="test.freeze")) == 1


class TestApprovalSelectors:
    def test_get_returns_the_request(self, ask):
        request = ask()
        assert approval_get(id=request.id).id == request.id

    @pytest.mark.parametrize("bad", ["00000000-0000-0000-0000-000000000000", "not-a-uuid"])
    def test_get_of_an_unknown_id_is_not_found(self, db, bad):
        with pytest.raises(ApprovalNotFound):
            approval_get(id=bad)

    def test_requested_by_lists_the_makers_pending_requests(self, ask):
        request = ask(actor=MAKER)
        assert [r.id for r in approvals_requested_by(actor=MAKER)] == [request.id]
        assert approvals_requested_by(actor=CHECKER) == []

    def test_may_decide_follows_the_rules(self, ask):
        request = ask(actor=MAKER)
        assert approval_may_decide(request, actor=CHECKER)
        assert not approval_may_decide(request, actor=MAKER)
        assert not approval_may_decide(request, actor=OUTSIDER)

    def test_describe_and_label_come_from_the_registration(self, ask):
        request = ask(target_id="t-9")
        assert approval_describe(request) == "Freeze t-9"
        assert approval_label("test.freeze") == "Freeze a test thing"
        assert approval_label("gone.action") == "gone.action"

    def test_decided_needs_the_view_permission(self, ask, now):
        request = ask()
        approval_decide(actor=CHECKER, request_id=request.id, approve=True, reason="ok", now=now)
        viewer = Actor(kind="staff", id="5", scopes=frozenset({"core.view_approvals"}))
        assert [r.id for r in approvals_decided(actor=viewer)] == [request.id]
        with pytest.raises(PermissionDenied):
            approvals_decided(actor=OUTSIDER)
