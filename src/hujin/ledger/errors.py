"""The ledger's errors and per-transfer result codes."""

from hujin.core.errors import Conflict, HujinError, InvalidInput, NotFound


class Result:
    """Result code of one transfer in a batch. ``ok`` means it was applied."""

    OK = "ok"
    # Idempotency.
    EXISTS = "exists"
    EXISTS_WITH_DIFFERENT_FIELDS = "exists_with_different_fields"
    ID_ALREADY_FAILED = "id_already_failed"
    # Linked chains.
    LINKED_EVENT_FAILED = "linked_event_failed"
    LINKED_EVENT_CHAIN_OPEN = "linked_event_chain_open"
    # Shape.
    AMOUNT_MUST_NOT_BE_ZERO = "amount_must_not_be_zero"
    ACCOUNTS_MUST_BE_DIFFERENT = "accounts_must_be_different"
    ACCOUNTS_REQUIRED = "accounts_required"
    PENDING_ID_REQUIRED = "pending_id_required"
    PENDING_ID_MUST_NOT_BE_SET = "pending_id_must_not_be_set"
    PENDING_ID_MUST_BE_DIFFERENT = "pending_id_must_be_different"
    TIMEOUT_RESERVED_FOR_PENDING_TRANSFER = "timeout_reserved_for_pending_transfer"
    # Accounts.
    ACCOUNT_NOT_FOUND = "account_not_found"
    CURRENCY_MISMATCH = "currency_mismatch"
    ACCOUNT_CLOSED = "account_closed"
    DEBITS_FROZEN = "debits_frozen"
    EXCEEDS_CREDITS = "exceeds_credits"
    EXCEEDS_DEBITS = "exceeds_debits"
    OVERFLOWS_BALANCE = "overflows_balance"
    # Two-phase.
    PENDING_TRANSFER_NOT_FOUND = "pending_transfer_not_found"
    PENDING_TRANSFER_NOT_PENDING = "pending_transfer_not_pending"
    PENDING_TRANSFER_HAS_DIFFERENT_ACCOUNTS = "pending_transfer_has_different_accounts"
    PENDING_TRANSFER_HAS_DIFFERENT_AMOUNT = "pending_transfer_has_different_amount"
    PENDING_TRANSFER_ALREADY_POSTED = "pending_transfer_already_posted"
    PENDING_TRANSFER_ALREADY_VOIDED = "pending_transfer_already_voided"
    PENDING_TRANSFER_EXPIRED = "pending_transfer_expired"
    EXCEEDS_PENDING_AMOUNT = "exceeds_pending_amount"


ALL_RESULTS: tuple[str, ...] = tuple(
    value for name, value in vars(Result).items() if name.isupper() and isinstance(value, str)
)

# Failures that depend on the ledger's state rather than on the request itself: the id of a
# transfer that failed this way is burnt, so a retry can never post it later by surprise.
TRANSIENT_FAILURES: frozenset[str] = frozenset(
    {
        Result.ACCOUNT_NOT_FOUND,
        Result.ACCOUNT_CLOSED,
        Result.DEBITS_FROZEN,
        Result.EXCEEDS_CREDITS,
        Result.EXCEEDS_DEBITS,
        Result.OVERFLOWS_BALANCE,
        Result.PENDING_TRANSFER_NOT_FOUND,
    }
)


class LedgerError(HujinError):
    code = "ledger_error"


class AccountNotFound(NotFound):
    code = "account_not_found"
    message = "No such ledger account."


class TransferNotFound(NotFound):
    code = "transfer_not_found"
    message = "No such transfer."


class AccountExistsWithDifferentFields(Conflict):
    code = "account_exists_with_different_fields"
    message = "An account with this id already exists with different fields."


class AccountsNotAtZero(Conflict):
    code = "accounts_not_at_zero"
    message = "Some accounts are not at zero: posted debits differ from credits, or holds remain."


class AccountInvalid(InvalidInput):
    code = "account_invalid"
    message = "The account is not valid."


class TransferInvalid(InvalidInput):
    code = "transfer_invalid"
    message = "A transfer in the batch is not valid."


class StatementPeriodInvalid(InvalidInput):
    code = "statement_period_invalid"
    message = "A statement runs from a date to the same or a later date, at most 366 days."


class BatchTooLarge(InvalidInput):
    code = "batch_too_large"
    message = "A batch holds at most 8,000 transfers."


class BatchEmpty(InvalidInput):
    code = "batch_empty"
    message = "A batch holds at least one transfer."
