"""A report's way to the authority: drafted, proposed by its maker, approved by a compliance
officer other than the maker (``risk.approve_reports``; maker-checker through
``hujin.core.approvals``), exported in the documented file and marked filed.

- While a draft, a suspicious-transaction report's narrative may be edited (the editor becomes
  its maker). A proposal asks approvals for ``risk.report_approve``; the checker's approval
  makes it ``approved``; a rejection (or the maker's withdrawal) puts it back to ``draft``, the
  checker's reason kept on the report.
- Large-value reports of one date may be proposed, approved and exported together
  (``risk.lv_reports_approve``; one file per date) as well as singly.
- Exporting builds the file, keeps its name, SHA-256 and encrypted text, and marks each report
  ``filed``; a filed report's file is downloaded again as it was filed — only by one who may see
  personal data (``customers.view_personal_data``: the file holds the full identity), each
  download audited (``risk.report_download``, with the customers it names), and never when the
  kept text no longer matches the SHA-256 taken at filing.
- A report ``proposed`` whose approval request is gone (rejected or withdrawn, the subscriber
  that puts it back to draft not yet run) may be proposed again.

Each write is one transaction with its audit entry and its event; the time comes in.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from hujin.core.actors import Actor, require_scope
from hujin.core.approvals import (
    ApprovalAlreadyPending,
    MakerCannotCheck,
    approval_get,
    approval_request,
)
from hujin.core.models import ApprovalRequest, ApprovalStatus
from hujin.customers.permissions import VIEW_PERSONAL_DATA
from hujin.risk import events
from hujin.risk.cases import clean_text
from hujin.risk.cases_work import NARRATIVE_MAX, NARRATIVE_MIN
from hujin.risk.errors import (
    CaseInvalid,
    ReportInvalid,
    ReportNotFound,
    ReportStateInvalid,
)
from hujin.risk.models_cases import LV, R_APPROVED, R_DRAFT, R_FILED, R_PROPOSED, STR, Report
from hujin.risk.permissions import APPROVE_REPORTS, WORK_ALERTS
from hujin.risk.reports_export import (
    ReportFile,
    file_build,
    file_kept,
    file_name,
    identity_for_filing,
)
from hujin.risk.reports_filing import approved_institution, batch_sequence, filed_file_download
from hujin.risk.reports_selectors import pending_request_of
from hujin.risk.reports_str import TARGET, report_recorded
from hujin.risk.rulebook import ACTOR, person_id

ACTION = "risk.report_approve"  # one report (payload: report_id, number, kind)
BATCH_ACTION = "risk.lv_reports_approve"  # a date's large-value reports (payload: on, ids)
BATCH_TARGET = "risk.lv_reports"  # target id: the date
# The narrative's limits are the case's (NARRATIVE_MIN, NARRATIVE_MAX from cases_work).


def _locked(report_id) -> Report:
    try:
        report = Report.objects.select_for_update().filter(id=report_id).first()
    except (ValidationError, ValueError, TypeError):
        report = None
    if report is None:
        raise ReportNotFound(details={"report_id": str(report_id)[:64]})
    return report


def _in_state(report: Report, *wanted: str) -> None:
    if report.state not in wanted:
        raise ReportStateInvalid(details={"number": report.number, "state": report.state,
                                          "wanted": list(wanted)})  # fmt: skip


def _makers(report: Report, actor: Actor) -> list[str]:
    """Everyone who wrote or proposed the report: none of them may approve it."""
    makers = report.content.get("makers", [])
    me = str(person_id(actor))
    return makers if me in makers else [*makers, me]


def _narrative(value) -> str:
    """The narrative cleaned as a case's is (``cases.clean_text``, the case's limits: line
    breaks kept; control characters, which the XML file cannot carry, refused)."""
    try:
        return clean_text(value, field="narrative", min_length=NARRATIVE_MIN,
                          max_length=NARRATIVE_MAX)  # fmt: skip
    except CaseInvalid as error:
        raise ReportInvalid(details=error.details) from None


def report_narrative_edit(*, actor: Actor, report_id, narrative: str, now: datetime) -> Report:
    """Replace a draft suspicious-transaction report's narrative (the editor becomes the
    maker). Raises PermissionDenied, ReportNotFound, ReportStateInvalid, ReportInvalid."""
    require_scope(actor, WORK_ALERTS)
    text = _narrative(narrative)
    with transaction.atomic():
        report = _locked(report_id)
        if report.kind != STR:
            raise ReportStateInvalid(details={"number": report.number, "kind": report.kind})
        _in_state(report, R_DRAFT)
        report.content = {**report.content, "narrative": text,
                          "makers": _makers(report, actor)}  # fmt: skip
        report.made_by, report.made_at = person_id(actor), now
        report.save(update_fields=["content", "made_by", "made_at"])
        report_recorded(actor, report, now, action="risk.report_edit",
                        event=events.REPORT_EDITED,
                        extra={"narrative_length": len(text)})  # fmt: skip
    return report


def _proposed(actor: Actor, report: Report, approval_id: str, now: datetime) -> None:
    before = {"state": report.state}
    report.state, report.made_by = R_PROPOSED, person_id(actor) or report.made_by
    kept = {k: v for k, v in report.content.items() if k != "rejection"}
    report.content = {**kept, "makers": _makers(report, actor)}
    report.save(update_fields=["state", "made_by", "content"])
    report_recorded(actor, report, now, action="risk.report_propose",
                    event=events.REPORT_PROPOSED, before=before,
                    extra={"approval_id": approval_id})  # fmt: skip


def report_propose(*, actor: Actor, report_id, reason: str, now: datetime) -> Report:
    """The maker asks a compliance officer to approve the draft — or a ``proposed`` report
    whose request is no longer pending (rejected or withdrawn before the subscriber put it back
    to draft). Raises PermissionDenied, ReportNotFound, ReportStateInvalid, ReportInvalid (an
    STR without a narrative), and the approvals' ApprovalReasonRequired /
    ApprovalAlreadyPending (its request, or its date's batch, still waits)."""
    require_scope(actor, WORK_ALERTS)
    with transaction.atomic():
        report = _locked(report_id)
        _in_state(report, R_DRAFT, R_PROPOSED)
        waiting = pending_request_of(report)
        if waiting is not None:
            raise ApprovalAlreadyPending(details={"id": str(waiting.id)})
        if report.kind == STR:
            _narrative(report.content.get("narrative"))
        request = approval_request(
            actor=actor, action=ACTION, target_type=TARGET, target_id=str(report.id),
            payload={"report_id": str(report.id), "number": report.number,
                     "kind": report.kind},
            reason=reason, now=now,
        )  # fmt: skip
        _proposed(actor, report, str(request.id), now)
    return report


def lv_reports_propose(*, actor: Actor, on: date, reason: str, now: datetime) -> list[Report]:
    """Propose every draft large-value report of the date ``on`` in one request. Raises
    PermissionDenied, ReportNotFound (no draft that day), the approvals' errors."""
    require_scope(actor, WORK_ALERTS)
    with transaction.atomic():
        drafts = list(Report.objects.select_for_update()
                      .filter(kind=LV, state=R_DRAFT, occurred_on=on).order_by("pk"))  # fmt: skip
        if not drafts:
            raise ReportNotFound(details={"on": on.isoformat(), "state": R_DRAFT})
        request = approval_request(
            actor=actor, action=BATCH_ACTION, target_type=BATCH_TARGET, target_id=on.isoformat(),
            payload={"on": on.isoformat(), "report_ids": [str(r.id) for r in drafts]},
            reason=reason, now=now,
        )  # fmt: skip
        for report in drafts:
            _proposed(actor, report, str(request.id), now)
    return drafts


def _approve(report: Report, *, request, actor: Actor, now: datetime) -> None:
    _in_state(report, R_PROPOSED)
    if str(person_id(actor)) in report.content.get("makers", []):
        raise MakerCannotCheck(details={"id": str(request.id), "number": report.number})
    report.state, report.approved_by, report.approved_at = R_APPROVED, person_id(actor), now
    report.save(update_fields=["state", "approved_by", "approved_at"])
    report_recorded(actor, report, now, action="risk.report_approve",
                    event=events.REPORT_APPROVED, before={"state": R_PROPOSED},
                    extra={"approval_id": str(request.id)})  # fmt: skip


def report_approve_execute(*, request, actor: Actor, now: datetime) -> None:
    """Run by approvals when a checker approves ``risk.report_approve`` (in its transaction).
    Raises ReportNotFound, ReportStateInvalid, MakerCannotCheck (then nothing is approved)."""
    _approve(_locked(request.payload.get("report_id")), request=request, actor=actor, now=now)


def lv_reports_approve_execute(*, request, actor: Actor, now: datetime) -> None:
    """Run by approvals for ``risk.lv_reports_approve``: every report of the request."""
    ids = sorted(request.payload.get("report_ids", []))
    reports = list(Report.objects.select_for_update().filter(id__in=ids).order_by("pk"))
    if len(reports) != len(ids):
        raise ReportNotFound(details={"on": request.payload.get("on")})
    for report in reports:
        _approve(report, request=request, actor=actor, now=now)


def report_proposal_closed(event) -> None:
    """approval.rejected / approval.cancelled of a report's request: its reports go back to
    ``draft``, a checker's reason kept on each (``content.rejection``) — but not a report
    proposed again meanwhile, whose new request waits. Idempotent."""
    payload = event.payload
    if payload.get("action") not in (ACTION, BATCH_ACTION):
        return
    request = approval_get(id=payload["approval_id"])
    ids = request.payload.get("report_ids") or [request.payload.get("report_id")]
    rejected = payload.get("status") == ApprovalStatus.REJECTED
    with transaction.atomic():
        waiting = ApprovalRequest.objects.filter(
            target_type=request.target_type, target_id=request.target_id,
            status=ApprovalStatus.PENDING,
        )  # fmt: skip
        if waiting.exists():
            return
        for report in Report.objects.select_for_update().filter(id__in=ids, state=R_PROPOSED):
            if pending_request_of(report) is not None:
                continue  # proposed again meanwhile (report_propose): its new request waits
            report.state = R_DRAFT
            if rejected:
                report.content = {**report.content, "rejection": {
                    "reason": request.checker_reason, "by": request.checker_label,
                    "at": (request.decided_at or event.occurred_at).isoformat()}}  # fmt: skip
            report.save(update_fields=["state", "content"])
            report_recorded(ACTOR, report, event.occurred_at, action="risk.report_reopen",
                            event=events.REPORT_REJECTED, before={"state": R_PROPOSED},
                            extra={"approval_id": str(request.id)})  # fmt: skip


def _filed(actor: Actor, reports: list[Report], *, on: date | None, now: datetime) -> ReportFile:
    institution = approved_institution(reports)
    identities = {
        str(c): identity_for_filing(actor=actor, customer_id=c, now=now)
        for c in sorted({r.customer_id for r in reports}, key=str)
    }
    sequence = batch_sequence(institution["code"], on) if on is not None else 1
    name = file_name(reports, institution=institution["code"], on=on, sequence=sequence)
    built = file_build(reports, identities, institution=institution, name=name, now=now)
    kept = file_kept(built)
    for report in reports:
        before = {"state": report.state}
        report.state, report.filed_at = R_FILED, now
        report.export_name, report.export_sha256 = built.name, built.sha256
        report.content = {**report.content, "file": kept}
        report.save(update_fields=["state", "filed_at", "export_name", "export_sha256",
                                   "content"])  # fmt: skip
        extra = {"export_name": built.name, "export_sha256": built.sha256}
        report_recorded(actor, report, now, action="risk.report_file", event=events.REPORT_FILED,
                        before=before, extra=extra)  # fmt: skip
    return built


def report_export(*, actor: Actor, report_id, now: datetime) -> ReportFile:
    """The approved report's file; the report becomes ``filed``. A filed report's file is given
    again as filed (``filed_file_download``). Raises PermissionDenied (either way without the
    personal-data permission), ReportNotFound, ReportStateInvalid, ReportFileAltered, and
    customers' CustomerNotFound, ReportIdentityUnverified."""
    require_scope(actor, APPROVE_REPORTS)
    require_scope(actor, VIEW_PERSONAL_DATA)
    with transaction.atomic():
        report = _locked(report_id)
        if report.state == R_FILED:
            return filed_file_download(actor, report, now)
        _in_state(report, R_APPROVED)
        return _filed(actor, [report], on=None, now=now)


def lv_reports_export(*, actor: Actor, on: date, now: datetime) -> ReportFile:
    """One file of every approved large-value report of the date ``on`` (the date's next
    batch file); each becomes ``filed``. Raises PermissionDenied, ReportNotFound (none approved
    that day), ReportStateInvalid, customers' CustomerNotFound, ReportIdentityUnverified."""
    require_scope(actor, APPROVE_REPORTS)
    require_scope(actor, VIEW_PERSONAL_DATA)
    with transaction.atomic():
        approved = Report.objects.filter(kind=LV, state=R_APPROVED, occurred_on=on)
        reports = list(approved.select_for_update().order_by("number"))
        if not reports:
            raise ReportNotFound(details={"on": on.isoformat(), "state": R_APPROVED})
        return _filed(actor, reports, on=on, now=now)
