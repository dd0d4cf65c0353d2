"""The reconciliation file's format as the sandbox writes it and Hujin reads it (a file that
does not add up is refused, and the run is incomplete); the age buckets; and the COB step that
reconciles the closing business date after the recovery of unanswered payments."""

from datetime import timedelta

import pytest

from hujin.core.actors import system_actor
from hujin.core.cob import cob_run, cob_steps
from hujin.core.models import CobStepRun
from hujin.payments.channels.sandbox import SandboxChannel
from hujin.payments.models import ReconciliationRun
from hujin.payments.reconciliation.files import FileMalformed, file_parse
from hujin.payments.reconciliation.values import age_bucket
from tests.payments.money import Payer, open_wallet
from tests.payments.reconciliation import LATE, reconcile, topup, withdraw


@pytest.fixture
def payer(customer, bound_card, now):
    card = bound_card()
    return Payer(user=customer, card_id=card.id, wallet_id=open_wallet(customer, now))


class TestTheFile:
    def test_the_sandbox_writes_a_header_a_line_per_movement_and_a_trailer(
        self, payer, now, business_date
    ):
        top_up = topup(payer, now, 100_00, "t-1")
        withdraw(payer, now + timedelta(minutes=1), 30_00, "w-1")

        content = SandboxChannel().reconciliation_file(business_date=business_date)

        header, first, second, trailer = content.decode().splitlines()
        assert header.startswith("H,sandbox,2025-03-14,2,")
        assert first.split(",")[:8] == [
            "D", top_up.channel_reference, str(top_up.id), "in", "10000", "CNY", "succeeded",
            "2025-03-14T02:00:00Z",
        ]  # fmt: skip
        assert second.split(",")[3:5] == ["out", "3000"]
        assert trailer == "T,2,10000,3000"

    def test_the_same_day_is_the_same_bytes_every_time(self, payer, now, business_date, sandbox):
        topup(payer, now)
        sandbox.update(seed=7, recon_amount_share=0.5, recon_extra_lines=2)
        channel = SandboxChannel()

        first = channel.reconciliation_file(business_date=business_date)

        assert channel.reconciliation_file(business_date=business_date) == first

    def test_hujin_reads_it_back(self, payer, now, business_date):
        topup(payer, now)
        content = SandboxChannel().reconciliation_file(business_date=business_date)

        parsed = file_parse(content, channel="sandbox", business_date=business_date)

        assert (len(parsed.lines), parsed.total_in_minor, parsed.total_out_minor) == (1, 10000, 0)
        assert len(parsed.sha256) == 64

    @pytest.mark.parametrize(
        "content",
        [
            b"",
            b"H,sandbox,2025-03-14,1,5\nT,1,0,0\n",  # says one line, has none
            b"H,sandbox,2025-03-14,0,5\nT,0,5,0\n",  # totals that do not add up
            b"H,other,2025-03-14,0,5\nT,0,0,0\n",  # another channel's file
            b"H,sandbox,2025-03-13,0,5\nT,0,0,0\n",  # another day's file
            b"H,sandbox,2025-03-14,1,5\nD,r,,sideways,1,CNY,succeeded,2025-03-14T00:00:00Z\n"
            b"T,1,0,0\n",
        ],
    )
    def test_a_file_that_does_not_follow_the_format_is_refused(self, content, business_date):
        with pytest.raises(FileMalformed):
            file_parse(content, channel="sandbox", business_date=business_date)

    def test_a_malformed_file_makes_the_run_incomplete(self, payer, now, business_date,
                                                      monkeypatch):  # fmt: skip
        monkeypatch.setattr(SandboxChannel, "reconciliation_file",
                            lambda self, *, business_date: b"nonsense")  # fmt: skip

        run = reconcile(business_date)

        assert (run.status, run.reason) == ("incomplete", "file_malformed")


class TestAgeBuckets:
    @pytest.mark.parametrize(
        ("days", "bucket"),
        [(0, "0-1"), (1, "0-1"), (2, "2-7"), (7, "2-7"), (8, "8-30"), (30, "8-30"), (31, "30+")],
    )
    def test_a_break_falls_in_its_age_bucket(self, days, bucket):
        assert age_bucket(days) == bucket


class TestTheCobStep:
    def test_it_runs_after_the_recovery_of_unanswered_payments(self):
        names = [step.name for step in cob_steps()]

        assert names.index("payments.resolve_unknown") < names.index("payments.reconcile")

    def test_the_close_of_business_reconciles_the_closing_date(self, payer, now, business_date):
        topup(payer, now)

        cob_run(business_date=business_date, now=LATE, actor=system_actor("test"))

        run = ReconciliationRun.objects.get()
        assert (run.business_date, run.status, run.residual_minor) == (business_date, "complete", 0)
        step = CobStepRun.objects.get(name="payments.reconcile")
        assert step.status == "done" and step.result["sandbox"]["status"] == "complete"
