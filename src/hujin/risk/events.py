"""The events the risk module emits (outbox rows, written in the change's transaction).

Payloads carry references and the rule's code, never a customer's personal data.
"""

# version_id, code, number, outcome, score, written_by ("" for a shipped rule)
RULE_VERSION_WRITTEN = "risk.rule_version_written"
# version_id, code, number, target (shadow | live | retired), approval_id
RULE_VERSION_PROPOSED = "risk.rule_version_proposed"
# version_id, code, number, state (rejected | draft: the proposal was rejected or withdrawn)
RULE_PROPOSAL_CLOSED = "risk.rule_proposal_closed"
# code, generation, changes: [{version_id, number, from, to}] (what is in force changed)
RULE_IN_FORCE_CHANGED = "risk.rule_in_force_changed"

# The screening lists.
# version_id, list, kind, number, entry_count, sha256, superseded_version_id ("" for the first)
WATCHLIST_IMPORTED = "risk.watchlist_imported"
# version_id, list, number, screened, hits (every customer screened against a version)
WATCHLIST_SCREENED = "risk.watchlist_screened"
# alert_id, customer_id, role (customer | payee), party_id, list, version_id, reference, score
WATCHLIST_HIT = "risk.watchlist_hit"

# The alerts' triage (payloads never carry the analyst's words).
# alert_id, source, code, customer_id, decision_id ("" without one), state ("dismissed")
ALERT_DISMISSED = "risk.alert_dismissed"
# alert_id, source, code, customer_id, decision_id ("" without one), state ("escalated")
ALERT_ESCALATED = "risk.alert_escalated"
# alert_id, code, customer_id, decision_id, outcome, kind (a rule fired on an event)
ALERT_RAISED = "risk.alert_raised"

# The reports to the authority (payloads never carry the narrative or personal data).
# report_id, number, kind (str | lv), state, customer_id, case_id (a draft from a case)
REPORT_DRAFTED = "risk.report_drafted"
# report_id, number, kind, state, customer_id (the narrative was edited while a draft)
REPORT_EDITED = "risk.report_edited"
# report_id, number, kind, state, customer_id, approval_id
REPORT_PROPOSED = "risk.report_proposed"
# report_id, number, kind, state (approved), customer_id, approval_id
REPORT_APPROVED = "risk.report_approved"
# report_id, number, kind, state (draft), customer_id, approval_id (the checker rejected it)
REPORT_REJECTED = "risk.report_rejected"
# report_id, number, kind, state (filed), customer_id, export_name, export_sha256
REPORT_FILED = "risk.report_filed"

# The anomaly model (payloads carry versions and ids, never a customer's behaviour).
# model_id, version, threshold, sha256, trained_by
ANOMALY_MODEL_REGISTERED = "risk.anomaly_model_registered"
# model_id, version, approval_id (a candidate proposed for activation)
ANOMALY_MODEL_PROPOSED = "risk.anomaly_model_proposed"
# model_id, version, previous_model_id ("" without one), previous_version, approval_id
ANOMALY_MODEL_ACTIVATED = "risk.anomaly_model_activated"

# Cases (payloads carry ids and numbers, never a note's or a file's content).
# case_id, number, customer_id, alert_id ("" without one)
CASE_OPENED = "risk.case_opened"
# case_id, number, customer_id, alert_id
CASE_ALERT_ADDED = "risk.case_alert_added"
# case_id, number, entry_id
CASE_NOTE_ADDED = "risk.case_note_added"
# case_id, number, attachment_id, sha256
CASE_ATTACHMENT_ADDED = "risk.case_attachment_added"
# case_id, number, assignee
CASE_ASSIGNED = "risk.case_assigned"
# case_id, number, customer_id, approval_id
CASE_FREEZE_REQUESTED = "risk.case_freeze_requested"
# case_id, number, customer_id, conclusion, typology, report_id
CASE_CLOSED = "risk.case_closed"
