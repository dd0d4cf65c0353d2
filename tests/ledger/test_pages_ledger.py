"""The ledger's console pages: staff find accounts, read balances now and as of a moment, page
through history, take statements, look at transfers and check the trial balance.
"""

import re
import uuid
from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.urls import reverse

from hujin.core.actors import SYSTEM
from hujin.ledger.engine import TransferRequest
from hujin.ledger.models import Transfer
from hujin.ledger.services import account_create, account_debits_freeze, transfers_create

NOW = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)
TODAY = date(2025, 3, 14)


def open_account(code="2001.wallet", kind="liability", currency="CNY", **fields):
    account, _ = account_create(
        currency=currency, code=code, kind=kind, actor=SYSTEM, now=NOW, **fields
    )
    return account


def move(debit, credit, amount_minor, *, kind="single", now=NOW, business_date=TODAY, **fields):
    request = TransferRequest(
        id=uuid.uuid4(),
        kind=kind,
        debit_account_id=debit.id,
        credit_account_id=credit.id,
        amount=amount_minor,
        code=fields.pop("code", "test"),
        **fields,
    )
    (result,) = transfers_create(
        transfers=[request], actor=SYSTEM, now=now, business_date=business_date
    )
    assert result.ok, result
    return request.id


def text(response) -> str:
    """The page's visible text, tags stripped and whitespace squeezed."""
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return re.sub(r"\s+", " ", content)


@pytest.fixture
def bank(db):
    return open_account("1001.bank", "asset", name="Custodian bank")


@pytest.fixture
def alice(db):
    return open_account(
        name="Alice", owner_ref="partner:alice", debits_must_not_exceed_credits=True
    )


@pytest.fixture
def bob(db):
    return open_account(name="Bob", owner_ref="partner:bob")


PAGES = [
    ("ledger:accounts", {}),
    ("ledger:transfers", {}),
    ("ledger:trial_balance", {}),
    ("ledger:account_detail", {"account_id": uuid.UUID(int=1)}),
    ("ledger:account_statement", {"account_id": uuid.UUID(int=1)}),
    ("ledger:transfer_detail", {"transfer_id": uuid.UUID(int=1)}),
]


class TestAccess:
    @pytest.mark.parametrize(("name", "kwargs"), PAGES)
    def test_anonymous_visitors_are_sent_to_log_in(self, db, name, kwargs):
        url = reverse(name, kwargs=kwargs)

        response = Client().get(url)

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("identity:login"))

    @pytest.mark.parametrize(("name", "kwargs"), PAGES)
    def test_customers_are_refused(self, db, name, kwargs):
        from hujin.identity.models import User

        customer = User.objects.create(username="cust", kind=User.Kind.CUSTOMER)
        client = Client()
        client.force_login(customer)

        assert client.get(reverse(name, kwargs=kwargs)).status_code == 403

    @pytest.mark.parametrize(("name", "kwargs"), PAGES[3:])
    def test_an_unknown_id_is_404(self, staff_client, name, kwargs):
        assert staff_client.get(reverse(name, kwargs=kwargs)).status_code == 404


