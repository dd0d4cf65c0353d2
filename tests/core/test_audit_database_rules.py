"""The database itself refuses to change or remove audit entries.

Test databases may be wiped between tests (TRUNCATE on PostgreSQL, DELETE on SQLite), which the
triggers allow through ``hujin_audit_wipe_allowed()``; these tests swap that function for one
answering "no", as it does on every other database.
"""

from contextlib import contextmanager

import pytest
from django.db import DatabaseError, connection, transaction

from hujin.core.actors import system_actor
from hujin.core.audit import audit_record
from hujin.core.models import AuditEntry
from tests.core.audit_tampering import raw

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(now):
    return audit_record(
        actor=system_actor("test"),
        action="test.written",
        target_type="test.thing",
        target_id="1",
        occurred_at=now,
    )


@contextmanager
def as_a_production_database():
    if connection.vendor == "postgresql":
        # Rolled back with the test's transaction.
        raw(
            "CREATE OR REPLACE FUNCTION hujin_audit_wipe_allowed() RETURNS boolean "
            "LANGUAGE sql STABLE AS $$ SELECT false $$"
        )
        yield
    else:
        connection.ensure_connection()
        sqlite = connection.connection
        sqlite.create_function("hujin_audit_wipe_allowed", 0, lambda: False)
        try:
            yield
        finally:
            sqlite.create_function("hujin_audit_wipe_allowed", 0, lambda: True)


class TestAuditEntriesAreAppendOnly:
    def test_an_update_is_refused(self, entry):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw("UPDATE core_auditentry SET action = 'other' WHERE id = %s", [entry.id])
        assert AuditEntry.objects.get(id=entry.id).action == "test.written"

    def test_an_update_through_the_orm_is_refused(self, entry):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            AuditEntry.objects.filter(id=entry.id).update(after={"fake": True})

    def test_a_delete_is_refused(self, entry):
        with (
            as_a_production_database(),
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
        ):
            raw("DELETE FROM core_auditentry WHERE id = %s", [entry.id])
        assert AuditEntry.objects.filter(id=entry.id).exists()

    @pytest.mark.postgres
    def test_a_delete_is_refused_even_on_a_test_database(self, entry):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            raw("DELETE FROM core_auditentry WHERE id = %s", [entry.id])

    @pytest.mark.postgres
    def test_truncate_is_refused(self, entry):
        with (
            as_a_production_database(),
            pytest.raises(DatabaseError, match="TRUNCATE on core_auditentry refused"),
            transaction.atomic(),
        ):
            raw("TRUNCATE core_auditentry")
        assert AuditEntry.objects.filter(id=entry.id).exists()


class TestWipeAllowance:
    def test_is_given_on_the_test_database_only(self, db):
        with connection.cursor() as cursor:
            cursor.execute("SELECT hujin_audit_wipe_allowed()")
            assert bool(cursor.fetchone()[0]) is True
        name = connection.settings_dict["NAME"]
        assert name == connection.creation._get_test_db_name() or name.startswith("test_")
