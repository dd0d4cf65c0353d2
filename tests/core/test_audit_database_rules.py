"""The database itself refuses to change or remove audit entries, and lets a chain head only
advance by one entry linked to its last.

Test databases may be wiped between tests (TRUNCATE on PostgreSQL, DELETE on SQLite), which the
triggers allow through ``hujin_audit_wipe_allowed()``; these tests swap that function for one
answering "no", as it does on every other database.
"""

import pytest
from django.db import DatabaseError, connection, transaction

from hujin.core.actors import system_actor
from hujin.core.audit import audit_record
from hujin.core.models import AuditChainHead, AuditEntry
from tests.core.audit_tampering import as_a_production_database, raw

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


class TestChainHeadsOnlyAdvance:
    def test_appending_advances_a_head_through_the_trigger(self, entry):
        second = audit_record(
            actor=system_actor("test"), action="test.written", target_type="test.thing",
            target_id="2", occurred_at=entry.occurred_at,
        )  # fmt: skip

        head = AuditChainHead.objects.get(chain=entry.chain)
        assert (head.length, head.last_hash, head.prev_hash) == (
            2,
            second.entry_hash,
            entry.entry_hash,
        )

    @pytest.mark.parametrize(
        "change",
        [
            "last_seq = 0, length = 0, last_hash = prev_hash",  # emptied
            "last_hash = repeat('f', 64)",  # another end
            "last_seq = last_seq + 2, length = length + 2",  # skipping
            "last_seq = last_seq + 1, length = length + 1",  # advancing from the wrong link
        ],
    )
    def test_any_other_update_is_refused(self, entry, change):
        with pytest.raises(DatabaseError, match="only advances"), transaction.atomic():
            raw(f"UPDATE core_auditchainhead SET {change} WHERE chain = %s", [entry.chain])

        assert AuditChainHead.objects.get(chain=entry.chain).last_hash == entry.entry_hash

    def test_a_delete_is_refused(self, entry):
        with (
            as_a_production_database(),
            pytest.raises(DatabaseError, match="only advances"),
            transaction.atomic(),
        ):
            raw("DELETE FROM core_auditchainhead WHERE chain = %s", [entry.chain])

        assert AuditChainHead.objects.filter(chain=entry.chain).exists()

    @pytest.mark.postgres
    def test_truncate_is_refused(self, entry):
        with (
            as_a_production_database(),
            pytest.raises(DatabaseError, match="TRUNCATE on core_auditchainhead refused"),
            transaction.atomic(),
        ):
            raw("TRUNCATE core_auditchainhead")
