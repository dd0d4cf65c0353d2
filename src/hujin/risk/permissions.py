"""The risk module's permissions (Django permission strings; also an Actor's scopes).

A rule is written by an analyst (``edit_rules``) and put in force by another person holding
``approve_rules`` (maker-checker: approvals refuses the maker as the checker)."""

VIEW_RISK = "risk.view_risk"  # rules, decisions, alerts, cases
EDIT_RULES = "risk.edit_rules"  # write a rule's new version, propose it for shadow or live
APPROVE_RULES = "risk.approve_rules"  # the checker of a rule's change
WORK_ALERTS = "risk.work_alerts"  # triage alerts, open and work cases
# The checker of a report to the authority (approves what another person drafted) and who files
# it: the compliance officer. Declared in reports_setup (it belongs to no model's Meta).
APPROVE_REPORTS = "risk.approve_reports"

ALL = (VIEW_RISK, EDIT_RULES, APPROVE_RULES, WORK_ALERTS, APPROVE_REPORTS)

# Role -> permissions (registered with identity's roles in RiskConfig.ready()).
ROLE_PERMISSIONS: dict[str, list[str]] = {
    "risk_analyst": [VIEW_RISK, EDIT_RULES, APPROVE_RULES, WORK_ALERTS],
    "compliance_officer": [VIEW_RISK, APPROVE_RULES, WORK_ALERTS, APPROVE_REPORTS],
    "auditor": [VIEW_RISK],
    "administrator": list(ALL),
}
