"""The shipped rules on a synthetic, labelled history (docs/modules/risk.md, "Measured on a
synthetic history"): every injected typology is caught by its own rules in at least 95 % of its
customers, and at most 2 % of ordinary customers raise anything; the same seed gives the same
history."""

from decimal import Decimal

import pytest

from hujin.risk.shipped import shipped_rules
from hujin.risk.synthetic import NORMAL, TYPOLOGIES, measure, synthetic_history


@pytest.fixture(scope="module")
def measured():
    return measure(synthetic_history(seed=7, normal=400, per_typology=8), shipped_rules())


@pytest.mark.parametrize("typology", TYPOLOGIES)
def test_each_typology_is_caught_by_its_own_rules(measured, typology):
    assert measured.customers[typology] == 8
    assert measured.recall(typology) >= Decimal("0.95")


def test_ordinary_customers_raise_alerts_rarely(measured):
    assert measured.customers[NORMAL] == 400
    assert measured.normal_alert_rate <= Decimal("0.02")


def test_the_same_seed_gives_the_same_history():
    first = synthetic_history(seed=3, normal=20, per_typology=1)
    again = synthetic_history(seed=3, normal=20, per_typology=1)

    assert [(e.customer, e.event.occurred_at, e.event.amount) for e in first] == [
        (e.customer, e.event.occurred_at, e.event.amount) for e in again
    ]
