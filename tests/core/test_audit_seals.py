"""Seals write every chain's end into the trail; `audit_verify` checks them, so a chain emptied
or cut short together with its head (put back to match) is still found."""

from datetime import date
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from hujin.core import cob
from hujin.core.actors import system_actor
from hujin.core.audit import SEAL_ACTION, audit_record, audit_seal, audit_verify
from hujin.core.audit.seal import COB_STEP_NAME, cob_audit_seal
from hujin.core.models import AUDIT_CHAINS, GENESIS_HASH, AuditEntry
from tests.core.audit_tampering import append_only_triggers_off, on_chain, raw

pytestmark = pytest.mark.django_db

SEALED, SEALING = 3, 5


def write(now, n: int):
    return [
        audit_record(
            actor=system_actor("test"), action="test.written", target_type="test.thing",
            target_id=str(i), occurred_at=now,
        )
        for i in range(n)
    ]  # fmt: skip


@pytest.fixture
def sealed(now):
    """Four entries in chain SEALED, then a seal written in chain SEALING."""
    with on_chain(SEALED):
        entries = write(now, 4)
    with on_chain(SEALING):
        seal = audit_seal(actor=system_actor("test"), occurred_at=now)
    return entries, seal


def set_head(chain: int, *, length: int, last_hash: str, prev_hash: str) -> None:
    with append_only_triggers_off():
        raw(
            "UPDATE core_auditchainhead SET last_seq = %s, length = %s, last_hash = %s, "
            "prev_hash = %s WHERE chain = %s",
            [length, length, last_hash, prev_hash, chain],
        )


class TestASeal:
    def test_records_how_many_chains_and_each_chains_end(self, sealed):
        entries, seal = sealed

        stored = AuditEntry.objects.get(id=seal.id)
        assert (stored.action, stored.chain) == (SEAL_ACTION, SEALING)
        assert stored.after["chains"] == AUDIT_CHAINS
        heads = {chain: (length, last) for chain, length, last in stored.after["heads"]}
        assert sorted(heads) == list(range(AUDIT_CHAINS))
        assert heads[SEALED] == (4, entries[-1].entry_hash)
        assert heads[0] == (0, GENESIS_HASH)

    def test_holds_on_an_intact_trail(self, sealed, now):
        with on_chain(SEALED):
            write(now, 2)  # chains grow past their seals

        report = audit_verify()

        assert report.ok, report.problems
        assert report.seals_checked == 1


class TestSealsFindWhatHeadsCannot:
    def test_a_chain_emptied_and_its_head_put_back_empty(self, sealed):
        with append_only_triggers_off():
            raw("DELETE FROM core_auditentry WHERE chain = %s", [SEALED])
        set_head(SEALED, length=0, last_hash=GENESIS_HASH, prev_hash=GENESIS_HASH)

        problems = audit_verify().problems

        assert [(p.kind, p.chain, p.position) for p in problems] == [("seal_mismatch", SEALED, 4)]
        assert "no entry 4" in problems[0].message
        assert f"chain {SEALING} position" in problems[0].message

    def test_a_chain_cut_short_with_its_head_moved_back(self, sealed):
        entries, _ = sealed
        with append_only_triggers_off():
            raw("DELETE FROM core_auditentry WHERE id = %s", [entries[-1].id])
        set_head(SEALED, length=3, last_hash=entries[2].entry_hash, prev_hash=entries[1].entry_hash)

        assert [(p.kind, p.position) for p in audit_verify().problems] == [("seal_mismatch", 4)]

    def test_a_chain_rewritten_from_a_sealed_entry(self, sealed):
        entries, _ = sealed
        with append_only_triggers_off():
            raw(
                "UPDATE core_auditentry SET entry_hash = %s WHERE id = %s",
                ["e" * 64, entries[-1].id],
            )
        set_head(SEALED, length=4, last_hash="e" * 64, prev_hash=entries[2].entry_hash)

        kinds = {(p.kind, p.position) for p in audit_verify().problems}

        assert ("seal_mismatch", 4) in kinds
        assert "rewritten" in str(audit_verify().problems)

    def test_a_seal_that_cannot_be_read(self, now):
        audit_record(
            actor=system_actor("test"), action=SEAL_ACTION, target_type="audit.trail",
            target_id="chains", occurred_at=now, after={"heads": "all fine"},
        )  # fmt: skip

        assert [p.kind for p in audit_verify().problems] == ["seal_invalid"]

    def test_a_seal_counting_other_chains(self, now):
        audit_record(
            actor=system_actor("test"), action=SEAL_ACTION, target_type="audit.trail",
            target_id="chains", occurred_at=now, after={"chains": 4, "heads": []},
        )  # fmt: skip

        assert [p.kind for p in audit_verify().problems] == ["seal_mismatch"]


class TestSealing:
    def test_the_close_of_business_seals_the_trail(self, now):
        apps.get_app_config("core").ready()  # core's tests start with no COB step registered

        assert COB_STEP_NAME in [step.name for step in cob.cob_steps()]
        result = cob_audit_seal(date(2025, 3, 14), now)
        seal = AuditEntry.objects.get(action=SEAL_ACTION)
        assert result == {"chain": seal.chain, "position": seal.position}
        assert seal.actor_id == "cob"

    def test_hujin_audit_seal_writes_one(self, db):
        out = StringIO()

        call_command("audit", "seal", stdout=out)

        assert AuditEntry.objects.filter(action=SEAL_ACTION).count() == 1
        assert "audit trail sealed" in out.getvalue()
        verified = StringIO()
        call_command("audit", "verify", stdout=verified)
        assert "1 seal holds" in verified.getvalue()
