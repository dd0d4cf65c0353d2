"""The daily reconciliation: the sandbox's file, Hujin's payments and the ledger matched three
ways; each kind of break the sandbox's knobs make; a green day; the days that cannot conclude;
breaks persisting and resolved across runs; the grace period; replaying a past date."""

from datetime import timedelta

import pytest

from hujin.core.models import AuditEntry, OutboxEvent
from hujin.payments.models import Break, Payment
from hujin.payments.reconciliation.errors import (
    ReconciliationDateInvalid,
    ReconciliationNotPermitted,
)
from hujin.payments.reconciliation.matching import break_key
from tests.payments.money import Payer, open_wallet
from tests.payments.reconciliation import (
    CUT_OFF,
    LATE,
    SYSTEM,
    operator,
    reconcile,
    topup,
    withdraw,
)


@pytest.fixture
def payer(customer, bound_card, now):
    card = bound_card()
    return Payer(user=customer, card_id=card.id, wallet_id=open_wallet(customer, now))


def _kinds(run):
    return sorted(Break.objects.filter(last_run=run).values_list("kind", flat=True))


class TestAGreenDay:
    def test_a_day_where_everyone_agrees_is_green_with_a_residual_of_zero(
        self, payer, now, business_date
    ):
        topup(payer, now, 100_00, "t-1")
        topup(payer, now, 50_00, "t-2")
        withdraw(payer, now, 30_00, "w-1")

        run = reconcile(business_date)

        assert run.status == "complete" and run.reason == ""
        assert (run.opening_minor, run.flows_minor, run.closing_minor) == (0, 150_00, 150_00)
        assert run.residual_minor == 0 and run.matched_count == 3
        assert run.green and _kinds(run) == []
        assert len(run.file_sha256) == 64 and run.file_lines == 3

    def test_a_failed_payment_the_channel_lists_as_failed_is_no_break(
        self, payer, now, business_date, sandbox
    ):
        sandbox["fail_share"] = 1
        topup(payer, now)

        run = reconcile(business_date)

        assert run.green and run.flows_minor == 0

    def test_the_run_is_audited_and_announced(self, payer, now, business_date):
        run = reconcile(business_date)

        assert AuditEntry.objects.filter(action="payments.reconciliation_run",
                                         target_id=str(run.id)).exists()  # fmt: skip
        assert OutboxEvent.objects.filter(event_type="payments.reconciliation_completed").exists()


class TestTheStatement:
    def test_a_top_up_settled_just_after_midnight_is_in_transit_on_both_days_and_both_are_green(
        self, payer, business_date, sandbox
    ):
        from hujin.core.dates import business_date_set
        from hujin.payments.channels.sandbox import sandbox_callbacks_run

        sandbox["delay_seconds"] = 30
        topup(payer, CUT_OFF - timedelta(seconds=10), settle=False)
        # The callback comes at 00:00:20 in Shanghai: the channel settles it on the 15th, the
        # ledger posts it on business date the 14th (the COB has not run yet).
        sandbox_callbacks_run(now=CUT_OFF + timedelta(seconds=20))
        first = reconcile(business_date)
        business_date_set(to_date=business_date + timedelta(days=1), actor=SYSTEM, now=LATE)
        second = reconcile(business_date + timedelta(days=1), at=LATE + timedelta(days=1))

        assert (first.flows_minor, first.in_transit_minor, first.closing_minor) == (
            0,
            100_00,
            100_00,
        )
        assert (second.flows_minor, second.in_transit_minor) == (100_00, -100_00)
        assert first.green and second.green

    def test_a_transfer_on_the_clearing_account_that_is_no_payment_is_left_unexplained(
        self, payer, now, business_date
    ):
        from hujin.core.ids import new_id
        from hujin.ledger.services import transfers_create
        from hujin.ledger.types import TransferRequest
        from hujin.payments.reconciliation.suspense import suspense_account_open
        from hujin.payments.services.house import clearing_code, house_account_id

        topup(payer, now)
        by_hand = TransferRequest(
            id=new_id(), debit_account_id=house_account_id(clearing_code("sandbox")),
            credit_account_id=suspense_account_open(now=now), amount=7_00, currency="CNY",
            code="manual",
        )  # fmt: skip
        transfers_create(transfers=[by_hand], actor=SYSTEM, now=now, business_date=business_date)

        run = reconcile(business_date)

        assert run.residual_minor == 7_00 and _kinds(run) == [] and not run.green


