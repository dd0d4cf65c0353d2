"""Putting a version in force through maker-checker: proposed by one analyst, approved by
another, in shadow first and then live; the one it replaces retired; the generation raised with
every change, so the rules in force are read again; a rejected proposal left rejected."""

from dataclasses import replace

import pytest

from hujin.core.approvals import MakerCannotCheck, approval_cancel, approval_decide
from hujin.core.approvals.errors import ApprovalReasonRequired, CheckerPermissionMissing
from hujin.core.errors import PermissionDenied
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.core.outbox import outbox_dispatch
from hujin.risk import events
from hujin.risk.errors import RuleInvalid, RuleNotFound, RuleStateInvalid
from hujin.risk.inforce import generation_read, rules_in_force
from hujin.risk.models import RuleVersion
from hujin.risk.permissions import APPROVE_RULES
from hujin.risk.services import rule_retire, rule_version_propose
from tests.risk.rulebook_support import (
    CHECKER,
    MAKER,
    READER,
    approved,
    pending_request,
    written,
)

pytestmark = pytest.mark.django_db


def _in_force() -> dict[str, tuple[int, str]]:
    return {rule.key: (rule.number, rule.mode) for rule in rules_in_force().rules}


class TestProposing:
    def test_a_draft_proposed_goes_proposed_and_waits_in_the_approvals(self, now):
        version = written(now)

        rule_version_propose(actor=MAKER, version_id=version.id, target="shadow",
                             reason="try it on real traffic", now=now)  # fmt: skip

        version.refresh_from_db()
        assert (version.state, version.proposed_state) == ("proposed", "shadow")
        request = pending_request(version)
        assert request.action == "risk.rule_put_in_force" and request.maker_id == MAKER.id
        assert request.payload == {"version_id": str(version.id), "code": "BIG-OUT",
                                   "number": 1, "target": "shadow"}  # fmt: skip
        assert AuditEntry.objects.filter(action="risk.rule_version_proposed").count() == 1
        assert OutboxEvent.objects.filter(event_type=events.RULE_VERSION_PROPOSED).count() == 1
        assert generation_read() == 0 and _in_force() == {}

    def test_needs_a_reason_a_known_target_and_the_right_to_write(self, now):
        version = written(now)

        with pytest.raises(ApprovalReasonRequired):
            rule_version_propose(actor=MAKER, version_id=version.id, target="live", reason=" ",
                                 now=now)  # fmt: skip
        with pytest.raises(RuleInvalid):
            rule_version_propose(actor=MAKER, version_id=version.id, target="retired",
                                 reason="why", now=now)  # fmt: skip
        with pytest.raises(PermissionDenied):
            rule_version_propose(actor=READER, version_id=version.id, target="live",
                                 reason="why", now=now)  # fmt: skip
        with pytest.raises(RuleNotFound):
            rule_version_propose(actor=MAKER, version_id="not-an-id", target="live",
                                 reason="why", now=now)  # fmt: skip
        version.refresh_from_db()
        assert version.state == "draft" and not version.proposed_state

    def test_a_version_already_proposed_cannot_be_proposed_again(self, now):
        version = written(now)
        rule_version_propose(actor=MAKER, version_id=version.id, target="shadow", reason="try",
                             now=now)  # fmt: skip

        with pytest.raises(RuleStateInvalid):
            rule_version_propose(actor=MAKER, version_id=version.id, target="live",
                                 reason="now", now=now)  # fmt: skip


class TestApproving:
    def test_the_maker_can_never_check_their_own_proposal(self, now):
        version = written(now)
        rule_version_propose(actor=MAKER, version_id=version.id, target="live", reason="go",
                             now=now)  # fmt: skip

        with pytest.raises(MakerCannotCheck):
            approval_decide(actor=MAKER, request_id=pending_request(version).id, approve=True,
                            reason="looks fine to me", now=now)  # fmt: skip

        version.refresh_from_db()
        assert version.state == "proposed" and generation_read() == 0

    def test_a_checker_without_the_permission_cannot_approve(self, now):
        version = written(now)
        rule_version_propose(actor=MAKER, version_id=version.id, target="live", reason="go",
                             now=now)  # fmt: skip

        with pytest.raises(CheckerPermissionMissing):
            approval_decide(actor=READER, request_id=pending_request(version).id, approve=True,
                            reason="fine", now=now)  # fmt: skip

    def test_approved_for_shadow_it_is_tried_and_the_generation_rises(self, now):
        version = approved(written(now), "shadow", now)

        assert version.state == "shadow" and version.proposed_state == ""
        assert str(version.decided_by) == CHECKER.id and version.decided_at == now
        assert generation_read() == 1
        assert _in_force() == {"BIG-OUT@shadow": (1, "shadow")}
        change = OutboxEvent.objects.get(event_type=events.RULE_IN_FORCE_CHANGED)
        assert change.payload["changes"] == [
            {"version_id": str(version.id), "number": 1, "from": "proposed", "to": "shadow"}
        ]
        assert AuditEntry.objects.filter(action="risk.rule_in_force_changed").count() == 1

    def test_the_shadow_version_put_live_frees_the_shadow_slot(self, now):
        version = approved(written(now), "shadow", now)

        rule_version_propose(actor=MAKER, version_id=version.id, target="live",
                             reason="a week of shadow looked right", now=now)  # fmt: skip
        version.refresh_from_db()
        assert version.state == "shadow" and version.proposed_state == "live"  # still tried
        approval_decide(actor=CHECKER, request_id=pending_request(version).id, approve=True,
                        reason="agreed", now=now)  # fmt: skip

        version.refresh_from_db()
        assert version.state == "live" and generation_read() == 2
        assert _in_force() == {"BIG-OUT": (1, "live")}

    def test_a_new_version_tried_in_shadow_beside_the_live_one_then_replacing_it(self, now):
        first = approved(written(now), "live", now)
        second = approved(written(now, score=45), "shadow", now)

        assert _in_force() == {"BIG-OUT": (1, "live"), "BIG-OUT@shadow": (2, "shadow")}
        second = approved(second, "live", now)

        first.refresh_from_db()
        assert (first.state, second.state) == ("retired", "live")
        assert _in_force() == {"BIG-OUT": (2, "live")} and generation_read() == 3
        change = OutboxEvent.objects.filter(event_type=events.RULE_IN_FORCE_CHANGED).last()
        assert [(c["number"], c["from"], c["to"]) for c in change.payload["changes"]] == [
            (1, "live", "retired"), (2, "shadow", "live"),
        ]  # fmt: skip

    def test_a_new_shadow_version_retires_the_one_in_shadow(self, now):
        first = approved(written(now), "shadow", now)
        second = approved(written(now, score=45), "shadow", now)

        first.refresh_from_db()
        assert (first.state, second.state) == ("retired", "shadow")
        assert _in_force() == {"BIG-OUT@shadow": (2, "shadow")}

    def test_a_version_moved_meanwhile_is_not_approved(self, now):
        version = written(now)
        rule_version_propose(actor=MAKER, version_id=version.id, target="live", reason="go",
                             now=now)  # fmt: skip
        RuleVersion.objects.filter(id=version.id).update(state="retired")

        with pytest.raises(RuleStateInvalid):
            approval_decide(actor=CHECKER, request_id=pending_request(version).id,
                            approve=True, reason="ok", now=now)  # fmt: skip
        assert pending_request(version) and generation_read() == 0


