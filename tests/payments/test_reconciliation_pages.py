"""The console's reconciliation pages, in English and Chinese: the runs with their balance
statement, a run's report, the break queue by kind and age, a break's page where an operator
proposes a resolution that another approves in the approvals queue; the menu's count; who may
open them; and the command that replays a date."""

import re
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from hujin.payments.models import Break, ReconciliationRun
from hujin.payments.reconciliation.runs import reconciliation_run
from tests.payments.money import Payer, ledger_is_consistent, open_wallet, wallet
from tests.payments.reconciliation import SYSTEM, topup


@pytest.fixture
def day(customer, bound_card, sandbox):
    """Yesterday: a top-up settled (the channel's file leaves it out) and a line Hujin never
    saw; reconciled this morning."""
    now = timezone.now()
    yesterday = now - timedelta(days=1)
    card = bound_card(at=yesterday)
    payer = Payer(customer, card.id, open_wallet(customer, yesterday))
    topup(payer, yesterday, 250_00, "t-1")
    from hujin.core.dates import business_date_get

    business_date = business_date_get(now=yesterday)
    sandbox.update(recon_drop_share=1, recon_extra_lines=1)
    run = reconciliation_run(business_date=business_date, actor=SYSTEM, now=now)
    return {"run": run, "payer": payer, "date": business_date}


def _page(client, url, language="en", status=200):
    response = client.get(url, headers={"accept-language": language})
    assert response.status_code == status, response.status_code
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")] if status == 200 else html
    return main


class TestRunsAndReport:
    def test_the_runs_page_shows_the_day_its_status_and_balance(self, day, role_client):
        main = _page(role_client("operations"), reverse("payments:reconciliation"))

        assert 'data-testid="reconciliation-runs"' in main
        assert "Breaks found" in main and "2 new, 0 persisting, 0 resolved" in main
        assert "¥250.00" in main

    def test_the_report_states_the_balance_and_lists_the_breaks(self, day, role_client):
        url = reverse("payments:recon_report", args=[day["run"].id])

        main = _page(role_client("auditor"), url)

        assert 'data-testid="balance-statement"' in main
        assert "Missing at the channel" in main and "Missing in Hujin" in main
        assert day["run"].file_sha256 in main

    def test_the_pages_read_in_chinese(self, day, role_client):
        client = role_client("operations")

        runs = _page(client, reverse("payments:reconciliation"), "zh-hans")
        report = _page(client, reverse("payments:recon_report", args=[day["run"].id]), "zh-hans")

        assert "对账" in runs and "期初余额" in report and "渠道缺失" in report

    def test_an_incomplete_run_says_why_and_is_not_green(self, day, role_client, sandbox):
        sandbox["recon_missing"] = True
        run = reconciliation_run(business_date=day["date"], actor=SYSTEM, now=timezone.now())

        main = _page(role_client("operations"), reverse("payments:recon_report", args=[run.id]))

        assert "Incomplete" in main and "The channel&#x27;s file is missing." in main

    def test_an_operator_replays_a_date_from_the_runs_page(self, day, role_client):
        client = role_client("operations")

        response = client.post(reverse("payments:reconciliation_run"),
                               {"date": day["date"].isoformat()})  # fmt: skip

        run = ReconciliationRun.objects.order_by("-started_at").first()
        assert response.status_code == 302 and run.replay and run.breaks_persisting == 2

    def test_someone_without_the_permission_is_refused(self, day, role_client):
        _page(role_client("customer_service"), reverse("payments:reconciliation"), status=403)


class TestBreakQueue:
    def test_the_queue_counts_by_kind_and_age_and_filters(self, day, role_client):
        client = role_client("operations")

        everything = _page(client, reverse("payments:reconciliation_breaks"))
        queue = reverse("payments:reconciliation_breaks")
        missing = _page(client, f"{queue}?kind=missing_in_hujin")

        assert "Missing in Hujin (1)" in everything and "0–1 days (2)" in everything
        assert missing.count("data-break=") == 1 and "sbx-extra-" in missing

    def test_the_menu_counts_the_open_breaks(self, day, role_client):
        html = role_client("operations").get(reverse("payments:reconciliation")).content.decode()

        assert re.search(r"2 reconciliation breaks wait for a resolution", html)


class TestResolvingABreak:
    def test_an_operator_proposes_and_another_approves_in_the_approvals_queue(
        self, day, role_client
    ):
        item = Break.objects.get(kind="missing_at_channel")
        maker, checker = role_client("operations"), role_client("operations")
        page = reverse("payments:recon_break", args=[item.id])
        form = _page(maker, page)
        assert 'data-testid="propose-form"' in form and 'value="250.00"' in form

        response = maker.post(page, {"action": "wallet_debit", "amount": "250.00",
                                     "note": "Not on the bank's file; customer told"})  # fmt: skip
        assert response.status_code == 302
        item.refresh_from_db()
        assert item.status == "proposed" and wallet(day["payer"].wallet_id)["balance"] == 250_00

        approval = reverse("compliance:approval_detail", args=[item.approval_request_id])
        assert "Reconciliation break" in _page(checker, approval)
        refused = maker.post(approval, {"decision": "approve", "reason": "ok"})
        assert refused.status_code == 400
        done = checker.post(approval, {"decision": "approve", "reason": "Bank statement seen"})
        assert done.status_code == 302

        item.refresh_from_db()
        assert item.status == "resolved" and wallet(day["payer"].wallet_id)["balance"] == 0
        assert "Resolved" in _page(checker, page)
        assert ledger_is_consistent()

    def test_a_bad_amount_is_shown_on_the_form_and_nothing_is_proposed(self, day, role_client):
        item = Break.objects.get(kind="missing_at_channel")

        response = role_client("operations").post(
            reverse("payments:recon_break", args=[item.id]),
            {"action": "wallet_debit", "amount": "-3", "note": "x"},
        )

        assert response.status_code == 400
        item.refresh_from_db()
        assert item.status == "open"

    def test_an_auditor_sees_the_break_but_no_form(self, day, role_client):
        item = Break.objects.get(kind="missing_at_channel")

        main = _page(role_client("auditor"), reverse("payments:recon_break", args=[item.id]))

        assert "propose-form" not in main


class TestTheCommand:
    def test_hujin_payments_reconcile_replays_a_date(self, day, capsys):
        call_command("payments", "reconcile", "--date", day["date"].isoformat())

        out = capsys.readouterr().out
        assert day["date"].isoformat() in out and "2 persisting" in out
        assert ReconciliationRun.objects.filter(replay=True).count() == 1

    def test_an_incomplete_run_fails_the_command_with_its_reason(self, day, sandbox):
        from django.core.management.base import CommandError

        sandbox["recon_missing"] = True

        with pytest.raises(CommandError, match="incomplete \\(file_missing\\)"):
            call_command("payments", "reconcile", "--date", day["date"].isoformat())

    def test_a_date_that_is_no_date_is_refused(self, db):
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="YYYY-MM-DD"):
            call_command("payments", "reconcile", "--date", "14/03/2025")
