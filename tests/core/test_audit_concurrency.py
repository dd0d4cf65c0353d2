"""Many writers at once: every entry lands in a chain, positions never repeat, verify passes."""

import threading

import pytest
from django.db import connection, transaction

from hujin.core.actors import system_actor
from hujin.core.audit import audit_record, audit_verify
from hujin.core.models import AuditEntry

WRITERS = 8
TRANSACTIONS_EACH = 40
ENTRIES_PER_TRANSACTION = 3


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_keep_every_chain_intact(now):
    start = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def writer(number: int) -> None:
        actor = system_actor(f"writer-{number}")
        try:
            start.wait()
            for t in range(TRANSACTIONS_EACH):
                with transaction.atomic():
                    chains = {
                        audit_record(
                            actor=actor,
                            action="test.concurrent",
                            target_type="test.thing",
                            target_id=f"{number}-{t}-{i}",
                            occurred_at=now,
                        ).chain
                        for i in range(ENTRIES_PER_TRANSACTION)
                    }
                    assert len(chains) == 1
        except BaseException as exc:  # handed to the test thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors
    total = WRITERS * TRANSACTIONS_EACH * ENTRIES_PER_TRANSACTION
    assert AuditEntry.objects.count() == total
    positions = list(AuditEntry.objects.values_list("chain", "position"))
    assert len(set(positions)) == total
    report = audit_verify()
    assert report.ok, report.problems
    assert report.entries_checked == total
    assert sum(1 for chain in report.chains if chain.length) > 1
