"""The events the wealth module emits (outbox rows, written in the change's transaction).

Payloads carry references only.
"""

# record_id, customer_id, user_id, product_id, outcome, code, customer_level, product_level,
# policy
SUITABILITY_DECIDED = "wealth.suitability_decided"
# confirmation_id, customer_id, user_id, product_id, customer_level, product_level
RISK_WARNING_CONFIRMED = "wealth.risk_warning_confirmed"
# acknowledgement_id, customer_id, user_id, product_id, document_ids
DOCUMENTS_ACKNOWLEDGED = "wealth.documents_acknowledged"
