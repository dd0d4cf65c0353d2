"""`hujin keys status` and `hujin keys rotate`, against a throwaway model with an encrypted column.

Each test sets its own data keys through HUJIN_DATA_KEYS (or a dev key file under tmp_path) and
the keyring is reloaded from the real configuration afterwards.
"""

from io import StringIO

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection, models
from django.utils import timezone

from hujin.core import crypto
from hujin.core.management.commands import keys
from hujin.core.models import AuditEntry

OLD = f"old:{crypto.new_key_material()}"
NEW = f"new:{crypto.new_key_material()}"


@pytest.fixture
def use_keys(monkeypatch):
    def configure(spec: str):
        monkeypatch.setenv("HUJIN_DATA_KEYS", spec)
        return crypto.reload_keyring()

    yield configure
    monkeypatch.undo()
    crypto.reload_keyring()


@pytest.fixture
def secrets_model(transactional_db):
    """A model ``core.KeysTestSecret`` with one encrypted column, its table created for the test."""

    class KeysTestSecret(models.Model):
        value = crypto.EncryptedTextField(blank=True, default="")

        class Meta:
            app_label = "core"

        def __str__(self) -> str:
            return f"secret {self.pk}"

    with connection.schema_editor() as editor:
        editor.create_model(KeysTestSecret)
    yield KeysTestSecret
    with connection.schema_editor() as editor:
        editor.delete_model(KeysTestSecret)
    del apps.all_models["core"]["keystestsecret"]
    apps.clear_cache()


def raw_values(model) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT value FROM {model._meta.db_table} ORDER BY id")
        return [row[0] for row in cursor.fetchall()]


def run(*args) -> str:
    out = StringIO()
    call_command("keys", *args, stdout=out)
    return out.getvalue()


class TestKeysRotate:
    def test_re_encrypts_every_row_under_the_active_key(self, secrets_model, use_keys):
        use_keys(OLD)
        for text in ["13812345678", "110105194912310029", ""]:
            secrets_model.objects.create(value=text)
        assert {crypto.key_id_of(v) for v in raw_values(secrets_model) if v} == {"old"}

        use_keys(f"{NEW},{OLD}")
        output = run("rotate", "--batch-size", "1")

        assert "core.keystestsecret.value: 2 rows re-encrypted" in output
        assert [crypto.key_id_of(v) if v else "" for v in raw_values(secrets_model)] == [
            "new",
            "new",
            "",
        ]
        assert sorted(secrets_model.objects.values_list("value", flat=True)) == [
            "",
            "110105194912310029",
            "13812345678",
        ]

    def test_after_rotation_the_old_key_is_no_longer_needed(self, secrets_model, use_keys):
        use_keys(OLD)
        row = secrets_model.objects.create(value="13812345678")
        use_keys(f"{NEW},{OLD}")
        run("rotate")
        use_keys(NEW)
        assert secrets_model.objects.get(id=row.id).value == "13812345678"

    def test_a_second_run_has_nothing_to_do(self, secrets_model, use_keys):
        use_keys(OLD)
        secrets_model.objects.create(value="a")
        use_keys(f"{NEW},{OLD}")
        run("rotate")
        assert "core.keystestsecret.value: 0 rows re-encrypted" in run("rotate")

    def test_records_each_batch_in_the_audit_trail(self, secrets_model, use_keys):
        use_keys(OLD)
        for text in "abc":
            secrets_model.objects.create(value=text)
        use_keys(f"{NEW},{OLD}")
        run("rotate", "--batch-size", "2")
        entries = AuditEntry.objects.filter(
            action="keys.rotated", target_id="core.keystestsecret.value"
        )
        assert sorted(e.after["rows"] for e in entries) == [1, 2]
        assert all(e.after["key_id"] == "new" and e.after["from"] == ["old"] for e in entries)

    def test_does_not_overwrite_a_row_changed_since_it_was_read(self, secrets_model, use_keys):
        use_keys(OLD)
        row = secrets_model.objects.create(value="before")
        use_keys(f"{NEW},{OLD}")
        column = next(c for c in keys.encrypted_columns() if c.label == "core.keystestsecret.value")
        real_batch = keys._batch

        def batch_then_concurrent_write(*args, **kwargs):
            rows = real_batch(*args, **kwargs)
            if rows:  # the platform, still on the old keyring, saves a new value meanwhile
                use_keys(OLD)
                secrets_model.objects.filter(id=row.id).update(value="after")
                use_keys(f"{NEW},{OLD}")
            return rows

        keys._batch = batch_then_concurrent_write
        try:
            result = keys.rotate_column(column, actor=keys.system_actor("t"), now=timezone.now())
        finally:
            keys._batch = real_batch
        assert (result.rotated, result.changed_meanwhile) == (0, 1)
        assert secrets_model.objects.get(id=row.id).value == "after"
        assert "old: 1" in run("status")  # the next run picks it up
        run("rotate")
        assert crypto.key_id_of(raw_values(secrets_model)[0]) == "new"

    def test_rows_under_a_key_no_longer_configured_fail_the_run(self, secrets_model, use_keys):
        use_keys(OLD)
        secrets_model.objects.create(value="lost")
        use_keys(NEW)
        with pytest.raises(CommandError, match="1 rows could not be decrypted"):
            run("rotate")

    def test_new_key_makes_a_dev_key_active_then_rotates(
        self, secrets_model, use_keys, monkeypatch, tmp_path
    ):
        use_keys(OLD)
        secrets_model.objects.create(value="x")
        key_file = tmp_path / "data_keys"
        key_file.write_text(OLD)
        monkeypatch.delenv("HUJIN_DATA_KEYS")
        monkeypatch.setattr(crypto, "dev_keys_file", lambda: key_file)
        crypto.reload_keyring()

        output = run("rotate", "--new-key")

        new_id = crypto.keyring().active_id
        assert new_id.startswith("k") and f"new active key: {new_id}" in output
        assert list(crypto.parse_data_keys(key_file.read_text())) == [new_id, "old"]
        assert oct(key_file.stat().st_mode & 0o777) == "0o600"
        assert crypto.key_id_of(raw_values(secrets_model)[0]) == new_id

    def test_new_key_is_refused_when_keys_come_from_the_environment(self, use_keys, db):
        use_keys(OLD)
        with pytest.raises(CommandError, match="HUJIN_DATA_KEYS is set"):
            run("rotate", "--new-key")


class TestKeysStatus:
    def test_counts_rows_per_key_and_names_the_active_one(self, secrets_model, use_keys):
        use_keys(OLD)
        secrets_model.objects.create(value="a")
        secrets_model.objects.create(value="b")
        use_keys(f"{NEW},{OLD}")
        secrets_model.objects.create(value="c")
        output = run("status")
        assert "active key: new" in output
        assert "core.keystestsecret.value: new: 1 (active); old: 2" in output
        assert "2 rows under older keys" in output

    def test_flags_rows_under_keys_not_configured(self, secrets_model, use_keys):
        use_keys(OLD)
        secrets_model.objects.create(value="a")
        use_keys(NEW)
        assert "old: 1 (NOT CONFIGURED: unreadable)" in run("status")