class TestRejectingAndWithdrawing:
    def _proposed(self, now, target="live"):
        version = written(now)
        rule_version_propose(actor=MAKER, version_id=version.id, target=target, reason="go",
                             now=now)  # fmt: skip
        return version

    def test_a_rejected_proposal_leaves_the_version_rejected(
        self, now, django_capture_on_commit_callbacks
    ):
        version = self._proposed(now)

        approval_decide(actor=CHECKER, request_id=pending_request(version).id, approve=False,
                        reason="the threshold is too low", now=now)  # fmt: skip
        outbox_dispatch(now=now)

        version.refresh_from_db()
        assert (version.state, version.proposed_state) == ("rejected", "")
        assert str(version.decided_by) == CHECKER.id
        assert generation_read() == 0
        assert AuditEntry.objects.filter(action="risk.rule_proposal_closed").count() == 1

    def test_a_withdrawn_proposal_puts_the_draft_back(self, now):
        version = self._proposed(now)

        approval_cancel(actor=MAKER, request_id=pending_request(version).id, now=now)
        outbox_dispatch(now=now)

        version.refresh_from_db()
        assert (version.state, version.proposed_state) == ("draft", "")
        rule_version_propose(actor=MAKER, version_id=version.id, target="shadow",
                             reason="shadow first", now=now)  # fmt: skip

    def test_a_rejected_move_of_a_version_in_force_leaves_it_in_force(self, now):
        version = approved(written(now), "shadow", now)
        rule_version_propose(actor=MAKER, version_id=version.id, target="live", reason="go",
                             now=now)  # fmt: skip

        approval_decide(actor=CHECKER, request_id=pending_request(version).id, approve=False,
                        reason="not yet", now=now)  # fmt: skip
        outbox_dispatch(now=now)

        version.refresh_from_db()
        assert (version.state, version.proposed_state) == ("shadow", "")


class TestRetiring:
    def test_turning_a_live_rule_off_needs_a_checker_too(self, now):
        version = approved(written(now), "live", now)

        rule_retire(actor=MAKER, code="BIG-OUT", state="live", reason="replaced by a list",
                    now=now)  # fmt: skip
        version.refresh_from_db()
        assert version.state == "live" and version.proposed_state == "retired"
        assert _in_force() == {"BIG-OUT": (1, "live")}
        with pytest.raises(MakerCannotCheck):
            approval_decide(actor=MAKER, request_id=pending_request(version).id, approve=True,
                            reason="mine", now=now)  # fmt: skip
        approval_decide(actor=CHECKER, request_id=pending_request(version).id, approve=True,
                        reason="agreed", now=now)  # fmt: skip

        version.refresh_from_db()
        assert version.state == "retired" and generation_read() == 2 and _in_force() == {}

    def test_a_rule_with_nothing_in_that_state_cannot_be_retired(self, now):
        approved(written(now), "shadow", now)

        with pytest.raises(RuleNotFound):
            rule_retire(actor=MAKER, code="BIG-OUT", state="live", reason="off", now=now)
        with pytest.raises(RuleInvalid):
            rule_retire(actor=MAKER, code="BIG-OUT", state="draft", reason="off", now=now)
        with pytest.raises(PermissionDenied):
            rule_retire(actor=READER, code="BIG-OUT", state="shadow", reason="off", now=now)

    def test_a_checker_who_may_only_approve_can_decide(self, now):
        compliance = replace(READER, scopes=frozenset({APPROVE_RULES}))
        version = written(now)
        rule_version_propose(actor=MAKER, version_id=version.id, target="live", reason="go",
                             now=now)  # fmt: skip

        approval_decide(actor=compliance, request_id=pending_request(version).id, approve=True,
                        reason="ok", now=now)  # fmt: skip

        version.refresh_from_db()
        assert version.state == "live"
