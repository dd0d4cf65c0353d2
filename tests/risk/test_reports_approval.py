"""A report's maker-checker: the maker edits the narrative while a draft and proposes it; a
compliance officer other than the maker (and other than whoever wrote it) approves it, or
rejects it back to draft with the reason on the report; bad input changes nothing."""

import uuid
from datetime import timedelta

import pytest

from hujin.core.approvals import (
    ApprovalAlreadyPending,
    ApprovalReasonRequired,
    CheckerPermissionMissing,
    MakerCannotCheck,
    approval_cancel,
    approval_decide,
)
from hujin.core.errors import PermissionDenied
from hujin.core.events import outbox_dispatch
from hujin.core.models import ApprovalRequest, AuditEntry, OutboxEvent
from hujin.risk.cases_work import NARRATIVE_MAX
from hujin.risk.errors import ReportInvalid, ReportNotFound, ReportStateInvalid
from hujin.risk.models_cases import Report
from hujin.risk.reports import report_narrative_edit, report_propose
from hujin.risk.reports_str import str_draft_from_case
from tests.risk.reports_helpers import (
    ANALYST,
    NARRATIVE,
    OFFICER,
    READER,
    SECOND_OFFICER,
    closed_case,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(now) -> Report:
    case = closed_case(uuid.uuid4(), opened_at=now - timedelta(days=2), closed_at=now)
    return str_draft_from_case(actor=ANALYST, case=case, now=now)


def pending(report) -> ApprovalRequest:
    return ApprovalRequest.objects.get(target_id=str(report.id), status="pending")


def proposed(report, now, *, maker=ANALYST) -> Report:
    report_propose(actor=maker, report_id=report.id, reason="ready to file", now=now)
    report.refresh_from_db()
    return report


def snapshot(report):
    report.refresh_from_db()
    return (report.state, report.content, report.made_by, AuditEntry.objects.count(),
            OutboxEvent.objects.count())  # fmt: skip


class TestTheNarrative:
    @pytest.mark.parametrize("control", ["\x0b", "\x00", "\x1f", "\ufffe"])
    def test_a_narrative_with_a_control_character_is_refused_and_changes_nothing(
        self, draft, now, control
    ):
        before = snapshot(draft)

        with pytest.raises(ReportInvalid) as raised:
            report_narrative_edit(actor=ANALYST, report_id=draft.id,
                                  narrative=NARRATIVE + control + " More.", now=now)  # fmt: skip

        assert raised.value.details["field"] == "narrative"
        assert raised.value.details["problem"] == "control_characters"
        assert snapshot(draft) == before

    def test_the_narrative_is_cleaned_as_the_case_s_is(self, draft, now):
        report_narrative_edit(actor=ANALYST, report_id=draft.id,
                              narrative=NARRATIVE + "\n\n  Seen\tagain.", now=now)  # fmt: skip

        draft.refresh_from_db()
        assert draft.content["narrative"] == NARRATIVE + "\n\nSeen again."

    def test_the_maker_rewrites_it_while_a_draft(self, draft, now):
        report_narrative_edit(actor=ANALYST, report_id=draft.id,
                              narrative="  " + NARRATIVE + " Rewritten.  ", now=now)  # fmt: skip

        draft.refresh_from_db()
        assert draft.content["narrative"] == NARRATIVE + " Rewritten."
        assert AuditEntry.objects.filter(action="risk.report_edit").count() == 1
        assert OutboxEvent.objects.filter(event_type="risk.report_edited").count() == 1

    @pytest.mark.parametrize("text", ["", "too short", "x" * (NARRATIVE_MAX + 1)])
    def test_a_narrative_too_short_or_too_long_changes_nothing(self, draft, now, text):
        before = snapshot(draft)

        with pytest.raises(ReportInvalid) as raised:
            report_narrative_edit(actor=ANALYST, report_id=draft.id, narrative=text, now=now)

        assert raised.value.details["field"] == "narrative"
        assert snapshot(draft) == before

    def test_it_is_fixed_once_proposed(self, draft, now):
        proposed(draft, now)

        with pytest.raises(ReportStateInvalid):
            report_narrative_edit(actor=ANALYST, report_id=draft.id, narrative=NARRATIVE, now=now)

    def test_a_reader_may_not_edit_it(self, draft, now):
        with pytest.raises(PermissionDenied):
            report_narrative_edit(actor=READER, report_id=draft.id, narrative=NARRATIVE, now=now)

    def test_an_unknown_report_is_not_found(self, now):
        with pytest.raises(ReportNotFound):
            report_narrative_edit(actor=ANALYST, report_id="not-an-id", narrative=NARRATIVE,
                                  now=now)  # fmt: skip


class TestProposingAndApproving:
    def test_a_checker_approves_what_the_maker_proposed(self, draft, now):
        proposed(draft, now)
        assert draft.state == "proposed"

        approval_decide(actor=OFFICER, request_id=pending(draft).id, approve=True,
                        reason="checked against the case", now=now)  # fmt: skip

        draft.refresh_from_db()
        assert draft.state == "approved"
        assert str(draft.approved_by) == OFFICER.id and draft.approved_at == now
        assert AuditEntry.objects.filter(action="risk.report_approve").count() == 1
        assert OutboxEvent.objects.filter(event_type="risk.report_approved").count() == 1

    def test_the_maker_cannot_approve_their_own_report(self, draft, now):
        proposed(draft, now, maker=OFFICER)

        with pytest.raises(MakerCannotCheck):
            approval_decide(actor=OFFICER, request_id=pending(draft).id, approve=True,
                            reason="mine", now=now)  # fmt: skip

        draft.refresh_from_db()
        assert draft.state == "proposed" and draft.approved_by is None

    def test_whoever_wrote_the_narrative_cannot_approve_it_either(self, draft, now):
        report_narrative_edit(actor=OFFICER, report_id=draft.id, narrative=NARRATIVE, now=now)
        proposed(draft, now, maker=ANALYST)

        with pytest.raises(MakerCannotCheck):
            approval_decide(actor=OFFICER, request_id=pending(draft).id, approve=True,
                            reason="looks fine", now=now)  # fmt: skip

        draft.refresh_from_db()
        assert draft.state == "proposed"
        approval_decide(actor=SECOND_OFFICER, request_id=pending(draft).id, approve=True,
                        reason="checked", now=now)  # fmt: skip
        draft.refresh_from_db()
        assert draft.state == "approved"

    def test_an_analyst_without_the_permission_cannot_check(self, draft, now):
        proposed(draft, now, maker=OFFICER)

        with pytest.raises(CheckerPermissionMissing):
            approval_decide(actor=ANALYST, request_id=pending(draft).id, approve=True,
                            reason="ok", now=now)  # fmt: skip

    def test_a_proposal_without_a_reason_changes_nothing(self, draft, now):
        before = snapshot(draft)

        with pytest.raises(ApprovalReasonRequired):
            report_propose(actor=ANALYST, report_id=draft.id, reason=" ", now=now)

        assert snapshot(draft) == before and not ApprovalRequest.objects.exists()

    def test_a_report_without_a_narrative_cannot_be_proposed(self, now):
        case = closed_case(uuid.uuid4(), opened_at=now - timedelta(days=1), closed_at=now,
                           narrative="")  # fmt: skip
        report = str_draft_from_case(actor=ANALYST, case=case, now=now)

        with pytest.raises(ReportInvalid):
            report_propose(actor=ANALYST, report_id=report.id, reason="file it", now=now)

        assert not ApprovalRequest.objects.exists()

    def test_a_proposed_report_is_not_proposed_again_while_its_request_waits(self, draft, now):
        proposed(draft, now)

        with pytest.raises(ApprovalAlreadyPending):
            report_propose(actor=ANALYST, report_id=draft.id, reason="again", now=now)

        assert ApprovalRequest.objects.filter(status="pending").count() == 1

    def test_a_proposed_report_whose_request_was_rejected_may_be_proposed_again(self, draft, now):
        proposed(draft, now)
        # Rejected, but the subscriber that puts the report back to draft has not run yet.
        ApprovalRequest.objects.filter(status="pending").update(status="rejected")
        draft.refresh_from_db()
        assert draft.state == "proposed"

        report_propose(actor=ANALYST, report_id=draft.id, reason="once more", now=now)

        draft.refresh_from_db()
        assert draft.state == "proposed"
        assert ApprovalRequest.objects.filter(status="pending").count() == 1
        entry = AuditEntry.objects.filter(action="risk.report_propose").order_by("-pk").first()
        assert entry.before == {"state": "proposed"}


class TestRejectingAndWithdrawing:
    def test_a_rejection_puts_it_back_to_draft_with_the_checker_s_reason(self, draft, now):
        proposed(draft, now)

        approval_decide(actor=OFFICER, request_id=pending(draft).id, approve=False,
                        reason="name the receiving account", now=now)  # fmt: skip
        outbox_dispatch(now=now)

        draft.refresh_from_db()
        assert draft.state == "draft"
        assert draft.content["rejection"]["reason"] == "name the receiving account"
        assert draft.content["rejection"]["by"] == OFFICER.label
        assert AuditEntry.objects.filter(action="risk.report_reopen").count() == 1
        report_narrative_edit(actor=ANALYST, report_id=draft.id, narrative=NARRATIVE, now=now)
        proposed(draft, now)
        assert "rejection" not in draft.content

    def test_a_withdrawn_proposal_puts_the_draft_back_without_a_reason(self, draft, now):
        proposed(draft, now)

        approval_cancel(actor=ANALYST, request_id=pending(draft).id, now=now)
        outbox_dispatch(now=now)

        draft.refresh_from_db()
        assert draft.state == "draft" and "rejection" not in draft.content

    def test_the_closing_is_idempotent(self, draft, now):
        from hujin.risk.reports import report_proposal_closed

        proposed(draft, now)
        request = pending(draft)
        approval_decide(actor=OFFICER, request_id=request.id, approve=False, reason="no",
                        now=now)  # fmt: skip
        outbox_dispatch(now=now)
        event = OutboxEvent.objects.get(event_type="approval.rejected")

        report_proposal_closed(event)  # delivered again: the outbox row carries the same fields

        assert AuditEntry.objects.filter(action="risk.report_reopen").count() == 1
