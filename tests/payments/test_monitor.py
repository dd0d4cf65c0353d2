"""The console's reads over every customer's payments: the matrix of states by age with counts
and sums, the unresolved payments oldest first with their age, the menu's waiting count, the
filtered list in keyset pages, one payment's history and ledger transfers, and who may see them.
"""

from datetime import date, timedelta

import pytest

from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied
from hujin.customers.permissions import VIEW_CUSTOMERS
from hujin.ledger.selectors import LEDGER_READ_PERMISSION
from hujin.payments.channels.sandbox import sandbox_callbacks_run
from hujin.payments.errors import PaymentNotFound
from hujin.payments.permissions import VIEW_CARDS, VIEW_PAYMENTS
from hujin.payments.selectors import (
    PaymentFilters,
    payment_detail,
    payments_list,
    payments_matrix,
    payments_unresolved,
    payments_waiting_count,
)
from hujin.payments.services import topup_request
from tests.payments.conftest import actor_for
from tests.payments.money import Payer, open_wallet

VIEWER = Actor(
    kind="staff", id="7", label="monitor",
    scopes=frozenset({VIEW_PAYMENTS, VIEW_CUSTOMERS, LEDGER_READ_PERMISSION}),
)  # fmt: skip


@pytest.fixture
def payer(customer, bound_card, now):
    card = bound_card(at=now - timedelta(days=3))
    return Payer(
        user=customer, card_id=card.id, wallet_id=open_wallet(customer, now - timedelta(days=3))
    )


def _topup(payer, at, amount, key):
    return topup_request(actor=payer.actor, card_id=payer.card_id, amount_minor=amount,
                         idempotency_key=key, now=at)  # fmt: skip


@pytest.fixture
def spread(payer, now, sandbox):
    """Top-ups of every age: two pending (2 min, 30 min), one settled 3 h ago, one whose answer
    was lost 2 days ago (unknown), one pending 5 h ago."""
    settled = _topup(payer, now - timedelta(hours=3), 300_00, "settled")
    sandbox_callbacks_run(now=now - timedelta(hours=3))
    sandbox["lost_share"] = 1
    lost = _topup(payer, now - timedelta(days=2), 50_00, "lost")
    sandbox["lost_share"] = 0
    old = _topup(payer, now - timedelta(hours=5), 70_00, "old")
    fresh = _topup(payer, now - timedelta(minutes=2), 100_00, "fresh")
    half = _topup(payer, now - timedelta(minutes=30), 200_00, "half")
    return {"settled": settled, "lost": lost, "old": old, "fresh": fresh, "half": half}


def _cell(matrix, status, age):
    row = next(r for r in matrix.rows if r.status == status)
    cell = next(c for c in row.cells if c.age == age)
    return cell.count, cell.amount_minor


class TestMatrix:
    def test_counts_and_sums_payments_by_state_and_age(self, spread, now):
        matrix = payments_matrix(actor=VIEWER, now=now)

        assert _cell(matrix, "pending", "under_5m") == (1, 100_00)
        assert _cell(matrix, "pending", "5m_1h") == (1, 200_00)
        assert _cell(matrix, "pending", "1h_1d") == (1, 70_00)
        assert _cell(matrix, "succeeded", "1h_1d") == (1, 300_00)
        assert _cell(matrix, "unknown", "over_1d") == (1, 50_00)
        assert _cell(matrix, "failed", "over_1d") == (0, 0)
        assert matrix.count == 5 and matrix.amount_minor == 720_00
        assert matrix.unresolved_count == 4

    def test_the_unresolved_states_come_first(self, spread, now):
        matrix = payments_matrix(actor=VIEWER, now=now)

        assert [r.status for r in matrix.rows][:3] == ["created", "pending", "unknown"]
        assert [r.unresolved for r in matrix.rows][:4] == [True, True, True, False]

    def test_a_kind_counts_only_its_own(self, spread, now):
        assert payments_matrix(actor=VIEWER, now=now, kind="withdrawal").count == 0
        assert payments_matrix(actor=VIEWER, now=now, kind="topup").count == 5


