"""The console's reads of the reconciliation: the break queue counted and filtered by kind and
age bucket, a break's suggested resolution by kind, the menu's count, and who may read them."""

from dataclasses import replace
from datetime import timedelta

import pytest

from hujin.payments.models import Break
from hujin.payments.reconciliation import selectors
from hujin.payments.reconciliation.errors import BreakNotFound, ReconciliationNotPermitted
from hujin.payments.reconciliation.resolution import break_resolution_propose
from tests.payments.money import Payer, open_wallet
from tests.payments.reconciliation import LATE, operator, reconcile, topup

OPERATOR = operator("op")


@pytest.fixture
def breaks(customer, bound_card, now, business_date, sandbox):
    """Three breaks of 2025-03-14: a top-up the file leaves out, two lines Hujin never saw."""
    card = bound_card()
    topup(Payer(user=customer, card_id=card.id, wallet_id=open_wallet(customer, now)), now)
    sandbox.update(recon_drop_share=1, recon_extra_lines=2)
    reconcile(business_date)
    return {b.kind: b for b in Break.objects.all()}


class TestTheQueue:
    def test_counts_by_kind_and_by_age_bucket(self, breaks, business_date):
        queue = selectors.break_queue(actor=OPERATOR, as_of=business_date + timedelta(days=10))

        by_kind = {c.key: c.n for c in queue.by_kind}
        by_bucket = {c.key: c.n for c in queue.by_bucket}
        assert by_kind["missing_in_hujin"] == 2 and by_kind["missing_at_channel"] == 1
        assert by_bucket == {"0-1": 0, "2-7": 0, "8-30": 3, "30+": 0}
        assert {r.age_days for r in queue.rows} == {10}

    def test_filters_by_kind_and_bucket(self, breaks, business_date):
        as_of = business_date + timedelta(days=40)

        only = selectors.break_queue(actor=OPERATOR, as_of=as_of, kind="missing_at_channel")
        none = selectors.break_queue(actor=OPERATOR, as_of=as_of, bucket="0-1")

        assert [r.kind for r in only.rows] == ["missing_at_channel"]
        assert only.rows[0].bucket_label == "Over 30 days" and none.rows == []

    def test_a_proposed_break_stays_in_the_queue_waiting_for_its_checker(
        self, breaks, business_date
    ):
        item = breaks["missing_at_channel"]
        break_resolution_propose(break_id=item.id, action="wallet_debit", amount_minor=100_00,
                                 note="n", actor=OPERATOR, now=LATE)  # fmt: skip

        queue = selectors.break_queue(actor=OPERATOR, as_of=business_date)

        row = next(r for r in queue.rows if r.id == item.id)
        assert row.badge == "break_waiting"
        assert selectors.open_breaks_count(OPERATOR) == 3


class TestABreak:
    def test_suggests_taking_back_what_hujin_credited_and_the_channel_never_collected(
        self, breaks, business_date
    ):
        item = breaks["missing_at_channel"]

        detail = selectors.break_detail(actor=OPERATOR, break_id=item.id, as_of=business_date)

        assert (detail.suggested_action, detail.suggested_amount_minor) == ("wallet_debit", 100_00)
        assert detail.may_propose and len(detail.actions) == 6

    def test_suggests_suspense_for_a_line_nobody_can_place_and_offers_no_wallet(
        self, breaks, business_date
    ):
        item = Break.objects.filter(kind="missing_in_hujin").first()

        detail = selectors.break_detail(actor=OPERATOR, break_id=item.id, as_of=business_date)

        assert (detail.suggested_action, detail.suggested_amount_minor) == ("suspense_in", 123_45)
        assert [key for key, _ in detail.actions] == ["suspense_in", "suspense_out"]

    def test_an_unknown_break_is_not_found(self, db, business_date):
        import uuid

        with pytest.raises(BreakNotFound):
            selectors.break_detail(actor=OPERATOR, break_id=uuid.uuid4(), as_of=business_date)


class TestWhoMayRead:
    def test_someone_without_a_reconciliation_permission_is_refused(self, breaks, business_date):
        nobody = replace(OPERATOR, scopes=frozenset({"payments.view_payments"}))

        with pytest.raises(ReconciliationNotPermitted):
            selectors.break_queue(actor=nobody, as_of=business_date)
        with pytest.raises(ReconciliationNotPermitted):
            selectors.reconciliation_runs(actor=nobody)
        assert selectors.open_breaks_count(nobody) == 0

    def test_a_reader_sees_the_break_but_may_not_propose(self, breaks, business_date):
        reader = replace(OPERATOR, scopes=frozenset({"payments.view_reconciliation"}))
        item = breaks["missing_at_channel"]

        detail = selectors.break_detail(actor=reader, break_id=item.id, as_of=business_date)

        assert not detail.may_propose
