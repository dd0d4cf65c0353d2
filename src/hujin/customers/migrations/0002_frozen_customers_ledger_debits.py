"""Customers frozen before the ledger had frozen debits: freeze their accounts' debits now.

From ledger migration 0006 on, a customer freeze also sets ``debits_frozen`` on every ledger
account the customer owns (``owner_ref`` ``customer:<id>``), so the ledger refuses any debit.
Customers already frozen get the same here. A migration writes no audit entry: the freeze itself
was audited when it was approved. Going back leaves the flags (ledger 0006's reverse drops them).
"""

from django.db import migrations


def freeze_debits_of_frozen_customers(apps, schema_editor):
    customer = apps.get_model("customers", "Customer")
    account = apps.get_model("ledger", "Account")
    frozen = customer.objects.filter(status="frozen").values_list("id", flat=True)
    owner_refs = [f"customer:{customer_id}" for customer_id in frozen.iterator()]
    for start in range(0, len(owner_refs), 500):
        account.objects.filter(owner_ref__in=owner_refs[start : start + 500]).update(
            debits_frozen=True
        )


class Migration(migrations.Migration):
    dependencies = [
        ("customers", "0001_initial"),
        ("ledger", "0006_account_debits_frozen"),
    ]

    operations = [
        migrations.RunPython(freeze_debits_of_frozen_customers, migrations.RunPython.noop),
    ]