class TestUnresolved:
    def test_lists_what_is_not_final_the_oldest_first_with_its_age(self, spread, now):
        rows = payments_unresolved(actor=VIEWER, now=now)

        assert [r.id for r in rows] == [
            spread["lost"].id, spread["old"].id, spread["half"].id, spread["fresh"].id,
        ]  # fmt: skip
        assert rows[0].age_seconds == 2 * 24 * 3600 and rows[0].age == "over_1d"
        assert rows[-1].age_seconds == 120 and rows[-1].age == "under_5m"

    def test_names_the_customer_masked_and_links_to_their_page(self, spread, now):
        [first, *_] = payments_unresolved(actor=VIEWER, now=now)

        assert str(first.customer.name) == "张*"
        assert first.customer.url.startswith("/customers/")

    def test_the_menu_counts_those_waiting_for_over_an_hour(self, spread, now):
        assert payments_waiting_count(actor=VIEWER, now=now) == 2
        assert payments_waiting_count(actor=VIEWER, now=now + timedelta(hours=1)) == 4

    def test_nobody_without_the_permission_is_counted_any(self, spread, now, customer):
        clerk = Actor(kind="staff", id="8", label="clerk", scopes=frozenset({VIEW_CARDS}))

        assert payments_waiting_count(actor=clerk, now=now) == 0
        assert payments_waiting_count(actor=actor_for(customer), now=now) == 0


class TestList:
    def test_filters_by_status_and_age(self, spread, now):
        page = payments_list(
            actor=VIEWER, filters=PaymentFilters(status="pending", age="1h_1d"), now=now
        )

        assert [r.id for r in page.rows] == [spread["old"].id]

    def test_filters_by_business_day_in_shanghai(self, spread, now):
        two_days_ago = date(2025, 3, 12)  # now is 2025-03-14 10:00 in Shanghai

        page = payments_list(
            actor=VIEWER, filters=PaymentFilters(date_from=two_days_ago, date_to=two_days_ago),
            now=now,
        )  # fmt: skip

        assert [r.id for r in page.rows] == [spread["lost"].id]

    def test_pages_go_from_the_newest_to_the_oldest_without_gaps(self, spread, now):
        seen, cursor = [], ""
        while True:
            page = payments_list(
                actor=VIEWER, filters=PaymentFilters(), now=now, before=cursor, limit=2
            )
            seen += [r.id for r in page.rows]
            if page.next_cursor is None:
                break
            cursor = page.next_cursor

        assert seen == [spread[k].id for k in ("fresh", "half", "settled", "old", "lost")]

    def test_a_cursor_that_is_not_one_shows_the_first_page(self, spread, now):
        page = payments_list(actor=VIEWER, filters=PaymentFilters(), now=now, before="x.y")

        assert len(page.rows) == 5


class TestDetail:
    def test_shows_the_history_and_the_ledger_transfers_of_a_settled_payment(self, spread, now):
        detail = payment_detail(actor=VIEWER, payment_id=spread["settled"].id, now=now)

        assert [(s.status_before, s.status_after) for s in detail.history] == [
            ("", "created"), ("pending", "succeeded"),
        ]  # fmt: skip
        assert [str(s.by) for s in detail.history] == ["The customer", "Hujin (automatic)"]
        assert [str(t.kind_label) for t in detail.transfers] == ["Hold", "Hold posted"]
        assert all(t.url.startswith("/ledger/transfers/") for t in detail.transfers)
        assert detail.card_masked.startswith("6222 ****") and str(detail.customer.name) == "张*"
        assert not detail.unresolved and detail.amount_minor == 300_00

    def test_without_the_ledger_permission_the_transfers_are_not_linked(self, spread, now):
        viewer = Actor(kind="staff", id="9", label="agent",
                       scopes=frozenset({VIEW_PAYMENTS, VIEW_CUSTOMERS}))  # fmt: skip

        detail = payment_detail(actor=viewer, payment_id=spread["settled"].id, now=now)

        assert all(t.url == "" for t in detail.transfers)

    def test_an_unknown_payment_is_not_found(self, now, db):
        import uuid

        with pytest.raises(PaymentNotFound):
            payment_detail(actor=VIEWER, payment_id=uuid.uuid4(), now=now)


class TestScope:
    @pytest.mark.parametrize(
        "read",
        [
            lambda actor, now, p: payments_matrix(actor=actor, now=now),
            lambda actor, now, p: payments_unresolved(actor=actor, now=now),
            lambda actor, now, p: payments_list(actor=actor, filters=PaymentFilters(), now=now),
            lambda actor, now, p: payment_detail(actor=actor, payment_id=p.id, now=now),
        ],
        ids=["matrix", "unresolved", "list", "detail"],
    )
    def test_a_customer_or_staff_without_the_permission_is_refused(
        self, read, spread, now, customer
    ):
        clerk = Actor(kind="staff", id="8", label="clerk", scopes=frozenset({VIEW_CARDS}))

        for actor in (clerk, actor_for(customer)):
            with pytest.raises(PermissionDenied):
                read(actor, now, spread["settled"])
