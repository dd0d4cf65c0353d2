"""The portal's Statements pages in English and Chinese: the history with its filters, the CSV
of the same filters (masked, amounts as decimal strings, formulas defused), the printable month,
the entry on the Me page; another customer's payment is not found."""

import csv
import io
import re

import pytest
from django.test import Client
from django.urls import reverse

from hujin.payments.views_statements import csv_cell
from tests.payments.statements_story import story_told


@pytest.fixture
def story(make_customer, bound_card, sandbox, now):
    return story_told(make_customer, bound_card, sandbox, now)


@pytest.fixture
def client(story):
    client = Client()
    client.force_login(story.payer)
    return client


def _html(response, status=200):
    assert response.status_code == status, response.content[:500]
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    assert not re.search(r'="[^"]*<span class="amount', main), "money inside an attribute"
    return main


def _rows(response) -> list[list[str]]:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


STATEMENTS = reverse("payments:statements")
CSV = reverse("payments:statements_csv")


class TestHistoryPage:
    def test_it_lists_every_payment_with_its_status_and_the_other_side_masked(self, client):
        main = _html(client.get(STATEMENTS))

        assert main.count("<tr>") == 1 + 6
        assert "Transfer received" in main and "Transfer sent" in main
        assert "王*" in main and "王伟" not in main
        assert '<span class="amount amount-in">+¥30.00</span>' in main
        assert '<span class="amount amount-out">−¥120.00</span>' in main
        assert "···· " in main

    def test_it_reads_in_chinese(self, client):
        main = _html(client.get(STATEMENTS, headers={"accept-language": "zh-hans"}))

        assert "对账单" in main and "转账收款" in main and "筛选" in main

    def test_a_filter_keeps_only_its_kind_and_the_csv_link_keeps_the_filter(self, client):
        main = _html(client.get(STATEMENTS, {"kind": "transfer_in"}))

        assert main.count("<tr>") == 1 + 1 and "+¥30.00" in main
        assert f'href="{CSV}?kind=transfer_in"' in main

    def test_the_status_and_the_dates_filter_too(self, client):
        failed = _html(client.get(STATEMENTS, {"status": "failed"}))
        february = _html(client.get(STATEMENTS, {"from_date": "2025-02-01",
                                                 "to_date": "2025-02-28"}))  # fmt: skip

        assert failed.count("<tr>") == 2 and "¥10.00" in failed
        assert february.count("<tr>") == 2 and "+¥300.00" in february

    def test_filters_that_make_no_sense_are_said_so(self, client):
        main = _html(
            client.get(STATEMENTS, {"from_date": "2025-03-02", "to_date": "2025-03-01"}),
            status=400,
        )

        assert "form-errors" in main

    def test_the_me_page_lists_statements(self, client):
        html = client.get(reverse("web:portal_me")).content.decode()

        assert f'href="{STATEMENTS}"' in html and "Statements" in html

    def test_another_customers_payment_is_not_found(self, story, make_customer):
        stranger = Client()
        stranger.force_login(make_customer(name="李四"))

        payment_id = story.payments["sent"].id
        assert stranger.get(reverse("payments:payment", args=[payment_id])).status_code == 404
        assert str(payment_id) not in stranger.get(STATEMENTS).content.decode()


class TestCsv:
    def test_the_csv_is_masked_with_amounts_as_decimal_strings(self, client):
        header, *rows = _rows(client.get(CSV))

        assert header[:6] == ["Requested", "Kind", "Status", "Direction", "Amount", "Fee"]
        assert len(rows) == 6
        received = next(r for r in rows if r[1] == "Transfer received")
        assert received[3:8] == ["In", "30.00", "0.00", "CNY", "王*"]
        assert "王伟" not in str(rows)

    def test_the_csv_keeps_the_filters(self, client):
        _, *rows = _rows(client.get(CSV, {"kind": "topup", "status": "succeeded"}))

        assert sorted(r[4] for r in rows) == ["200.00", "300.00"]

    def test_a_name_that_looks_like_a_formula_is_defused(self, story, make_customer, now):
        from hujin.payments.services import transfer_request
        from tests.payments.test_pages_transfer import owned_wallet

        trickster = make_customer(name="=HYPERLINK(1)")
        owned_wallet(trickster, now)
        transfer_request(actor=story.actor, payee_mobile=trickster.mobile, amount_minor=1_00,
                         idempotency_key="csv-formula", now=now)  # fmt: skip
        client = Client()
        client.force_login(story.payer)

        _, *rows = _rows(client.get(CSV, {"kind": "transfer_out"}))

        assert "'=************" in [r[7] for r in rows]
        assert not any(cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)

    @pytest.mark.parametrize(
        ("cell", "written"),
        [("=1+2", "'=1+2"), ("+86", "'+86"), ("-5", "'-5"), ("@SUM(A1)", "'@SUM(A1)"),
         ("\tx", "'\tx"), ("张*", "张*"), ("12.50", "12.50")],
    )  # fmt: skip
    def test_each_formula_start_gets_a_quote(self, cell, written):
        assert csv_cell(cell) == written

    def test_chinese_headers_in_chinese(self, client):
        header, *_ = _rows(client.get(CSV, headers={"accept-language": "zh-hans"}))

        assert header[:2] == ["申请时间", "类型"]


class TestMonthPage:
    def test_the_month_shows_opening_movements_and_closing_that_add_up(self, client):
        main = _html(client.get(reverse("payments:statement_month", args=["2025-03"])))

        summary = main[main.index('data-testid="statement-summary"') :]
        amounts = re.findall(r'<span class="amount[^"]*">([^<]+)</span>', summary)[:5]
        assert amounts == ["¥300.00", "¥230.00", "¥120.00", "¥0.00", "¥410.00"]
        assert (
            "data-print" in main
            and "payments/statements.css"
            in client.get(reverse("payments:statement_month", args=["2025-03"])).content.decode()
        )
        assert 'data-testid="statement-not-posted"' in main and "王*" in main

    def test_the_statements_page_links_each_month(self, client):
        main = _html(client.get(STATEMENTS))

        assert f'href="{reverse("payments:statement_month", args=["2025-02"])}"' in main
        assert f'href="{reverse("payments:statement_month", args=["2025-03"])}"' in main

    def test_it_reads_in_chinese(self, client):
        month = reverse("payments:statement_month", args=["2025-03"])
        main = _html(client.get(month, headers={"accept-language": "zh-hans"}))

        assert "期初余额" in main and "期末余额" in main and "打印" in main

    @pytest.mark.parametrize("month", ["2099-01", "2025-13", "1999-12", "march"])
    def test_a_month_without_a_statement_is_not_found(self, client, month):
        assert client.get(f"{STATEMENTS}{month}/").status_code == 404
