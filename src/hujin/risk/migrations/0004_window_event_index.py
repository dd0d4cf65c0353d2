"""The window entries by event (forgetting a payment that failed, counting a released one).

The table takes a row for every key of every screened movement: on PostgreSQL the index is
built ``CONCURRENTLY``, outside a transaction, so that payments keep being screened while it
builds; SQLite builds it as usual."""

from django.db import migrations, models

INDEX = "risk_window_event_ix"


def _create(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(
        f"CREATE INDEX {concurrently}IF NOT EXISTS {INDEX} ON risk_windowentry (event)"
    )


def _drop(apps, schema_editor):
    concurrently = "CONCURRENTLY " if schema_editor.connection.vendor == "postgresql" else ""
    schema_editor.execute(f"DROP INDEX {concurrently}IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("risk", "0003_cases_reports_anomaly")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddIndex(
                    model_name="windowentry",
                    index=models.Index(fields=["event"], name=INDEX),
                ),
            ],
            database_operations=[migrations.RunPython(_create, _drop, atomic=False)],
        ),
    ]
