"""Registrations of the reports to the authority: suspicious-transaction and large-value.

The permission of their checker (``risk.approve_reports``, on the report's content type), the
maker-checker actions (one report; a date's large-value reports), the closing of a rejected or
withdrawn proposal, the close-of-business step that writes the large-value reports, and the
words and pages of the console."""


def register() -> None:
    """Called once from the app's ``ready``."""
    from hujin.core.approvals import register_approval_action
    from hujin.core.cob import register_cob_step
    from hujin.core.cob_labels import cob_step_label_register
    from hujin.core.events import event_subscribe
    from hujin.identity.roles import permission_declare
    from hujin.risk import reports, reports_lv, reports_navigation
    from hujin.risk.permissions import APPROVE_REPORTS

    permission_declare(APPROVE_REPORTS, model="report",
                       name="Can approve and file reports to the authority")  # fmt: skip
    register_approval_action(
        reports.ACTION, permission=APPROVE_REPORTS, execute=reports.report_approve_execute,
        describe=reports_navigation.report_request_describe,
        label=reports_navigation.APPROVAL_LABEL,
    )  # fmt: skip
    register_approval_action(
        reports.BATCH_ACTION, permission=APPROVE_REPORTS,
        execute=reports.lv_reports_approve_execute,
        describe=reports_navigation.batch_request_describe,
        label=reports_navigation.BATCH_APPROVAL_LABEL,
    )  # fmt: skip
    for event_type in ("approval.rejected", "approval.cancelled"):
        event_subscribe(event_type, reports.report_proposal_closed,
                        name="risk.report_proposal_closed")  # fmt: skip
    register_cob_step(name=reports_lv.STEP, order=reports_lv.ORDER,
                      func=reports_lv.cob_large_value_reports)  # fmt: skip
    cob_step_label_register(reports_lv.STEP, reports_navigation.COB_LABEL)
    reports_navigation.register()
