"""The customer's statements: their own history (a received transfer shows as incoming), scoped
to them, filtered by kind, status and dates, paged; the monthly statement adds up (opening + in
− out − fees = closing) with the ledger's balances, and what did not post moves nothing."""

from datetime import date, timedelta

import pytest
from django.utils import translation

from hujin.ledger.models import Account
from hujin.payments import errors
from hujin.payments.selectors import (
    StatementFilterInvalid,
    StatementMonthInvalid,
    StatementMonthNotFound,
    my_monthly_statement,
    my_statement_entry,
    my_statement_months,
    my_statement_page,
    my_statement_rows,
    statement_filters,
    statement_month,
)
from tests.payments.conftest import actor_for
from tests.payments.statements_story import story_told

MARCH = date(2025, 3, 1)


@pytest.fixture
def story(make_customer, bound_card, sandbox, now):
    return story_told(make_customer, bound_card, sandbox, now)


def _debit(wallet_id, amount, code, now):
    """Take ``amount`` from the wallet as another module would (a fee, a purchase)."""
    from hujin.core.actors import system_actor
    from hujin.core.ids import new_id
    from hujin.ledger.services import account_create, transfers_create
    from hujin.ledger.types import TransferRequest

    house, _ = account_create(
        id=new_id(), currency="CNY", code="4001.test.income", kind="income", name="Test income",
        actor=system_actor("test"), now=now,
    )  # fmt: skip
    [result] = transfers_create(
        transfers=[TransferRequest(id=new_id(), debit_account_id=wallet_id, code=code,
                                   credit_account_id=house.id, amount=amount, currency="CNY")],
        actor=system_actor("test"), now=now, business_date=now.date(),
    )  # fmt: skip
    assert result.ok, result


def _kinds(entries):
    return [(e.kind, e.status, e.signed_minor) for e in entries]


class TestHistory:
    def test_the_customer_sees_their_payments_and_the_transfer_they_received_newest_first(
        self, story
    ):
        page = my_statement_page(actor=story.actor)

        assert sorted(_kinds(page.entries)) == sorted([
            ("withdrawal", "pending", -50_00), ("transfer_in", "succeeded", 30_00),
            ("transfer_out", "succeeded", -120_00), ("topup", "succeeded", 200_00),
            ("topup", "failed", 10_00), ("topup", "succeeded", 300_00),
        ])  # fmt: skip
        assert page.entries[-1].created_at < page.entries[0].created_at

    def test_a_received_transfer_is_incoming_with_the_payers_name_masked(self, story):
        received = story.payments["received"]

        entry = my_statement_entry(actor=story.actor, payment_id=received.id)

        assert (entry.kind, entry.direction, entry.signed_minor) == ("transfer_in", "in", 30_00)
        assert entry.counterparty == "王*" and entry.fee_minor == 0
        assert entry.reference == received.id.hex[-12:].upper()

    def test_a_card_payment_names_the_bank_and_the_last_four_digits_only(self, story):
        with translation.override("zh-hans"):
            entry = my_statement_entry(
                actor=story.actor, payment_id=story.payments["march_topup"].id
            )

        assert entry.counterparty.startswith("中国工商银行 ···· ")
        assert len(entry.counterparty.split(" ")[-1]) == 4
        assert entry.channel_reference.startswith("sbx-")

    def test_another_customers_payment_is_not_found(self, story, make_customer):
        stranger = actor_for(make_customer(name="李四"))

        with pytest.raises(errors.PaymentNotFound):
            my_statement_entry(actor=stranger, payment_id=story.payments["sent"].id)
        assert my_statement_page(actor=stranger).entries == []

    def test_the_payee_sees_only_the_transfers_that_touch_them(self, story):
        page = my_statement_page(actor=actor_for(story.payee))

        assert sorted(_kinds(page.entries)) == [
            ("transfer_in", "succeeded", 120_00), ("transfer_out", "succeeded", -30_00),
        ]  # fmt: skip


class TestFilters:
    @pytest.mark.parametrize(
        ("kind", "expected"),
        [("topup", 3), ("withdrawal", 1), ("transfer_out", 1), ("transfer_in", 1)],
    )
    def test_each_kind_keeps_only_its_entries(self, story, kind, expected):
        page = my_statement_page(actor=story.actor, filters=statement_filters(kind=kind))

        assert len(page.entries) == expected and {e.kind for e in page.entries} == {kind}

    def test_a_status_keeps_only_the_payments_in_it(self, story):
        page = my_statement_page(actor=story.actor, filters=statement_filters(status="failed"))

        assert _kinds(page.entries) == [("topup", "failed", 10_00)]

    def test_dates_are_calendar_days_in_the_business_time_zone(self, story, now):
        february = statement_filters(from_date=date(2025, 2, 1), to_date=date(2025, 2, 28))
        march_14 = statement_filters(from_date=date(2025, 3, 14), to_date=date(2025, 3, 14))

        assert _kinds(my_statement_rows(actor=story.actor, filters=february)) == [
            ("topup", "succeeded", 300_00)
        ]
        assert len(my_statement_rows(actor=story.actor, filters=march_14)) == 5

    def test_an_unknown_kind_or_status_or_dates_the_wrong_way_round_are_refused(self):
        for bad in ({"kind": "refund"}, {"status": "done"},
                    {"from_date": date(2025, 3, 2), "to_date": date(2025, 3, 1)}):  # fmt: skip
            with pytest.raises(StatementFilterInvalid):
                statement_filters(**bad)

    def test_the_history_comes_in_keyset_pages(self, story):
        first = my_statement_page(actor=story.actor, limit=4)
        older = my_statement_page(actor=story.actor, before=first.older_cursor, limit=4)

        assert len(first.entries) == 4 and len(older.entries) == 2
        assert older.older_cursor is None and older.newer_cursor == str(older.entries[0].id)
        seen = {e.id for e in first.entries + older.entries}
        assert len(seen) == 6