class TestAccountsPage:
    def test_lists_accounts_with_net_and_available_balances(self, staff_client, bank, alice):
        move(bank, alice, 12_345)

        response = staff_client.get(reverse("ledger:accounts"))

        assert response.status_code == 200
        page = text(response)
        assert "Custodian bank" in page and "Alice" in page
        assert ">123.45 CNY</span>" in response.content.decode()
        assert reverse("ledger:account_detail", args=[alice.id]) in response.content.decode()

    def test_searches_by_text_currency_and_kind(self, staff_client, bank, alice, bob):
        open_account(currency="USD", name="Alice dollars")

        by_text = text(staff_client.get(reverse("ledger:accounts"), {"q": "alice"}))
        by_currency = text(staff_client.get(reverse("ledger:accounts"), {"currency": "USD"}))
        by_kind = text(staff_client.get(reverse("ledger:accounts"), {"kind": "asset"}))

        assert "Alice" in by_text and "Bob" not in by_text and "Custodian" not in by_text
        assert "Alice dollars" in by_currency and "Bob" not in by_currency
        assert "Custodian bank" in by_kind and "Alice" not in by_kind

    def test_htmx_live_search_gets_only_the_results(self, staff_client, bank, alice):
        response = staff_client.get(
            reverse("ledger:accounts"), {"q": "bank"}, headers={"HX-Request": "true"}
        )

        content = response.content.decode()
        assert content.lstrip().startswith('<div id="account-results"')
        assert "<html" not in content
        assert "Custodian bank" in content and "Alice" not in content
        assert "HX-Request" in response["Vary"]

    def test_the_search_form_asks_htmx_for_live_results(self, staff_client, db):
        content = staff_client.get(reverse("ledger:accounts")).content.decode()

        assert 'hx-get="/ledger/accounts/"' in content
        assert 'hx-target="#account-results"' in content

    def test_pages_forward_with_a_next_link_and_back_to_the_first(self, staff_client, db):
        for n in range(55):
            open_account(name=f"Customer {n:02d}")

        first = staff_client.get(reverse("ledger:accounts"))
        next_url = re.search(r'rel="next" href="([^"]+)"', first.content.decode()).group(1)
        second = staff_client.get(reverse("ledger:accounts") + next_url.replace("&amp;", "&"))

        assert first.content.decode().count("<tr>") == 51  # header + 50 accounts
        assert second.content.decode().count("<tr>") == 6
        assert "First page" in text(second)

    def test_shows_an_empty_state_when_nothing_matches(self, staff_client, db):
        response = staff_client.get(reverse("ledger:accounts"), {"q": "nobody"})

        assert "No accounts match" in text(response)

    def test_a_nul_character_in_the_search_is_a_form_error_not_a_crash(self, staff_client, db):
        response = staff_client.get(reverse("ledger:accounts"), {"q": "a\x00b"})

        assert response.status_code == 200


class TestAccountDetailPage:
    def test_shows_the_four_balances_net_available_and_the_running_balance(
        self, staff_client, bank, alice
    ):
        move(bank, alice, 10_000, code="topup")
        move(alice, bank, 3_000, kind="pending", code="withdrawal")
        move(alice, bank, 2_500, code="fee")

        response = staff_client.get(reverse("ledger:account_detail", args=[alice.id]))

        assert response.status_code == 200
        page = text(response)
        assert "Balances now" in page
        assert "Debits 25.00 CNY 30.00 CNY" in page  # posted, pending
        assert "Credits 100.00 CNY 0.00 CNY" in page
        assert "Net balance 75.00 CNY" in page
        assert "Available 45.00 CNY" in page
        # Newest first, each with the balance right after it; codes by their labels.
        assert re.search(
            r"fee 75\.00 CNY 45\.00 CNY .* Withdrawal 100\.00 CNY 70\.00 CNY "
            r".* Top-up 100\.00 CNY 100\.00 CNY",
            page,
        )
        assert "Debits must not exceed credits" in page

    def test_shows_balances_as_of_a_moment_in_the_business_time_zone(
        self, staff_client, bank, alice
    ):
        move(bank, alice, 10_000, now=datetime(2025, 3, 10, 1, 0, tzinfo=UTC))  # 09:00 Shanghai
        move(bank, alice, 5_000, now=datetime(2025, 3, 10, 3, 0, tzinfo=UTC))  # 11:00 Shanghai

        response = staff_client.get(
            reverse("ledger:account_detail", args=[alice.id]), {"as_of": "2025-03-10T10:00"}
        )

        page = text(response)
        assert "Balances as of 2025-03-10 10:00 (Asia/Shanghai)" in page
        assert "Net balance 100.00 CNY" in page

    def test_shows_balances_at_the_end_of_a_business_date(self, staff_client, bank, alice):
        move(bank, alice, 10_000, business_date=date(2025, 3, 10))
        move(bank, alice, 5_000, business_date=date(2025, 3, 11))

        response = staff_client.get(
            reverse("ledger:account_detail", args=[alice.id]), {"business_date": "2025-03-10"}
        )

        assert "Net balance 100.00 CNY" in text(response)

    def test_a_moment_and_a_date_together_are_a_form_error(self, staff_client, alice):
        response = staff_client.get(
            reverse("ledger:account_detail", args=[alice.id]),
            {"as_of": "2025-03-10T10:00", "business_date": "2025-03-10"},
        )

        assert response.status_code == 200
        assert "not both" in text(response)
        assert "Balances now" in text(response)

    def test_pages_through_history_with_an_older_link(self, staff_client, bank, alice):
        for n in range(1, 56):
            move(bank, alice, n * 100)

        first = staff_client.get(reverse("ledger:account_detail", args=[alice.id]))
        older = re.search(r'rel="next" href="\?([^"]+)"', first.content.decode()).group(1)
        second = staff_client.get(reverse("ledger:account_detail", args=[alice.id]) + "?" + older)

        assert "55.00" in text(first) and "1.00 1.00" not in text(first)
        assert "Newest" in text(second)
        # The very first top-up, 1.00, left a balance of 1.00.
        assert re.search(
            r"Credit 1\.00 CNY Custodian bank 1001\.bank test 1\.00 CNY 1\.00 CNY", text(second)
        )

    def test_links_to_a_statement_for_the_month_so_far(self, staff_client, alice):
        content = staff_client.get(reverse("ledger:account_detail", args=[alice.id])).content

        statement_url = reverse("ledger:account_statement", args=[alice.id])
        assert f'href="{statement_url}?from_date=' in content.decode()


