"""The events the payments module emits (outbox rows, written in the change's transaction).

Payloads carry references only, never a card number, a name or a mobile number.
"""

CARD_BIND_STARTED = "payments.card_bind_started"  # card_id, customer_id, user_id, bank_code
CARD_BOUND = "payments.card_bound"  # card_id, customer_id, user_id, bank_code, is_default
CARD_BIND_FAILED = "payments.card_bind_failed"  # card_id, customer_id, user_id, reason
CARD_DEFAULT_SET = "payments.card_default_set"  # card_id, customer_id, user_id
CARD_UNBOUND = "payments.card_unbound"  # card_id, customer_id, user_id, new_default_card_id
# payment_id, customer_id, user_id, kind, amount_minor, currency
PAYMENT_REQUESTED = "payments.payment_requested"
# payment_id, customer_id, user_id, kind, amount_minor, currency, channel_reference
PAYMENT_SUCCEEDED = "payments.payment_succeeded"
# ... and failure_code
PAYMENT_FAILED = "payments.payment_failed"
# payment_id, customer_id, user_id, kind, amount_minor, currency, payee_customer_id,
# payee_user_id (a transfer between customers, posted at once), held: true when a reviewer
# released it after a hold
TRANSFER_SUCCEEDED = "payments.transfer_succeeded"
# screening_id, customer_id, user_id, kind, amount_minor, currency, codes (the screens' reasons)
MOVEMENT_REFUSED = "payments.movement_refused"
# payment_id, customer_id, user_id, kind, amount_minor, currency, codes: held until a reviewer
# releases it (payments.payment_released) or rejects it (payments.payment_failed)
PAYMENT_HELD = "payments.payment_held"
# payment_id, ..., reviewer: a held payment goes on
PAYMENT_RELEASED = "payments.payment_released"
RULES_CHANGED = "payments.rules_changed"  # rule (payments.limit_rule | payments.fee_rule), id
# payment_id, ..., channel: a booked payment moved to another channel (the first was down)
PAYMENT_REROUTED = "payments.payment_rerouted"
