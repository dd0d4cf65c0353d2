"""The events the reconciliation emits (outbox, in the same transaction as the change)."""

RECONCILIATION_COMPLETED = "payments.reconciliation_completed"
RECONCILIATION_INCOMPLETE = "payments.reconciliation_incomplete"
BREAK_RESOLUTION_PROPOSED = "payments.break_resolution_proposed"
BREAK_RESOLVED = "payments.break_resolved"