class TestStatementPage:
    def test_shows_opening_closing_totals_and_the_period_s_transfers(
        self, staff_client, bank, alice
    ):
        move(bank, alice, 10_000, business_date=date(2025, 1, 31), code="opening")
        move(bank, alice, 2_000, business_date=date(2025, 2, 3), code="salary")
        move(alice, bank, 500, business_date=date(2025, 2, 20), code="fee")

        response = staff_client.get(
            reverse("ledger:account_statement", args=[alice.id]),
            {"from_date": "2025-02-01", "to_date": "2025-02-28"},
        )

        page = text(response)
        assert "Opening 0.00 CNY 100.00 CNY 100.00 CNY" in page
        assert "In the period 5.00 CNY 20.00 CNY" in page
        assert "Closing 5.00 CNY 120.00 CNY 115.00 CNY" in page
        assert "salary" in page and "fee" in page and "opening" not in page.split("Closing")[1]

    def test_refuses_a_period_longer_than_366_days(self, staff_client, alice):
        response = staff_client.get(
            reverse("ledger:account_statement", args=[alice.id]),
            {"from_date": "2024-01-01", "to_date": "2025-06-30"},
        )

        assert response.status_code == 200
        assert "at most 366 days" in text(response)
        assert "Opening" not in text(response)


