"""The ledger's pages show moments in the business time zone, to the second, and read the "as of"
form the same way: a transfer's time copied from its page into the form takes that transfer in,
even though the ledger recorded it to the microsecond."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.urls import reverse

from tests.ledger.test_pages_ledger import move, open_account, text

# 10:00:05.654321 in Shanghai: the page shows 10:00:05.
RECORDED_AT = datetime(2025, 3, 10, 2, 0, 5, 654_321, tzinfo=UTC)


@pytest.fixture
def bank(db):
    return open_account("1001.bank", "asset")


@pytest.fixture
def alice(db):
    return open_account(owner_ref="partner:alice")


class TestAsOfAShownMoment:
    def test_a_transfer_s_shown_time_as_as_of_includes_that_transfer(
        self,
        staff_client,
        bank,
        alice,
    ):
        transfer_id = move(bank, alice, 10_000, now=RECORDED_AT)
        move(bank, alice, 5_000, now=RECORDED_AT.replace(microsecond=0) + timedelta(seconds=1))
        page = text(staff_client.get(reverse("ledger:transfer_detail", args=[transfer_id])))
        shown = re.search(r"Recorded (\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d)", page)

        response = staff_client.get(
            reverse("ledger:account_detail", args=[alice.id]),
            {"as_of": f"{shown.group(1)}T{shown.group(2)}"},
        )

        assert shown.groups() == ("2025-03-10", "10:00:05")
        assert "Net balance 100.00 CNY" in text(response)

    def test_the_as_of_field_takes_seconds(self, staff_client, alice):
        content = staff_client.get(
            reverse("ledger:account_detail", args=[alice.id]), {"as_of": "2025-03-10T10:00:05"}
        ).content.decode()

        assert re.search(r'<input type="datetime-local" name="as_of"[^>]*step="1"', content)
        assert 'value="2025-03-10T10:00:05"' in content
