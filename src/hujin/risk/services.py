"""The risk module's writes (its public face): the rule store, the screening lists, the alerts'
triage, cases.

A rule's version is written as a draft, proposed for shadow or live, and put there (or retired)
by a checker in the approvals inbox; the shipped rules are the house's initial set, put in force
by the system. See ``rulebook`` and ``rulebook_shipped``. A list is imported as a new version
and every customer screened against it; a party (a customer, a payee) is screened on its own.
See ``lists`` and ``lists_screening``. The reports to the authority (``reports*``) and the
anomaly model's versions (``anomaly_registry``) go through maker-checker too."""

from hujin.risk.alerts import AlertTriaged, alert_dismiss, alert_escalate
from hujin.risk.anomaly_registry import (
    anomaly_model_activate_propose,
    anomaly_model_register,
    anomaly_model_train,
)
from hujin.risk.anomaly_score import cob_anomaly_score
from hujin.risk.cases import case_alert_add, case_due_at, case_open
from hujin.risk.cases_attachments import AttachmentFile, case_attachment_add, case_attachment_read
from hujin.risk.cases_work import case_assign, case_close, case_freeze_request, case_note_add
from hujin.risk.lists import ImportedVersion, watchlist_import
from hujin.risk.lists_screening import (
    ScreenHit,
    ScreeningReport,
    party_screen,
    watchlist_version_screen,
    watchlists_rescreen,
)
from hujin.risk.reports import (
    lv_reports_export,
    lv_reports_propose,
    report_export,
    report_narrative_edit,
    report_propose,
)
from hujin.risk.reports_lv import lv_reports_write
from hujin.risk.reports_str import str_draft_from_case
from hujin.risk.rulebook import (
    ACTION as RULE_PUT_IN_FORCE,
)
from hujin.risk.rulebook import (
    rule_retire,
    rule_version_propose,
    rule_version_write,
)
from hujin.risk.rulebook_shipped import ShippedLoad, shipped_rules_load

__all__ = [
    "RULE_PUT_IN_FORCE",
    "AlertTriaged",
    "AttachmentFile",
    "ImportedVersion",
    "ScreenHit",
    "ScreeningReport",
    "ShippedLoad",
    "alert_dismiss",
    "alert_escalate",
    "anomaly_model_activate_propose",
    "anomaly_model_register",
    "anomaly_model_train",
    "case_alert_add",
    "case_assign",
    "case_attachment_add",
    "case_attachment_read",
    "case_close",
    "case_due_at",
    "case_freeze_request",
    "case_note_add",
    "case_open",
    "cob_anomaly_score",
    "lv_reports_export",
    "lv_reports_propose",
    "lv_reports_write",
    "party_screen",
    "report_export",
    "report_narrative_edit",
    "report_propose",
    "rule_retire",
    "rule_version_propose",
    "rule_version_write",
    "shipped_rules_load",
    "str_draft_from_case",
    "watchlist_import",
    "watchlist_version_screen",
    "watchlists_rescreen",
]