class TestTransferPages:
    def test_lists_transfers_and_filters_by_code(self, staff_client, bank, alice):
        move(bank, alice, 1_000, code="topup")
        move(bank, alice, 2_000, code="bonus")

        everything = text(staff_client.get(reverse("ledger:transfers")))
        bonuses = text(staff_client.get(reverse("ledger:transfers"), {"code": "bonus"}))

        assert "Top-up" in everything and "bonus" in everything
        assert "bonus" in bonuses and "Top-up" not in bonuses

    def test_a_pending_transfer_shows_its_hold_then_what_resolved_it(
        self, staff_client, bank, alice
    ):
        hold_id = move(bank, alice, 3_000, kind="pending")
        url = reverse("ledger:transfer_detail", args=[hold_id])

        held = text(staff_client.get(url))
        post = TransferRequest(id=uuid.uuid4(), kind="post_pending", pending_id=hold_id, code="x")
        transfers_create(transfers=[post], actor=SYSTEM, now=NOW, business_date=TODAY)
        posted = staff_client.get(url)

        assert "Hold Pending" in held and "Not yet" in held
        assert "Hold Posted" in text(posted)
        assert reverse("ledger:transfer_detail", args=[post.id]) in posted.content.decode()

    def test_a_transfer_says_who_made_it_and_in_which_batch(self, staff_client, bank, alice):
        transfer_id = move(bank, alice, 1_000)
        batch_id = Transfer.objects.get(id=transfer_id).batch_id

        shown = text(staff_client.get(reverse("ledger:transfer_detail", args=[transfer_id])))

        assert f"Made by System {SYSTEM.id}" in shown
        assert f"Batch {batch_id}" in shown

    def test_an_account_whose_debits_are_frozen_says_so_in_the_list_and_on_its_page(
        self, staff_client, alice
    ):
        account_debits_freeze(
            account_ids=[alice.id], reason_code="risk.block", actor=SYSTEM, now=NOW
        )

        listed = text(staff_client.get(reverse("ledger:accounts")))
        detail = text(staff_client.get(reverse("ledger:account_detail", args=[alice.id])))

        assert "Open Debits frozen" in listed
        assert "Open Debits frozen" in detail

    def test_a_frozen_account_s_page_names_its_reasons_after_the_badge(self, staff_client, alice):
        for reason in ("risk.block", "legacy", "customers.freeze"):
            account_debits_freeze(account_ids=[alice.id], reason_code=reason, actor=SYSTEM, now=NOW)

        response = staff_client.get(reverse("ledger:account_detail", args=[alice.id]))

        detail = text(response)
        assert (
            "Open Debits frozen Customer frozen , Frozen before reasons were recorded , risk.block "
            "Opened" in detail
        )
        assert "<code>risk.block</code>" in response.content.decode()

    def test_an_account_that_is_not_frozen_names_no_reason(self, staff_client, alice):
        detail = text(staff_client.get(reverse("ledger:account_detail", args=[alice.id])))

        assert "Debits frozen" not in detail and "Customer frozen" not in detail

    def test_the_list_names_each_frozen_account_s_reasons(self, staff_client, alice, bob):
        account_debits_freeze(
            account_ids=[alice.id], reason_code="customers.freeze", actor=SYSTEM, now=NOW
        )
        account_debits_freeze(account_ids=[bob.id], reason_code="risk.block", actor=SYSTEM, now=NOW)

        listed = text(staff_client.get(reverse("ledger:accounts")))

        assert "partner:alice Open Debits frozen Customer frozen" in listed
        assert "partner:bob Open Debits frozen risk.block" in listed

    def test_a_bad_filter_is_a_form_error(self, staff_client, db):
        response = staff_client.get(reverse("ledger:transfers"), {"code": "no spaces please"})

        assert response.status_code == 200
        assert "Letters, digits" in text(response)


class TestTrialBalancePage:
    def test_shows_kinds_with_subtotals_and_that_debits_equal_credits(
        self, staff_client, bank, alice, bob
    ):
        move(bank, alice, 10_000)
        move(bank, bob, 5_000)

        response = staff_client.get(reverse("ledger:trial_balance"))

        page = text(response)
        assert "Subtotal Asset 1 150.00 CNY 0.00 CNY 150.00 CNY 0.00 CNY" in page
        assert "Subtotal Liability 2 0.00 CNY 150.00 CNY 0.00 CNY 150.00 CNY" in page
        assert "Check: total debits 150.00 CNY = total credits 150.00 CNY" in page
        assert "In balance" in page


class TestPagesAreSafeAndTranslated:
    @pytest.mark.parametrize(
        "name", ["ledger:accounts", "ledger:transfers", "ledger:trial_balance"]
    )
    def test_pages_carry_no_inline_script_or_style(self, staff_client, bank, alice, name):
        move(bank, alice, 100)

        content = staff_client.get(reverse(name)).content.decode()

        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", content)
        assert "style=" not in content
        assert not re.search(r"\son[a-z]+=", content)

    def test_tables_scroll_sideways_on_a_phone(self, staff_client, bank, alice):
        move(bank, alice, 100)

        content = staff_client.get(reverse("ledger:account_detail", args=[alice.id])).content

        assert b'<div class="table-scroll">' in content

    def test_pages_speak_simplified_chinese(self, staff_client, bank, alice):
        response = staff_client.get(
            reverse("ledger:trial_balance"), headers={"accept-language": "zh-hans"}
        )

        assert response.status_code == 200
        assert 'lang="zh-hans"' in response.content.decode()
