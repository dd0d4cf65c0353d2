"""A product's admission history and its published NAVs / incomes are never changed or deleted:
the database refuses UPDATE, DELETE and TRUNCATE on both tables (``hujin.core.ddl``)."""

from django.db import migrations

from hujin.core.ddl import append_only


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0003_audit_chain_and_approvals"),
        ("products", "0001_initial"),
    ]

    operations = [
        append_only(
            "products_admissionstep",
            function="products_admissionstep_refuse_change",
            reason="product admission history is immutable",
        ),
        append_only(
            "products_navpoint",
            function="products_navpoint_refuse_change",
            reason="published NAVs are immutable",
        ),
    ]
