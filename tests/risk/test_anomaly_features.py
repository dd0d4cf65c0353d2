"""A customer-day's features, worked by hand: volumes, counts, counterparties new to the 30 days
before, the night share, the hours, log-ins and the ratios to the customer's own history (a big
customer is not unusual for being big); the reasons an unusual day gives, one per group."""

from datetime import UTC, datetime, timedelta

import pytest

from hujin.risk.anomaly_features import (
    FEATURES,
    USUAL_FLOOR,
    USUAL_WITHOUT_HISTORY,
    Row,
    baseline_of,
    day_features,
    model_vector,
    unusual,
)

SHANGHAI = timedelta(hours=8)
DAY = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)  # 2026-07-01 00:00 in Shanghai


def row(hours_into_day: float, kind="transfer", direction="out", amount=100_000, party="a",
        days_before: int = 0) -> Row:  # fmt: skip
    at = DAY + timedelta(hours=hours_into_day) - timedelta(days=days_before)
    return Row(kind, direction, amount, party, (at + SHANGHAI).hour, at)


class TestADayAgainstItsMonth:
    def test_counts_volumes_counterparties_hours_and_night(self):
        day = [row(2, amount=300_000, party="new"), row(10, amount=100_000, party="a"),
               row(10.5, kind="topup", direction="in", amount=500_000, party="card"),
               row(12, kind="login", direction="", amount=0, party="")]  # fmt: skip
        history = [row(10, amount=50_000, party="a", days_before=d) for d in (1, 2, 3, 4)]

        f = day_features(day, history)

        assert f.values["out_minor"] == 400_000 and f.values["in_minor"] == 500_000
        assert f.values["movements"] == 3 and f.values["logins"] == 1
        assert f.values["counterparties"] == 3  # new, a, card
        assert f.values["new_counterparties"] == 2  # new and card: not in the 30 days before
        assert f.values["night_share"] == pytest.approx(1 / 3)  # 02:00
        assert f.values["hours"] == 2  # 02 and 10
        # ¥500 a day usually sent; the largest amount ¥5,000 against a ¥500 median
        assert f.usual["out_minor"] == 50_000 and f.values["out_vs_usual"] == 8
        assert f.values["amount_vs_median"] == 10 and f.usual["amount_vs_median"] == 50_000
        assert f.values["in_vs_usual"] == 50  # nothing received before: the floor, ¥100

    def test_a_big_customer_doing_what_they_always_do_is_usual(self):
        big = [row(10, amount=5_000_000, party="a", days_before=d) for d in range(1, 31)]
        small = [row(10, amount=50_000, party="a", days_before=d) for d in range(1, 31)]
        day_big, day_small = [row(10, amount=5_000_000)], [row(10, amount=50_000)]

        f_big = day_features(day_big, big)
        f_small = day_features(day_small, small)

        for name in ("out_vs_usual", "amount_vs_median", "new_counterparties", "night_share"):
            assert f_big.values[name] == f_small.values[name]
        assert f_big.values["out_vs_usual"] == 1

    def test_without_a_history_nothing_is_said_to_be_usual(self):
        f = day_features([row(10, amount=6_000_000, party="x")], [])

        assert f.values["out_vs_usual"] == 60  # the model divides by ¥1,000
        assert f.divisor["out_vs_usual"] == USUAL_WITHOUT_HISTORY
        assert f.day["out_vs_usual"] == 6_000_000
        assert f.usual["out_minor"] is None and f.usual["out_vs_usual"] is None
        assert f.usual["logins"] is None and f.values["new_counterparties"] == 1

    def test_a_ratio_keeps_the_days_amount_and_the_divisor_it_used(self):
        history = [row(10, amount=5_000, party="a", days_before=d) for d in (1, 2)]

        f = day_features([row(10, amount=100_000, party="a")], history)

        # usual ¥50 a day, below the ¥100 floor: 10 times the floor, not 20 times the usual
        assert f.usual["out_vs_usual"] == 5_000 and f.divisor["out_vs_usual"] == USUAL_FLOOR
        assert f.values["out_vs_usual"] == 10 and f.day["out_vs_usual"] == 100_000
        assert f.values["amount_vs_median"] == 10 and f.usual["amount_vs_median"] == 5_000

    def test_money_received_by_a_customer_who_never_received_any(self):
        history = [row(10, amount=50_000, party="a", days_before=d) for d in (1, 2)]

        f = day_features([row(10, kind="transfer", direction="in", amount=5_000_000)], history)

        assert f.usual["in_vs_usual"] == 0 and f.divisor["in_vs_usual"] == USUAL_FLOOR
        assert f.values["in_vs_usual"] == 500 and f.day["in_vs_usual"] == 5_000_000

    def test_days_are_told_apart_at_midnight_in_asia_shanghai(self):
        # 23:59 and 00:00 Shanghai: two days of history, though 15:59 and 16:00 UTC the same
        history = [row(-24 - 1 / 60, party="a"), row(-24, party="b")]

        f = day_features([row(10)], history)

        assert f.usual["movements"] == 1 and f.usual["counterparties"] == 1

    def test_the_usual_counts_are_per_active_day(self):
        history = [row(10, days_before=1), row(11, days_before=1, party="b"),
                   row(9, days_before=5)]  # fmt: skip

        f = day_features([row(10)], history)

        assert f.usual["movements"] == 1.5 and f.usual["counterparties"] == 1.5
        assert f.usual["hours"] == 1.5


class TestReasons:
    def test_the_most_unusual_features_come_first_one_per_group(self):
        baseline = {name: {"median": 0.0, "spread": 1.0} for name in FEATURES}
        values = dict.fromkeys(FEATURES, 0.0) | {
            "out_minor": 2.0, "out_vs_usual": 50.0, "new_counterparties": 11.0, "hours": 1.0,
        }  # fmt: skip

        reasons = unusual(model_vector(values), baseline, FEATURES)

        assert [name for name, _ in reasons] == ["out_vs_usual", "new_counterparties", "hours"]

    def test_features_below_the_median_are_never_reasons(self):
        baseline = {name: {"median": 5.0, "spread": 1.0} for name in FEATURES}

        assert unusual(model_vector(dict.fromkeys(FEATURES, 0.0)), baseline, FEATURES) == []

    def test_a_feature_that_never_varies_keeps_a_spread(self):
        rows = [[0.0, 1.0], [0.0, 3.0], [0.0, 2.0]]

        baseline = baseline_of(rows, ["logins", "movements"])

        assert baseline["logins"] == {"median": 0.0, "spread": 0.1}
        assert baseline["movements"]["median"] == 2.0
