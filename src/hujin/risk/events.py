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
