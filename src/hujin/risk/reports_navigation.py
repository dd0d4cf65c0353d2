"""Where the reports to the authority appear: "Reports to the authority" in the console's risk
and compliance area (the reports not yet filed as its waiting work); a report's kind and state
as badges; the approvals inbox's line for a report (or a date's large-value reports); the audit
actions and a report as the audit trail's object, linked to its page."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext_lazy, pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.ids import uuids_parsed
from hujin.core.links import TargetLink, audit_action_label_register, target_type_register
from hujin.core.navigation import AREA_RISK, console_entry_register, url_if_mounted
from hujin.core.statuses import TONE_INFO, TONE_MUTED, TONE_SUCCESS, TONE_WARNING, status_register
from hujin.risk.models_cases import LV, R_APPROVED, R_DRAFT, R_FILED, R_PROPOSED, STR, Report
from hujin.risk.permissions import VIEW_RISK

KINDS = {
    STR: pgettext_lazy("report kind", "Suspicious transaction"),
    LV: pgettext_lazy("report kind", "Large value"),
}
STATES = {
    R_DRAFT: (pgettext_lazy("report", "Draft"), TONE_MUTED),
    R_PROPOSED: (pgettext_lazy("report", "Waiting for approval"), TONE_WARNING),
    R_APPROVED: (pgettext_lazy("report", "Approved, to file"), TONE_INFO),
    R_FILED: (pgettext_lazy("report", "Filed"), TONE_SUCCESS),
}
AUDIT_ACTION_LABELS = {
    "risk.report_draft": pgettext_lazy("audit action", "Report to the authority drafted"),
    "risk.report_edit": pgettext_lazy("audit action", "Report's narrative edited"),
    "risk.report_propose": pgettext_lazy("audit action", "Report proposed for approval"),
    "risk.report_approve": pgettext_lazy("audit action", "Report approved"),
    "risk.report_reopen": pgettext_lazy("audit action", "Report back to draft"),
    "risk.report_file": pgettext_lazy("audit action", "Report exported and filed"),
    "risk.report_download": pgettext_lazy("audit action", "Filed report downloaded again"),
}
MOVEMENT_STATUSES = {
    "completed": pgettext_lazy("movement status", "Completed"),
    "held": pgettext_lazy("movement status", "Held for review"),
    "pending": pgettext_lazy("movement status", "In progress"),
    "failed": pgettext_lazy("movement status", "Failed"),
    "refused": pgettext_lazy("movement status", "Refused"),
}
APPROVAL_LABEL = gettext_lazy("Report to the authority")
BATCH_APPROVAL_LABEL = gettext_lazy("A day's large-value reports")
COB_LABEL = pgettext_lazy("cob step", "Write the day's large-value reports")


def state_key(state: str) -> str:
    """A report's state in the shared vocabulary of badges."""
    return f"risk.report.{state}"


def kind_label(kind: str) -> str:
    return str(KINDS.get(kind, kind))


def report_request_describe(request) -> str:
    """The inbox's line for one report: its kind, number, due date."""
    payload = request.payload or {}
    report = Report.objects.filter(id=payload.get("report_id")).first()
    if report is None:
        return str(payload.get("number", "?"))
    return _("%(kind)s report %(number)s, due %(due)s") % {
        "kind": kind_label(report.kind), "number": report.number,
        "due": report.due_on.isoformat(),
    }  # fmt: skip


def batch_request_describe(request) -> str:
    payload = request.payload or {}
    count = len(payload.get("report_ids", []))
    return _("Large-value reports of %(on)s: %(count)d") % {
        "on": payload.get("on", "?"), "count": count,
    }  # fmt: skip


def reports_waiting_count(actor: Actor) -> int:
    from hujin.risk.reports_selectors import reports_waiting_count as count

    return count(actor=actor)


def report_targets(actor: Actor, target_ids: list[str]) -> dict[str, TargetLink]:
    ids = uuids_parsed(target_ids)
    rows = Report.objects.filter(id__in=list(ids.values())).only("id", "number")
    found = {r.id: r for r in rows}
    may_open = actor.has_scope(VIEW_RISK)
    return {
        raw: TargetLink(
            found[key].number,
            url=(url_if_mounted("risk:report", [key]) or "") if may_open else "",
        )
        for raw, key in ids.items()
        if key in found
    }


def register() -> None:
    console_entry_register(
        key="risk.reports", area=AREA_RISK, label=gettext_lazy("Reports to the authority"),
        url_name="risk:reports", permission=VIEW_RISK, order=30,
        waiting=reports_waiting_count,
        waiting_label=ngettext_lazy(
            "%(n)d report to the authority is not filed yet",
            "%(n)d reports to the authority are not filed yet", "n",
        ),
    )  # fmt: skip
    for state, (label, tone) in STATES.items():
        status_register(state_key(state), label, tone)
    for action, label in AUDIT_ACTION_LABELS.items():
        audit_action_label_register(action, label)
    target_type_register("risk.report",
                         label=pgettext_lazy("audit target", "Report to the authority"),
                         resolve=report_targets)  # fmt: skip


def page_words() -> dict:
    """The words the reports' pages put for kinds of report and movements' statuses (a
    movement's kind and direction: the ``risk_words`` filters)."""
    return {"report_kinds": KINDS, "movement_statuses": MOVEMENT_STATUSES}
