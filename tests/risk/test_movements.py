"""What the rules read of a money movement: its own values, the hour and weekday where the
business is (Asia/Shanghai), the kind of counterparty, and what the caller knows besides — never
a name the rules' language does not have."""

import uuid
from datetime import UTC, datetime

import pytest

from hujin.core.screening import Movement
from hujin.risk.expressions import EVENT_VOCABULARY
from hujin.risk.movements import movement_values


def movement(**changes) -> Movement:
    fields = dict(
        customer_id=uuid.uuid4(), user_id=uuid.uuid4(), kind="transfer", direction="out",
        amount_minor=12_345_00, currency="CNY",
        occurred_at=datetime(2026, 12, 6, 23, 30, tzinfo=UTC),
        channel="internal", counterparty={"customer_id": str(uuid.uuid4())},
    )  # fmt: skip
    return Movement(**{**fields, **changes})


def test_a_movement_s_own_values_use_the_rules_names():
    values = movement_values(movement())

    assert values["amount"] == 12_345_00 and values["kind"] == "transfer"
    assert values["direction"] == "out" and values["counterparty.kind"] == "customer"
    assert set(values) <= set(EVENT_VOCABULARY)


def test_the_hour_and_the_weekday_are_the_business_time_zone_s():
    values = movement_values(movement())  # Sunday 23:30 UTC is Monday 07:30 in Shanghai

    assert values["hour"] == 7 and values["weekday"] == 1


def test_a_card_is_a_card_counterparty():
    values = movement_values(movement(kind="withdrawal", counterparty={"card_id": "c-1"}))

    assert values["counterparty.kind"] == "card"


def test_what_the_caller_knows_is_merged_in():
    values = movement_values(movement(), known={"customer.age": 72, "counterparty.new": True})

    assert values["customer.age"] == 72 and values["counterparty.new"] is True


def test_a_name_outside_the_language_is_refused_not_ignored():
    with pytest.raises(ValueError, match=r"customer\.agee"):
        movement_values(movement(), known={"customer.agee": 72})