class TestMonthlyStatement:
    def test_the_month_adds_up_and_closes_on_the_ledgers_balance(self, story, now):
        statement = my_monthly_statement(actor=story.actor, month=MARCH, now=now)

        wallet = Account.objects.get(id=story.payer_wallet)
        assert statement.wallet_open and not statement.complete
        assert statement.opening_minor == 300_00
        assert (statement.money_in_minor, statement.money_out_minor) == (230_00, 120_00)
        assert statement.fees_minor == 0
        assert statement.closing_minor == wallet.credits_posted - wallet.debits_posted
        assert statement.closing_minor == (
            statement.opening_minor + statement.money_in_minor - statement.money_out_minor
            - statement.fees_minor
        )  # fmt: skip

    def test_each_posted_movement_has_its_balance_after_it(self, story, now):
        statement = my_monthly_statement(actor=story.actor, month=MARCH, now=now)

        assert [(line.label, line.amount_minor) for line in statement.lines] == [
            ("Top-up", 200_00), ("Transfer sent", -120_00), ("Transfer received", 30_00),
        ]  # fmt: skip
        assert [line.balance_after_minor for line in statement.lines] == [
            500_00, 380_00, 410_00,
        ]  # fmt: skip
        assert statement.lines[2].counterparty == "王*"

    def test_pending_and_failed_payments_are_listed_but_move_nothing(self, story, now):
        statement = my_monthly_statement(actor=story.actor, month=MARCH, now=now)

        assert sorted((e.kind, e.status) for e in statement.not_posted) == [
            ("topup", "failed"), ("withdrawal", "pending"),
        ]  # fmt: skip
        assert all(line.payment_id != story.payments["withdrawal"].id for line in statement.lines)

    def test_a_fee_and_a_movement_of_another_module_are_counted_and_it_still_adds_up(
        self, story, now
    ):
        _debit(story.payer_wallet, 2_00, "payments.fee", now)
        _debit(story.payer_wallet, 50_00, "wealth.subscription", now)

        statement = my_monthly_statement(actor=story.actor, month=MARCH, now=now)

        assert (statement.money_out_minor, statement.fees_minor) == (170_00, 2_00)
        assert statement.closing_minor == 410_00 - 52_00 == (
            statement.opening_minor + statement.money_in_minor - statement.money_out_minor
            - statement.fees_minor
        )  # fmt: skip
        fee, other = statement.lines[-2:]
        assert (fee.is_fee, fee.amount_minor, fee.label) == (True, -2_00, "Fee")
        assert (other.is_fee, other.payment_id, other.label) == (False, None, "Other movement")

    def test_february_closes_where_march_opens(self, story, now):
        february = my_monthly_statement(actor=story.actor, month=date(2025, 2, 1), now=now)

        assert february.complete and february.opening_minor == 0
        assert february.closing_minor == 300_00 and len(february.lines) == 1

    def test_the_months_run_from_the_wallets_opening_to_now(self, story, now):
        assert my_statement_months(actor=story.actor, now=now) == [MARCH, date(2025, 2, 1)]

    def test_a_month_after_now_has_no_statement(self, story, now):
        with pytest.raises(StatementMonthNotFound):
            my_monthly_statement(actor=story.actor, month=date(2025, 4, 1), now=now)
        with pytest.raises(StatementMonthNotFound):
            my_monthly_statement(actor=story.actor, month=date(1999, 12, 1), now=now)

    def test_before_the_wallet_opens_everything_is_zero(self, make_customer, now):
        statement = my_monthly_statement(
            actor=actor_for(make_customer()), month=MARCH, now=now + timedelta(days=30)
        )

        assert not statement.wallet_open and statement.complete
        assert statement.closing_minor == 0 and statement.lines == []


class TestMonthText:
    def test_a_month_is_year_dash_month(self):
        assert statement_month("2025-03") == MARCH

    @pytest.mark.parametrize(
        "text", ["2025-3", "2025-13", "march", "", "2025-03-01", "２０２５-03"]
    )
    def test_anything_else_is_refused(self, text):
        with pytest.raises(StatementMonthInvalid):
            statement_month(text)


class TestDataDownload:
    def test_the_persons_download_lists_the_transfers_they_received_with_the_payer_masked(
        self, story
    ):
        from hujin.core.personal_data import personal_data_parts

        part = next(p for p in personal_data_parts() if p.name == "payments")

        [received] = part.export(story.payer.pk)["transfers_received"]
        [sent_to_payee] = part.export(story.payee.pk)["transfers_received"]

        assert received["id"] == str(story.payments["received"].id)
        assert (received["amount_minor"], received["payer"]) == (30_00, "王*")
        assert (sent_to_payee["amount_minor"], sent_to_payee["payer"]) == (120_00, "张*")
        assert "王伟" not in str(part.export(story.payer.pk))
