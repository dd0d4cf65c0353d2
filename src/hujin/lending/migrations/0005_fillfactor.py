"""Room on every page of the loans and instalments for the close of business's daily update of
their counters (PostgreSQL): the new row version stays on its page (a HOT update) and no index
is written again. Nothing to do on SQLite."""

from django.db import migrations

TABLES = ("lending_loan", "lending_instalment")


def fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} SET (fillfactor = 80)")


def back(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} RESET (fillfactor)")


class Migration(migrations.Migration):
    dependencies = [("lending", "0004_penalty_history_worst_apr")]
    operations = [migrations.RunPython(fillfactor, back)]
