"""Customers frozen before the ledger froze debits: their accounts are frozen now, for the
customer freeze's reason.

A customer freeze freezes the debits of every ledger account the customer owns (``owner_ref``
``customer:<id>``) for the reason ``customers.freeze``, which the unfreeze lifts. Customers
already frozen get the same here, through the ledger's own rows, as the freeze service writes
them (ledger 0009): per account of theirs not yet frozen for that reason, the reason
(``AccountDebitFreeze``), the flag and a history row (``AccountDebitFreezeChange``), dated to this
migration with the highest transfer ``seq`` now, by the system actor ``migration``. So
``hujin ledger verify`` finds the flag, the reason and the history in agreement, checks the
accounts' debits from now on, and a later customer unfreeze lifts the reason like any other.
A migration writes no audit entry or event: the freeze itself was audited when it was approved.

Going back lifts the reasons this migration added that are still active: the reason row goes, a
history row records the lift (the history is append-only) and the flag is cleared on an account
left with no other reason.

The codes are written out here, not imported: this migration keeps doing what it did when the
services' constants change.
"""

from django.db import migrations
from django.db.models import Max
from django.utils import timezone

REASON = "customers.freeze"
OWNER_NAMESPACE = "customer:"
MIGRATION_ACTOR = {"actor_kind": "system", "actor_id": "migration"}
CHUNK = 500


def _highest_seq(apps) -> int:
    return apps.get_model("ledger", "Transfer").objects.aggregate(m=Max("seq"))["m"] or 0


def freeze_debits_of_frozen_customers(apps, schema_editor):
    customer = apps.get_model("customers", "Customer")
    account = apps.get_model("ledger", "Account")
    freeze = apps.get_model("ledger", "AccountDebitFreeze")
    change = apps.get_model("ledger", "AccountDebitFreezeChange")
    frozen = customer.objects.filter(status="frozen").values_list("id", flat=True)
    owner_refs = [f"{OWNER_NAMESPACE}{customer_id}" for customer_id in frozen.iterator()]
    if not owner_refs:
        return
    now, seq = timezone.now(), _highest_seq(apps)
    already = freeze.objects.filter(reason_code=REASON).values("account_id")
    for start in range(0, len(owner_refs), CHUNK):
        accounts = account.objects.filter(owner_ref__in=owner_refs[start : start + CHUNK])
        ids = list(accounts.exclude(id__in=already).order_by("pk").values_list("id", flat=True))
        if not ids:
            continue
        account.objects.filter(id__in=ids).update(debits_frozen=True)
        freeze.objects.bulk_create(
            freeze(account_id=i, reason_code=REASON, frozen_at=now, transfers_seq=seq,
                   **MIGRATION_ACTOR)
            for i in ids
        )  # fmt: skip
        change.objects.bulk_create(
            change(account_id=i, reason_code=REASON, frozen=True, debits_frozen=True,
                   occurred_at=now, transfers_seq=seq, **MIGRATION_ACTOR)
            for i in ids
        )  # fmt: skip


def lift_the_reasons_this_migration_added(apps, schema_editor):
    account = apps.get_model("ledger", "Account")
    freeze = apps.get_model("ledger", "AccountDebitFreeze")
    change = apps.get_model("ledger", "AccountDebitFreezeChange")
    added = freeze.objects.filter(reason_code=REASON, **MIGRATION_ACTOR)
    ids = list(added.order_by("account_id").values_list("account_id", flat=True))
    if not ids:
        return
    now, seq = timezone.now(), _highest_seq(apps)
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        freeze.objects.filter(account_id__in=chunk, reason_code=REASON).delete()
        still = set(
            freeze.objects.filter(account_id__in=chunk).values_list("account_id", flat=True)
        )
        account.objects.filter(id__in=[i for i in chunk if i not in still]).update(
            debits_frozen=False
        )
        change.objects.bulk_create(
            change(account_id=i, reason_code=REASON, frozen=False, debits_frozen=i in still,
                   occurred_at=now, transfers_seq=seq, **MIGRATION_ACTOR)
            for i in chunk
        )  # fmt: skip


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        # The reasons and their history (AccountDebitFreeze, AccountDebitFreezeChange).
        ("ledger", "0009_account_debit_freeze_reasons"),
    ]

    operations = [
        migrations.RunPython(
            freeze_debits_of_frozen_customers, lift_the_reasons_this_migration_added
        ),
    ]