class TestEachKindOfBreak:
    def test_a_line_the_channel_left_out_is_missing_at_the_channel(
        self, payer, now, business_date, sandbox
    ):
        topup(payer, now)
        sandbox["recon_drop_share"] = 1

        run = reconcile(business_date)

        assert _kinds(run) == ["missing_at_channel"]
        assert (run.breaks_minor, run.residual_minor) == (100_00, 0) and not run.green

    def test_a_changed_amount_is_an_amount_mismatch(self, payer, now, business_date, sandbox):
        payment = topup(payer, now)
        sandbox["recon_amount_share"] = 1

        run = reconcile(business_date)

        [item] = Break.objects.filter(last_run=run)
        assert item.kind == "amount_mismatch" and item.payment_id == payment.id
        assert (item.channel_amount_minor, item.hujin_amount_minor) == (101_00, 100_00)
        assert (run.breaks_minor, run.residual_minor) == (-1_00, 0)

    def test_a_line_hujin_never_saw_is_missing_in_hujin(self, payer, now, business_date, sandbox):
        sandbox["recon_extra_lines"] = 1

        run = reconcile(business_date)

        [item] = Break.objects.filter(last_run=run)
        assert item.kind == "missing_in_hujin" and item.payment_id is None
        assert item.channel_amount_minor == 123_45 and item.direction == "in"

    def test_a_flipped_status_is_a_status_mismatch(self, payer, now, business_date, sandbox):
        topup(payer, now)
        sandbox["recon_status_share"] = 1

        run = reconcile(business_date)

        [item] = Break.objects.filter(last_run=run)
        assert item.kind == "status_mismatch"
        assert (item.channel_status, item.hujin_status) == ("failed", "succeeded")

    def test_a_line_written_twice_is_a_duplicate(self, payer, now, business_date, sandbox):
        topup(payer, now)
        sandbox["recon_duplicate_share"] = 1

        run = reconcile(business_date)

        assert _kinds(run) == ["duplicate"]
        assert (run.breaks_minor, run.residual_minor) == (-100_00, 0)

    def test_a_payment_the_ledger_never_posted_is_a_status_mismatch(
        self, payer, now, business_date
    ):
        payment = topup(payer, now)
        Payment.objects.filter(id=payment.id).update(resolution_transfer_id=None)

        run = reconcile(business_date)

        [item] = Break.objects.filter(last_run=run)
        assert item.kind == "status_mismatch" and item.hujin_status == "-"


class TestADayThatCannotConclude:
    def test_a_withheld_file_makes_the_run_incomplete_never_green(
        self, payer, now, business_date, sandbox
    ):
        topup(payer, now)
        sandbox["recon_missing"] = True

        run = reconcile(business_date)

        assert (run.status, run.reason) == ("incomplete", "file_missing") and not run.green
        assert Break.objects.count() == 0

    def test_a_file_that_changed_since_an_earlier_run_read_it_is_incomplete(
        self, payer, now, business_date, sandbox
    ):
        topup(payer, now)
        first = reconcile(business_date)
        sandbox["recon_amount_share"] = 1

        again = reconcile(business_date, at=LATE + timedelta(hours=1))

        assert first.green
        assert (again.status, again.reason) == ("incomplete", "file_changed")
        assert again.file_sha256 != first.file_sha256

    def test_a_file_that_changes_while_the_run_reads_it_is_incomplete(
        self, payer, now, business_date, monkeypatch
    ):
        from hujin.payments.channels.sandbox import SandboxChannel

        topup(payer, now)
        original, reads = SandboxChannel.reconciliation_file, []

        def shifting(self, *, business_date):
            reads.append(business_date)
            content = original(self, business_date=business_date)
            return content if len(reads) == 1 else content.replace(b"succeeded", b"failed", 1)

        monkeypatch.setattr(SandboxChannel, "reconciliation_file", shifting)

        run = reconcile(business_date)

        assert (run.status, run.reason) == ("incomplete", "file_changed")

    def test_a_jump_in_the_file_sequence_is_a_gap(self, payer, now, business_date, sandbox):
        reconcile(business_date - timedelta(days=2))
        sandbox["recon_sequence_offset"] = 1

        run = reconcile(business_date)

        assert (run.status, run.reason) == ("incomplete", "sequence_gap")

    def test_consecutive_files_are_in_sequence(self, payer, now, business_date):
        reconcile(business_date - timedelta(days=1))

        assert reconcile(business_date).status == "complete"


