"""Frozen debits keep their reasons: one flag no longer serves every reason to freeze.

- ``ledger_accountdebitfreeze``: the reasons an account's debits are frozen now, one row per
  (account, reason code); ``debits_frozen`` is set while an account has at least one. The engine
  and ``ledger_transfer_create_one`` still read only the flag: the hot path does not change.
- ``ledger_accountdebitfreezechange``: every reason added or lifted, append-only
  (``hujin.core.ddl.append_only``), with the highest transfer ``seq`` at that moment.
- Existing freezes: the audit trail is replayed. Under one flag, each
  ``ledger.account_debits_freeze`` entry added its ``reason_code`` and each
  ``ledger.account_debits_unfreeze`` lifted the reason then active; those become the history,
  with the entries' moments, actors and ``transfers_seq``. A reason still active whose account is
  frozen becomes its current reason. A frozen account the trail does not explain (a flag set by a
  migration, such as customers 0002, or by hand) gets the reason ``legacy``, and a reason the
  trail leaves active on an account no longer frozen is lifted; both are dated to this migration,
  with the highest transfer ``seq`` now, by the system actor ``migration``.
- Going back drops both tables and leaves the flags as they are.
"""

from django.db import migrations, models
from django.db.models import Max
from django.utils import timezone

from hujin.core.ddl import append_only

LEGACY = "legacy"
MIGRATION_ACTOR = ("system", "migration")
FREEZE, UNFREEZE = "ledger.account_debits_freeze", "ledger.account_debits_unfreeze"


def record_the_reasons_of_frozen_accounts(apps, schema_editor):
    account = apps.get_model("ledger", "Account")
    freeze = apps.get_model("ledger", "AccountDebitFreeze")
    change = apps.get_model("ledger", "AccountDebitFreezeChange")
    entries = (
        apps.get_model("core", "AuditEntry")
        .objects.filter(target_type="ledger.account", action__in=[FREEZE, UNFREEZE])
        .order_by("id")  # an account's freezes and unfreezes were serialised by its lock
        .values_list("target_id", "action", "after", "occurred_at", "actor_kind", "actor_id")
    )
    history: list = []
    # By the account id as text (the audit entries' target id): the change that added the
    # account's active reason, and whether the account exists.
    active: dict[str, object] = {}
    known: dict[str, bool] = {}
    for account_id, action, after, occurred_at, actor_kind, actor_id in entries.iterator():
        seq = (after or {}).get("transfers_seq")
        if account_id not in known:
            known[account_id] = account.objects.filter(id=account_id).exists()
        if not isinstance(seq, int) or not known[account_id]:
            continue
        if action == FREEZE and account_id not in active:
            reason = (after or {}).get("reason_code")
            row = change(
                account_id=account_id, reason_code=reason if isinstance(reason, str) and reason
                else LEGACY, frozen=True, debits_frozen=True, occurred_at=occurred_at,
                actor_kind=actor_kind, actor_id=actor_id, transfers_seq=seq,
            )  # fmt: skip
            active[account_id] = row
            history.append(row)
        elif action == UNFREEZE and account_id in active:
            history.append(
                change(
                    account_id=account_id, reason_code=active.pop(account_id).reason_code,
                    frozen=False, debits_frozen=False, occurred_at=occurred_at,
                    actor_kind=actor_kind, actor_id=actor_id, transfers_seq=seq,
                )
            )  # fmt: skip

    now = timezone.now()
    highest = apps.get_model("ledger", "Transfer").objects.aggregate(m=Max("seq"))["m"] or 0
    frozen = {
        str(i) for i in account.objects.filter(debits_frozen=True).values_list("id", flat=True)
    }
    current = []
    for account_id in sorted(set(active) | frozen):
        added = active.get(account_id)
        if added is None:  # frozen, but not by the services: the reason is unknown
            added = change(account_id=account_id, reason_code=LEGACY, frozen=True,
                           debits_frozen=True, occurred_at=now, actor_kind=MIGRATION_ACTOR[0],
                           actor_id=MIGRATION_ACTOR[1], transfers_seq=highest)  # fmt: skip
            history.append(added)
        elif account_id not in frozen:  # unfrozen around the services: lifted by now at the latest
            history.append(
                change(account_id=account_id, reason_code=added.reason_code, frozen=False,
                       debits_frozen=False, occurred_at=now, actor_kind=MIGRATION_ACTOR[0],
                       actor_id=MIGRATION_ACTOR[1], transfers_seq=highest)
            )  # fmt: skip
            continue
        current.append(
            freeze(account_id=account_id, reason_code=added.reason_code,
                   frozen_at=added.occurred_at, actor_kind=added.actor_kind,
                   actor_id=added.actor_id, transfers_seq=added.transfers_seq)
        )  # fmt: skip
    for row in history:  # one by one: the ids keep the order the changes happened in
        row.save()
    freeze.objects.bulk_create(current, batch_size=500)


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0008_history_append_only"),
        ("core", "0003_audit_chain_and_approvals"),  # the audit trail; hujin_audit_wipe_allowed()
    ]

    operations = [
        migrations.CreateModel(
            name="AccountDebitFreeze",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("reason_code", models.CharField(max_length=64)),
                ("frozen_at", models.DateTimeField()),
                ("actor_kind", models.CharField(max_length=16)),
                ("actor_id", models.CharField(max_length=64)),
                ("transfers_seq", models.BigIntegerField()),
                (
                    "account",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=models.PROTECT,
                        related_name="+",
                        to="ledger.account",
                    ),
                ),
            ],
            options={
                "constraints": [
                    models.UniqueConstraint(
                        fields=("account", "reason_code"),
                        name="ledger_debit_freeze_one_per_reason",
                    )
                ],
            },
        ),
        migrations.CreateModel(
            name="AccountDebitFreezeChange",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("reason_code", models.CharField(max_length=64)),
                ("frozen", models.BooleanField()),
                ("debits_frozen", models.BooleanField()),
                ("occurred_at", models.DateTimeField()),
                ("actor_kind", models.CharField(max_length=16)),
                ("actor_id", models.CharField(max_length=64)),
                ("transfers_seq", models.BigIntegerField()),
                (
                    "account",
                    models.ForeignKey(
                        db_index=False,
                        on_delete=models.PROTECT,
                        related_name="+",
                        to="ledger.account",
                    ),
                ),
            ],
            options={
                "indexes": [
                    models.Index(fields=["account", "id"], name="ledger_debit_freeze_history")
                ],
            },
        ),
        append_only(
            "ledger_accountdebitfreezechange",
            function="ledger_accountdebitfreezechange_refuse_change",
            reason="ledger rows are immutable",
        ),
        migrations.RunPython(record_the_reasons_of_frozen_accounts, migrations.RunPython.noop),
    ]
