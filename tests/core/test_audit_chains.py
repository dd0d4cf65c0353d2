"""`audit_verify` knows how many chains the trail has and requires every chain's head, so a
chain removed together with its head does not go unnoticed, and writing to such a chain fails
rather than quietly starting it again."""

from datetime import date
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import InternalError, connection

from hujin.core.actors import system_actor
from hujin.core.audit import audit_record, audit_verify
from hujin.core.audit.chain import heads_create
from hujin.core.dates import business_date_set
from hujin.core.models import AUDIT_CHAINS, GENESIS_HASH, AuditChainHead, BusinessDate, OutboxEvent
from tests.core.audit_tampering import (
    append_only_triggers_off,
    as_a_production_database,
    on_chain,
    raw,
)

pytestmark = pytest.mark.django_db

REMOVED, KEPT = 3, 9


def write(now, n: int, **kwargs):
    return [
        audit_record(
            actor=system_actor("test"), action="test.written", target_type="test.thing",
            target_id=str(i), occurred_at=now, **kwargs,
        )
        for i in range(n)
    ]  # fmt: skip


@pytest.fixture
def two_chains(now):
    """Three entries in chain REMOVED, two in chain KEPT."""
    with on_chain(REMOVED):
        write(now, 3)
    with on_chain(KEPT):
        write(now, 2)


def remove_chain(chain: int) -> None:
    """What an attacker with database access does: the chain's entries and its head go."""
    with append_only_triggers_off():
        raw("DELETE FROM core_auditentry WHERE chain = %s", [chain])
        raw("DELETE FROM core_auditchainhead WHERE chain = %s", [chain])


def flush_heads() -> None:
    """What a test database's flush does to the heads (allowed on test databases only)."""
    with append_only_triggers_off():
        raw("DELETE FROM core_auditchainhead")


class TestEveryChainHasItsHead:
    def test_the_first_entry_creates_every_chains_head(self, now):
        flush_heads()

        (entry,) = write(now, 1)

        heads = dict(AuditChainHead.objects.values_list("chain", "length"))
        assert sorted(heads) == list(range(AUDIT_CHAINS))
        assert heads[entry.chain] == 1
        assert sum(heads.values()) == 1

    def test_verify_counts_the_chains_and_their_heads(self, two_chains):
        report = audit_verify()

        assert report.ok, report.problems
        assert (report.chain_count, report.heads_present) == (AUDIT_CHAINS, AUDIT_CHAINS)
        assert [c.chain for c in report.chains] == [REMOVED, KEPT]

    def test_the_command_says_so(self, two_chains):
        out = StringIO()

        call_command("audit", "verify", stdout=out)

        assert f"{AUDIT_CHAINS} chains (2 in use), {AUDIT_CHAINS} heads, all present" in (
            out.getvalue()
        )

    def test_heads_lists_every_chain_used_or_not(self, two_chains):
        out = StringIO()

        call_command("audit", "verify", "--heads", stdout=out)

        lines = [line for line in out.getvalue().splitlines() if line.startswith("chain ")]
        assert len(lines) == AUDIT_CHAINS
        assert lines[KEPT].startswith(f"chain  {KEPT}: 2 entries, ")
        assert lines[0] == f"chain  0: 0 entries, {GENESIS_HASH}"


class TestAMissingChainIsFound:
    def test_a_chain_removed_with_its_head(self, two_chains):
        remove_chain(REMOVED)

        report = audit_verify()

        assert [(p.kind, p.chain) for p in report.problems] == [("chain_missing", REMOVED)]
        assert report.heads_present == AUDIT_CHAINS - 1

    def test_the_command_reports_it_and_fails(self, two_chains):
        remove_chain(REMOVED)
        err = StringIO()

        with pytest.raises(CommandError, match=f"{AUDIT_CHAINS - 1} heads present"):
            call_command("audit", "verify", stderr=err)

        assert f"chain {REMOVED}: chain_missing" in err.getvalue()

    def test_an_unused_chain_whose_head_was_removed(self, two_chains):
        remove_chain(0)

        assert [(p.kind, p.chain) for p in audit_verify().problems] == [("chain_missing", 0)]

    def test_every_chain_removed_but_one(self, two_chains):
        for chain in range(AUDIT_CHAINS):
            if chain != KEPT:
                remove_chain(chain)

        problems = audit_verify().problems

        assert {p.chain for p in problems} == set(range(AUDIT_CHAINS)) - {KEPT}
        assert {p.kind for p in problems} == {"chain_missing"}


class TestAWriteToARemovedChain:
    def test_fails_and_rolls_back_and_verify_still_reports_the_chain_missing(self, two_chains, now):
        remove_chain(REMOVED)

        with as_a_production_database():
            with on_chain(REMOVED), pytest.raises(InternalError) as raised:
                business_date_set(to_date=date(2025, 3, 14), actor=system_actor("test"), now=now)
            report = audit_verify()

        assert f"audit chain head {REMOVED} missing" in str(raised.value)
        assert not BusinessDate.objects.exists()  # the write's transaction rolled back
        assert not OutboxEvent.objects.filter(aggregate_type="business_date").exists()
        assert not AuditChainHead.objects.filter(chain=REMOVED).exists()  # not recreated
        assert [(p.kind, p.chain) for p in report.problems] == [("chain_missing", REMOVED)]

    def test_writes_to_the_other_chains_carry_on(self, two_chains, now):
        remove_chain(REMOVED)

        with as_a_production_database(), on_chain(KEPT):
            (entry,) = write(now, 1)
            report = audit_verify()

        assert (entry.chain, entry.position) == (KEPT, 3)
        assert [(p.kind, p.chain) for p in report.problems] == [("chain_missing", REMOVED)]

    def test_a_test_database_flushed_between_tests_gets_its_heads_back(self, two_chains, now):
        remove_chain(REMOVED)

        with on_chain(REMOVED):
            (entry,) = write(now, 1)

        assert (entry.chain, entry.position) == (REMOVED, 1)
        assert AuditChainHead.objects.get(chain=REMOVED).length == 1


class TestAnEmptyTrail:
    def test_a_flushed_test_database_owes_no_head(self, db):
        flush_heads()
        with append_only_triggers_off():
            raw("DELETE FROM core_auditentry")

        report = audit_verify()

        assert report.ok
        assert report.heads_required is False

    def test_any_other_database_without_heads_lost_them(self, db):
        flush_heads()
        with append_only_triggers_off():
            raw("DELETE FROM core_auditentry")

        with as_a_production_database():
            report = audit_verify()

        assert {p.kind for p in report.problems} == {"chain_missing"}
        assert len(report.problems) == AUDIT_CHAINS

    def test_a_new_database_has_every_head_and_no_entry(self, db):
        flush_heads()
        with append_only_triggers_off():
            raw("DELETE FROM core_auditentry")
        with connection.cursor() as cursor:
            heads_create(cursor)  # what the migration does

        with as_a_production_database():
            report = audit_verify()

        assert report.ok, report.problems
        assert (report.heads_present, report.chains) == (AUDIT_CHAINS, [])
