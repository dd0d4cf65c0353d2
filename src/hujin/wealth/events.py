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
# order_id, customer_id, user_id, product_id, kind, amount_minor, fee_minor, units_minor,
# trade_date, confirm_on, fast
ORDER_SUBMITTED = "wealth.order_submitted"
# order_id, customer_id, user_id, product_id, kind, units_minor, nav, payout_minor, confirmed_on
ORDER_CONFIRMED = "wealth.order_confirmed"
# order_id, customer_id, user_id, product_id, kind, failure_code
ORDER_FAILED = "wealth.order_failed"
# order_id, customer_id, user_id, product_id, kind
ORDER_CANCELLED = "wealth.order_cancelled"
# distribution_id, product_id, business_date, declared_minor, distributed_minor, holders
INCOME_DISTRIBUTED = "wealth.income_distributed"
# product_id, outcome, raised_minor, decided_on
RAISE_CLOSED = "wealth.raise_closed"