class TestBreaksAcrossRuns:
    def test_a_break_found_again_is_the_same_break_and_one_no_longer_found_is_resolved(
        self, payer, now, business_date, sandbox
    ):
        payment = topup(payer, now)
        sandbox["recon_missing"] = False
        sandbox["recon_amount_share"] = 1
        first = reconcile(business_date)
        second = reconcile(business_date, at=LATE + timedelta(days=1))
        key = break_key("sandbox", Payment.objects.get(id=payment.id).channel_reference,
                        "amount_mismatch")  # fmt: skip

        item = Break.objects.get(id=key)
        assert (first.breaks_new, second.breaks_new, second.breaks_persisting) == (1, 0, 1)
        assert item.times_seen == 2 and item.first_run_id == first.id
        assert item.last_run_id == second.id and item.status == "open"

    def test_a_break_persists_until_a_late_callback_settles_the_payment_then_it_is_cleared(
        self, payer, now, business_date
    ):
        from hujin.payments.channels.sandbox import sandbox_callbacks_run

        topup(payer, now, settle=False)  # the channel settled it; its callback is late
        first = reconcile(business_date)
        second = reconcile(business_date, at=LATE + timedelta(hours=1))
        [item] = Break.objects.all()
        assert (item.kind, item.status, item.times_seen) == ("status_mismatch", "open", 2)
        assert (first.breaks_new, second.breaks_persisting) == (1, 1)

        sandbox_callbacks_run(now=LATE + timedelta(hours=2))
        third = reconcile(business_date, at=LATE + timedelta(hours=3))

        item.refresh_from_db()
        assert third.breaks_resolved == 1 and third.green
        assert (item.status, item.resolution) == ("resolved", "cleared")
        assert item.resolved_at == LATE + timedelta(hours=3)


class TestGracePeriod:
    def test_a_payment_in_flight_within_the_grace_period_is_no_break(
        self, payer, now, business_date
    ):
        topup(payer, now, settle=False)

        run = reconcile(business_date, at=CUT_OFF + timedelta(hours=1))

        assert run.in_flight_count == 1 and _kinds(run) == []

    def test_after_the_grace_period_it_is_a_break(self, payer, now, business_date):
        topup(payer, now, settle=False)

        run = reconcile(business_date, at=CUT_OFF + timedelta(hours=2, minutes=1))

        assert _kinds(run) == ["status_mismatch"]

    def test_the_grace_period_is_a_setting(self, payer, now, business_date, settings):
        settings.HUJIN_PAYMENTS_RECONCILIATION_GRACE_HOURS = 12
        topup(payer, now, settle=False)

        run = reconcile(business_date, at=CUT_OFF + timedelta(hours=3))

        assert run.in_flight_count == 1 and _kinds(run) == []


class TestReplay:
    def test_a_past_date_can_be_replayed_and_finds_what_the_first_run_found(
        self, payer, now, business_date, sandbox
    ):
        topup(payer, now)
        sandbox["recon_duplicate_share"] = 1
        first = reconcile(business_date)

        replay = reconcile(business_date, at=LATE + timedelta(days=5), replay=True)

        assert replay.replay and replay.id != first.id
        assert replay.file_sha256 == first.file_sha256
        assert (replay.breaks_new, replay.breaks_persisting) == (0, 1)

    def test_a_date_after_the_current_business_date_is_refused(self, payer, now, business_date):
        topup(payer, now)  # the business date is 2025-03-14 from here on

        with pytest.raises(ReconciliationDateInvalid):
            reconcile(business_date + timedelta(days=1))

    def test_someone_without_the_permission_cannot_run_it(self, business_date, now):
        from dataclasses import replace

        from hujin.payments.reconciliation.runs import reconciliation_run

        with pytest.raises(ReconciliationNotPermitted):
            reconciliation_run(business_date=business_date, now=LATE,
                               actor=replace(operator("x"), scopes=frozenset()))  # fmt: skip
