"""The events lending emits (outbox), and their payload keys. Payloads carry ids, codes and
amounts, never personal data."""

PRODUCT_CHANGED = "lending.product_changed"  # product_id, code, state
MODEL_REGISTERED = "lending.model_registered"  # model_id, version, role
MODEL_PROMOTED = "lending.model_promoted"  # model_id, version, previous_champion_id
APPLICATION_DECIDED = "lending.application_decided"  # application_id, customer_id, outcome, score
LOAN_SIGNED = "lending.loan_signed"  # loan_id, customer_id, principal_minor, apr
# loan_id, customer_id, principal_minor, disbursed_to (wallet or card), and payout_id (card) or
# card_refused (the payments error code when the chosen card could not take it: the wallet)
LOAN_DISBURSED = "lending.loan_disbursed"
LOAN_REPAID = "lending.loan_repaid"  # loan_id, customer_id, amount_minor, allocation
LOAN_SETTLED = "lending.loan_settled"  # loan_id, customer_id
MODEL_RETIRED = "lending.model_retired"  # model_id, version
FUNDING_ADDED = "lending.funding_added"  # transfer_id, amount_minor
LOAN_SERVICED = "lending.loan_serviced"  # loan_id, customer_id, action (downgraded, ...)
