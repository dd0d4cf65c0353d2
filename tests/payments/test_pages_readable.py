"""What the demo's screenshots showed wrong, held: the portal's payment facts laid out as label
and value (as the console's), the month's free withdrawals on a line of their own after the fee,
a statement row's date and reference each on one line, the reconciliation page's forms as the
console's filter bars, a month's summary in a box no wider than its table, and why a payment
failed said in words on the console's payment page, a break's proposal form a field a row."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from hujin.core.dates import business_date_get
from hujin.payments.channels.sandbox import sandbox_callbacks_run
from hujin.payments.models import Break, Payment
from hujin.payments.reconciliation.runs import reconciliation_run
from hujin.payments.services import topup_request
from tests.payments.conftest import actor_for
from tests.payments.money import Payer, open_wallet
from tests.payments.reconciliation import SYSTEM, topup
from tests.payments.rules_helpers import fund
from tests.payments.statements_story import story_told


def _main(response) -> str:
    assert response.status_code == 200, response.content.decode()[:2000]
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


@pytest.fixture
def ready(customer, bound_card):
    now = timezone.now()
    card = bound_card(at=now)
    fund(open_wallet(customer, now), 20_000_00, now)
    client = Client()
    client.force_login(customer)
    return client, card


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_withdrawal_s_confirmation_lays_out_its_facts_with_the_free_count_under_the_fee(
    ready, language
):
    client, card = ready

    main = _main(client.post(reverse("payments:withdraw"),
                             {"amount": "1,000", "card": str(card.id), "key": "k1",
                              "step": "review"},
                             headers={"accept-language": language}))  # fmt: skip

    assert '<dl class="details facts">' in main
    assert re.search(r'¥0\.00</span></span>\s*<br><span class="hint muted">', main), main


def test_the_top_up_form_s_limits_read_as_help_and_a_payment_s_page_lays_out_its_facts(ready):
    client, card = ready
    client.post(reverse("payments:topup"),
                {"amount": "100", "card": str(card.id), "key": "t1", "step": "send"})  # fmt: skip
    payment = Payment.objects.get()

    assert 'class="hint helptext"' in _main(client.get(reverse("payments:topup")))
    assert '<dl class="details facts">' in _main(client.get(f"/payments/{payment.id}/"))


def test_a_statement_row_keeps_its_date_and_reference_on_one_line_and_room_for_the_card(
    make_customer, bound_card, sandbox, now
):
    story = story_told(make_customer, bound_card, sandbox, now)
    client = Client()
    client.force_login(story.payer)

    main = _main(client.get(reverse("payments:statements")))

    assert re.search(r'<td data-label="[^"]+" class="statement-when"><a href=', main)
    assert re.search(r'statement-reference"><span class="statement-when">[0-9A-F]{12}</span>', main)
    assert re.search(r'<td data-label="[^"]+" class="statement-counterparty">', main)


def test_a_month_s_summary_sits_in_a_box_as_wide_as_its_table(
    make_customer, bound_card, sandbox, now
):
    story = story_told(make_customer, bound_card, sandbox, now)
    client = Client()
    client.force_login(story.payer)

    main = _main(client.get(reverse("payments:statement_month", args=["2025-03"])))

    assert (
        '<div class="table-scroll statement-summary-box"><table class="table statement-summary"'
        in main
    )


def test_the_reconciliation_page_s_forms_are_filter_bars_with_labelled_fields(role_client):
    main = _main(role_client("operations").get(reverse("payments:reconciliation")))

    assert main.count('class="form filters"') == 2
    assert re.search(r'<div><label for="f-date">[^<]+</label>\s*<input id="f-date"', main)
    assert re.search(r'<div><label for="r-date">[^<]+</label>\s*<input id="r-date"', main)


@pytest.mark.parametrize(("language", "words"), [("en", "Declined by the bank"),
                                                 ("zh-hans", "银行拒绝")])  # fmt: skip
def test_the_console_says_in_words_why_the_bank_failed_a_payment(
    customer, bound_card, sandbox, role_client, language, words
):
    now = timezone.now()
    card = bound_card(at=now)
    open_wallet(customer, now)
    sandbox.update(fail_share=1)
    failed = topup_request(actor=actor_for(customer), card_id=card.id, amount_minor=100_00,
                           idempotency_key="f1", now=now)  # fmt: skip
    sandbox_callbacks_run(now=now)
    url = reverse("payments:console_payment", args=[failed.id])

    main = _main(role_client("operations").get(url, headers={"accept-language": language}))

    assert Payment.objects.get(id=failed.id).failure_code == "declined_by_bank"
    assert words in main and "declined_by_bank" not in main


def test_a_break_s_proposal_form_has_its_amount_and_note_each_in_a_row_of_its_own(
    customer, bound_card, sandbox, role_client
):
    now = timezone.now()
    yesterday = now - timedelta(days=1)
    card = bound_card(at=yesterday)
    topup(Payer(customer, card.id, open_wallet(customer, yesterday)), yesterday, 250_00, "t-1")
    sandbox.update(recon_extra_lines=1)
    reconciliation_run(business_date=business_date_get(now=yesterday), actor=SYSTEM, now=now)
    item = Break.objects.get()

    main = _main(role_client("operations").get(reverse("payments:recon_break", args=[item.id])))

    assert re.search(r'<div><label for="p-amount">[^<]+</label>\s*<input id="p-amount"', main)
    assert re.search(r'<div><label for="p-note">[^<]+</label>\s*<textarea id="p-note"', main)
    assert '<div class="form-actions"><button class="button button-primary" type="submit">' in main
