"""The ledger's tables. Accounts are never deleted; transfers are never changed.

Balances are four integers per account, as in TigerBeetle: debits and credits, each pending and
posted. Every transfer also keeps a snapshot of both accounts' balances right after it was
applied, so an account's history carries its running balance.

Every account also has a number, given in the order accounts are opened. Transfers name their
accounts by id and by number; an account's history is indexed by number, because an index of
8-byte numbers is a third the size of one of ids and a batch writes into most of its pages.
"""

from django.db import models
from django.db.models import F, Q


class AccountKind(models.TextChoices):
    ASSET = "asset", "Asset"
    LIABILITY = "liability", "Liability"
    EQUITY = "equity", "Equity"
    INCOME = "income", "Income"
    EXPENSE = "expense", "Expense"


class TransferKind(models.TextChoices):
    SINGLE = "single", "Posted"
    PENDING = "pending", "Pending"
    POST_PENDING = "post_pending", "Post pending"
    VOID_PENDING = "void_pending", "Void pending"
    EXPIRE_PENDING = "expire_pending", "Pending expired"


class Account(models.Model):
    id = models.UUIDField(primary_key=True)
    # Given by account_create: PostgreSQL's ledger_account_number_seq, on SQLite the next number.
    number = models.BigIntegerField(unique=True, editable=False)
    currency = models.CharField(max_length=34)  # ISO 4217, or a product's units (U:CODE)
    code = models.CharField(max_length=64, help_text="What the account is for, e.g. 2001.wallet")
    kind = models.CharField(max_length=16, choices=AccountKind.choices)
    name = models.CharField(max_length=200, blank=True)
    owner_ref = models.CharField(max_length=128, blank=True)
    debits_must_not_exceed_credits = models.BooleanField(default=False)
    credits_must_not_exceed_debits = models.BooleanField(default=False)
    closed = models.BooleanField(default=False)
    # Debits refused (result ``debits_frozen``): no new transfer from it, no post of a hold on it.
    # Set exactly while the account has at least one AccountDebitFreeze (why it is frozen); the
    # engine and the single-transfer function read only this flag.
    debits_frozen = models.BooleanField(default=False)
    debits_pending = models.BigIntegerField(default=0)
    debits_posted = models.BigIntegerField(default=0)
    credits_pending = models.BigIntegerField(default=0)
    credits_posted = models.BigIntegerField(default=0)
    metadata = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        indexes = [
            models.Index(fields=["code", "currency"]),
            models.Index(fields=["owner_ref"]),
            models.Index(fields=["created_at", "id"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="ledger_account_balances_not_negative",
                condition=Q(debits_pending__gte=0, debits_posted__gte=0)
                & Q(credits_pending__gte=0, credits_posted__gte=0),
            ),
            models.CheckConstraint(
                name="ledger_account_one_limit_flag",
                condition=~Q(
                    debits_must_not_exceed_credits=True, credits_must_not_exceed_debits=True
                ),
            ),
            models.CheckConstraint(
                name="ledger_account_debits_within_credits",
                condition=Q(debits_must_not_exceed_credits=False)
                | Q(credits_posted__gte=F("debits_pending") + F("debits_posted")),
            ),
            models.CheckConstraint(
                name="ledger_account_credits_within_debits",
                condition=Q(credits_must_not_exceed_debits=False)
                | Q(debits_posted__gte=F("credits_pending") + F("credits_posted")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.currency} {self.name or self.id}"


class Transfer(models.Model):
    id = models.UUIDField(primary_key=True)
    # The order in which the ledger applied transfers; per account it is the order of history.
    seq = models.BigIntegerField(unique=True)
    kind = models.CharField(max_length=16, choices=TransferKind.choices)
    # No database foreign keys on the hot path: the engine inserts a transfer only while it holds
    # the lock of both accounts it names (and of the pending transfer's accounts), accounts are
    # never deleted (trigger), and `hujin ledger verify` checks that every reference resolves.
    # A deferred foreign-key check per reference would cost more than the insert itself.
    debit_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    credit_account = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="+", db_index=False, db_constraint=False
    )
    # The accounts' numbers: what the history indexes are keyed by.
    debit_number = models.BigIntegerField()
    credit_number = models.BigIntegerField()
    currency = models.CharField(max_length=34)  # ISO 4217, or a product's units (U:CODE)
    amount = models.BigIntegerField()
    # For post/void/expire: the pending transfer this one resolves (at most one resolution each).
    pending = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    linked = models.BooleanField(default=False)
    timeout_seconds = models.PositiveIntegerField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    code = models.CharField(max_length=64)
    metadata = models.JSONField(default=dict, blank=True)
    business_date = models.DateField()
    created_at = models.DateTimeField()
    # Balances of the debit (dr_) and credit (cr_) accounts right after this transfer.
    dr_debits_pending = models.BigIntegerField()
    dr_debits_posted = models.BigIntegerField()
    dr_credits_pending = models.BigIntegerField()
    dr_credits_posted = models.BigIntegerField()
    cr_debits_pending = models.BigIntegerField()
    cr_debits_posted = models.BigIntegerField()
    cr_credits_pending = models.BigIntegerField()
    cr_credits_posted = models.BigIntegerField()
    # Who made it (hujin.core.actors.Actor: kind and id, cut as the audit log cuts them) and the
    # transfers_create call (or expiry run) it came in: that call's audit entry has the batch id
    # as its target id, its outbox event as aggregate id. Not indexed: an auditor reads them on a
    # transfer; a batch's transfers are listed in its event. Transfers written before ledger
    # migration 0007 have actor_kind "unknown", actor_id "" and no batch_id.
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    batch_id = models.UUIDField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["debit_number", "seq"], name="ledger_transfer_dr_history"),
            models.Index(fields=["credit_number", "seq"], name="ledger_transfer_cr_history"),
            models.Index(fields=["business_date"], name="ledger_transfer_bdate"),
            models.Index(
                fields=["expires_at"],
                name="ledger_transfer_expiring",
                condition=Q(kind="pending", expires_at__isnull=False),
            ),
        ]
        constraints = [
            # A pending transfer is resolved at most once (only resolutions are indexed).
            models.UniqueConstraint(
                fields=["pending"],
                condition=Q(pending__isnull=False),
                name="ledger_transfer_one_resolution",
            ),
            models.CheckConstraint(
                name="ledger_transfer_amount_positive", condition=Q(amount__gt=0)
            ),
            models.CheckConstraint(
                name="ledger_transfer_accounts_differ",
                condition=~Q(debit_account=F("credit_account")),
            ),
            models.CheckConstraint(
                name="ledger_transfer_resolution_has_pending",
                condition=Q(kind__in=["single", "pending"], pending__isnull=True)
                | Q(
                    kind__in=["post_pending", "void_pending", "expire_pending"],
                    pending__isnull=False,
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.amount} {self.currency} {self.id}"


class FailedTransfer(models.Model):
    """An id whose transfer failed on the ledger's state: it stays failed forever."""

    id = models.UUIDField(primary_key=True)
    code = models.CharField(max_length=48)
    failed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.id} {self.code}"


class AccountDebitFreeze(models.Model):
    """One reason an account's debits are frozen now (at most one row per reason).

    The account's ``debits_frozen`` flag is set while it has at least one, so lifting one reason
    leaves the debits frozen for the others: a customer-service unfreeze cannot lift a risk
    freeze. A lifted reason's row is deleted; ``AccountDebitFreezeChange`` keeps the history.
    """

    id = models.BigAutoField(primary_key=True)
    # The unique constraint's index starts with the account: no index of its own.
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    reason_code = models.CharField(max_length=64)  # e.g. customers.freeze, risk.case:17
    frozen_at = models.DateTimeField()
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    # The highest transfer seq when the reason was added, read under the account's lock: the
    # account's transfers after the freeze have a greater seq (``ledger_verify`` reads it).
    transfers_seq = models.BigIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["account", "reason_code"], name="ledger_debit_freeze_one_per_reason"
            )
        ]

    def __str__(self) -> str:
        return f"{self.account_id} {self.reason_code}"


class AccountDebitFreezeChange(models.Model):
    """Every reason added to or lifted from an account's frozen debits, in the order it happened.

    Append-only (UPDATE, DELETE and TRUNCATE refused, migration 0009): replayed, it gives the
    current reasons (``AccountDebitFreeze``) and each reason's span of the account's history,
    from the freeze's ``transfers_seq`` to the lift's, in which no transfer may debit it.
    """

    id = models.BigAutoField(primary_key=True)
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="+", db_index=False)
    reason_code = models.CharField(max_length=64)
    frozen = models.BooleanField()  # true: the reason was added; false: it was lifted
    debits_frozen = models.BooleanField()  # the account's flag after the change
    occurred_at = models.DateTimeField()
    actor_kind = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    transfers_seq = models.BigIntegerField()  # as AccountDebitFreeze's, at the change

    class Meta:
        indexes = [models.Index(fields=["account", "id"], name="ledger_debit_freeze_history")]

    def __str__(self) -> str:
        return f"{self.account_id} {'+' if self.frozen else '-'}{self.reason_code}"
