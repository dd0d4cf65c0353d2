"""`audit_verify` and `hujin audit verify` find every kind of tampering.

Each test writes a few entries (one test transaction: one chain), then changes the table the way
someone with database access could once the append-only triggers are out of the way.
"""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from hujin.core.actors import system_actor
from hujin.core.audit import audit_record, audit_verify, content_hash_of, entry_hash_of
from hujin.core.models import AUDIT_CHAINS, AuditChainHead, AuditEntry
from tests.core.audit_tampering import append_only_triggers_off, raw

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries(now):
    """Five entries, in one chain, positions 1..5."""
    return [
        audit_record(
            actor=system_actor("test"),
            action="test.written",
            target_type="test.thing",
            target_id=str(i),
            occurred_at=now,
            after={"n": i},
        )
        for i in range(5)
    ]


def kinds(report):
    return {(p.kind, p.position) for p in report.problems}


class TestAuditVerifyOnAnIntactTrail:
    def test_passes_and_counts_every_entry(self, entries):
        report = audit_verify()
        assert report.ok
        assert report.entries_checked == 5
        assert len(report.chains) == 1
        assert report.chains[0].length == 5
        assert report.chains[0].last_hash == entries[-1].entry_hash

    def test_passes_on_an_empty_trail(self, db):
        report = audit_verify()
        assert report.ok
        assert report.entries_checked == 0


class TestAuditVerifyFindsTampering:
    def test_a_changed_entry(self, entries):
        with append_only_triggers_off():
            raw(
                "UPDATE core_auditentry SET action = 'test.innocent' WHERE id = %s", [entries[2].id]
            )
        report = audit_verify()
        assert not report.ok
        (problem,) = report.problems
        assert (problem.kind, problem.chain, problem.position, problem.entry_id) == (
            "content_changed",
            entries[2].chain,
            3,
            entries[2].id,
        )

    def test_a_changed_before_or_after_value(self, entries):
        with append_only_triggers_off():
            raw("UPDATE core_auditentry SET after = %s WHERE id = %s", ['{"n": 99}', entries[0].id])
        assert kinds(audit_verify()) == {("content_changed", 1)}

    def test_a_removed_entry_in_the_middle(self, entries):
        with append_only_triggers_off():
            raw("DELETE FROM core_auditentry WHERE id = %s", [entries[1].id])
        found = kinds(audit_verify())
        assert ("gap", 3) in found
        assert ("link_broken", 3) in found

    def test_a_removed_last_entry(self, entries):
        with append_only_triggers_off():
            raw("DELETE FROM core_auditentry WHERE id = %s", [entries[-1].id])
        report = audit_verify()
        assert [p.kind for p in report.problems] == ["head_mismatch"]
        assert report.problems[0].chain == entries[0].chain

    def test_an_entry_inserted_in_the_middle(self, entries, now):
        chain = entries[0].chain
        forged = {
            "chain": chain,
            "occurred_at": now,
            "actor_kind": "staff",
            "actor_id": "9",
            "actor_label": "intruder",
            "action": "test.written",
            "target_type": "test.thing",
            "target_id": "forged",
            "before": None,
            "after": None,
            "ip": "",
            "request_id": "",
        }
        # Make room at position 3, then link the forgery correctly to entry 2.
        prev_hash = entries[1].entry_hash
        forged_hash = entry_hash_of(
            prev_hash=prev_hash, position=3, content_hash=content_hash_of(forged)
        )
        with append_only_triggers_off():
            for entry in reversed(entries[2:]):
                raw(
                    "UPDATE core_auditentry SET position = position + 1 WHERE id = %s",
                    [entry.id],
                )
            AuditEntry.objects.create(
                position=3, prev_hash=prev_hash, entry_hash=forged_hash, **forged
            )
        found = kinds(audit_verify())
        assert ("link_broken", 4) in found  # the old entry 3 no longer follows its predecessor
        assert ("content_changed", 4) in found  # its position is part of its hash

    def test_an_entry_appended_behind_the_heads_back(self, entries, now):
        last = entries[-1]
        forged = {
            "chain": last.chain,
            "occurred_at": now,
            "actor_kind": "system",
            "actor_id": "test",
            "actor_label": "test",
            "action": "test.written",
            "target_type": "test.thing",
            "target_id": "late",
            "before": None,
            "after": None,
            "ip": "",
            "request_id": "",
        }
        AuditEntry.objects.create(
            position=6,
            prev_hash=last.entry_hash,
            entry_hash=entry_hash_of(
                prev_hash=last.entry_hash, position=6, content_hash=content_hash_of(forged)
            ),
            **forged,
        )
        report = audit_verify()
        assert [p.kind for p in report.problems] == ["head_mismatch"]

    def test_a_changed_chain_head(self, entries):
        with append_only_triggers_off():
            AuditChainHead.objects.filter(chain=entries[0].chain).update(last_hash="f" * 64)
        assert [p.kind for p in audit_verify().problems] == ["head_mismatch"]

    def test_a_removed_chain_head(self, entries):
        with append_only_triggers_off():
            AuditChainHead.objects.filter(chain=entries[0].chain).delete()
        assert [p.kind for p in audit_verify().problems] == ["head_missing"]

    def test_a_head_whose_whole_chain_was_removed(self, entries):
        with append_only_triggers_off():
            raw("DELETE FROM core_auditentry")
        report = audit_verify()
        assert [p.kind for p in report.problems] == ["head_mismatch"]
        assert report.problems[0].position is None


class TestAuditVerifyCommand:
    def test_exits_zero_with_a_summary(self, entries):
        out = StringIO()
        call_command("audit", "verify", stdout=out)
        text = out.getvalue()
        assert "5 entries" in text
        assert f"{AUDIT_CHAINS} chains" in text or "chains" in text
        assert "OK" in text

    def test_lists_each_problem_and_fails(self, entries):
        with append_only_triggers_off():
            raw("UPDATE core_auditentry SET target_id = 'x' WHERE id = %s", [entries[3].id])
        err = StringIO()
        with pytest.raises(CommandError, match="1 problem"):
            call_command("audit", "verify", stderr=err)
        assert f"chain {entries[3].chain} position 4 (entry id {entries[3].id})" in err.getvalue()
        assert "content_changed" in err.getvalue()
