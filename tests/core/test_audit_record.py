import pytest
from django.db import transaction

from hujin.core import context
from hujin.core.actors import Actor, system_actor
from hujin.core.audit import (
    audit_personal_data_viewed,
    audit_record,
    content_hash_of,
    entry_hash_of,
)
from hujin.core.models import AUDIT_CHAINS, GENESIS_HASH, AuditChainHead, AuditEntry

pytestmark = pytest.mark.django_db

STAFF = Actor(kind="staff", id="7", label="li.officer")


def record(now, **overrides):
    values = {
        "actor": STAFF,
        "action": "customers.freeze",
        "target_type": "customers.customer",
        "target_id": "c-1",
        "occurred_at": now,
        "before": {"status": "active"},
        "after": {"status": "frozen"},
    }
    return audit_record(**(values | overrides))


class TestAuditRecord:
    def test_stores_who_did_what_to_which_object(self, now):
        entry = record(now)
        stored = AuditEntry.objects.get(id=entry.id)
        assert (stored.actor_kind, stored.actor_id, stored.actor_label) == (
            "staff",
            "7",
            "li.officer",
        )
        assert (stored.action, stored.target_type, stored.target_id) == (
            "customers.freeze",
            "customers.customer",
            "c-1",
        )
        assert stored.before == {"status": "active"}
        assert stored.after == {"status": "frozen"}
        assert stored.occurred_at == now

    def test_takes_ip_and_request_id_from_the_request_context(self, now):
        token = context.bind(context.RequestContext(request_id="req-42", ip="203.0.113.9"))
        try:
            entry = record(now)
        finally:
            context.unbind(token)
        stored = AuditEntry.objects.get(id=entry.id)
        assert (stored.ip, stored.request_id) == ("203.0.113.9", "req-42")

    def test_links_each_entry_to_the_previous_one_of_its_chain(self, now):
        first, second, third = (record(now, target_id=str(i)) for i in range(3))
        assert first.chain == second.chain == third.chain
        assert [second.position, third.position] == [first.position + 1, first.position + 2]
        assert second.prev_hash == first.entry_hash
        assert third.prev_hash == second.entry_hash

    def test_the_first_entry_of_a_chain_follows_the_genesis_hash(self, now):
        entry = record(now)
        assert entry.position == 1
        assert entry.prev_hash == GENESIS_HASH

    def test_the_stored_hash_is_the_recomputed_hash_of_the_stored_row(self, now):
        entry = record(now, after={"score": 1.0, "ratio": 0.25, "tags": ("a", "b"), "name": "张*"})
        stored = AuditEntry.objects.filter(id=entry.id).values().get()
        assert stored["entry_hash"] == entry.entry_hash
        assert stored["entry_hash"] == entry_hash_of(
            prev_hash=stored["prev_hash"],
            position=stored["position"],
            content_hash=content_hash_of(stored),
        )

    def test_advances_the_chain_head(self, now):
        entry = record(now)
        record_two = record(now, target_id="c-2")
        head = AuditChainHead.objects.get(chain=entry.chain)
        assert (head.last_seq, head.length, head.last_hash) == (2, 2, record_two.entry_hash)
        assert head.prev_hash == entry.entry_hash

    def test_cuts_over_long_text_to_the_column_sizes(self, now):
        entry = record(now, target_id="x" * 200, actor=Actor(kind="staff", id="1", label="n" * 400))
        stored = AuditEntry.objects.get(id=entry.id)
        assert len(stored.target_id) == 64
        assert len(stored.actor_label) == 150
        assert stored.entry_hash == entry.entry_hash


@pytest.mark.django_db(transaction=True)
class TestAuditChainChoice:
    def test_one_transaction_writes_to_one_chain(self, now):
        with transaction.atomic():
            chains = {record(now, target_id=str(i)).chain for i in range(20)}
        assert len(chains) == 1

    def test_separate_transactions_spread_over_the_chains(self, now):
        chains = set()
        for i in range(80):
            with transaction.atomic():
                chains.add(record(now, target_id=str(i)).chain)
        assert len(chains) > 1
        assert chains <= set(range(AUDIT_CHAINS))

    def test_outside_a_transaction_it_refuses(self, now):
        with pytest.raises(AssertionError, match="inside the write's transaction"):
            record(now)


class TestPersonalDataViewed:
    def test_records_the_field_names_and_never_the_values(self, now):
        entry = audit_personal_data_viewed(
            actor=system_actor("test"),
            target_type="customers.customer",
            target_id="c-1",
            fields=["mobile", "document_number"],
            occurred_at=now,
        )
        stored = AuditEntry.objects.get(id=entry.id)
        assert stored.action == "personal_data.viewed"
        assert stored.after == {"fields": ["document_number", "mobile"]}
        assert stored.before is None
