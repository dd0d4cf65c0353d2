"""A reason in words says the day's own amount and what it was measured against — the
customer's usual, the ¥100 floor when the usual is lower (or nothing was ever received), or "no
history yet" — never a ratio applied to a usual it was not divided by; in English and Chinese."""

from datetime import UTC, datetime, timedelta

from hujin.risk.anomaly_features import Row, day_features
from hujin.risk.anomaly_words import reason_record

DAY = datetime(2026, 6, 30, 16, 0, tzinfo=UTC)  # 2026-07-01 00:00 in Shanghai


def row(amount: int, *, direction="out", days_before=0, party="a") -> Row:
    at = DAY + timedelta(hours=10) - timedelta(days=days_before)
    return Row("transfer", direction, amount, party, 18, at)


def reason(feature: str, day: list[Row], history: list[Row]) -> dict:
    return reason_record(feature, 5.0, day_features(day, history))


def test_a_ratio_against_the_customers_usual_says_both_amounts():
    r = reason("out_vs_usual", [row(500_000)], [row(50_000, days_before=d) for d in (1, 2)])

    assert (r["value"], r["day"], r["divisor"], r["floored"]) == (10, 500_000, 50_000, False)
    assert r["en"] == "Sent ¥5,000.00 in the day, 10 times the usual daily amount (¥500.00)."
    assert "¥5,000.00" in r["zh"] and "¥500.00" in r["zh"] and "10" in r["zh"]


def test_a_usual_below_the_floor_is_said_with_the_floor_it_was_divided_by():
    r = reason("out_vs_usual", [row(100_000)], [row(5_000, days_before=d) for d in (1, 2)])

    assert (r["value"], r["usual"], r["divisor"], r["floored"]) == (10, 5_000, 10_000, True)
    assert r["en"] == (
        "Sent ¥1,000.00 in the day; usually ¥50.00 a day (10 times ¥100.00, the least a usual "
        "day is taken as)."
    )
    assert "¥50.00" in r["zh"] and "¥100.00" in r["zh"]


def test_money_received_by_a_customer_who_never_received_any():
    r = reason("in_vs_usual", [row(5_000_000, direction="in")],
               [row(50_000, days_before=d) for d in (1, 2)])  # fmt: skip

    assert r["en"] == (
        "Received ¥50,000.00 in the day; usually nothing received (500 times ¥100.00, the "
        "least a usual day is taken as)."
    )
    assert "¥0.00" not in r["en"] + r["zh"] and "¥50,000.00" in r["zh"]


def test_without_a_history_no_usual_figure_is_made_up():
    out = reason("out_vs_usual", [row(6_000_000)], [])
    sent = reason("out_minor", [row(6_000_000)], [])

    assert out["en"] == "Sent ¥60,000.00 in the day; no history yet."
    assert sent["en"] == "Sent ¥60,000.00 in the day; no history yet." and sent["usual"] is None
    assert "¥1,000" not in out["en"] + out["zh"] + sent["zh"]


def test_the_bars_draw_the_days_amount_against_the_usual_as_they_are():
    from hujin.risk.anomaly_selectors import _bar

    floored = _bar(reason("out_vs_usual", [row(100_000)],
                          [row(5_000, days_before=d) for d in (1, 2)]), "en")  # fmt: skip
    alone = _bar(reason("amount_vs_median", [row(6_000_000)], []), "zh-hans")

    assert (floored.day_value, floored.usual_value) == (100_000, 5_000)
    assert (floored.day_width, floored.usual_width) == (100, 5)
    assert (alone.day_value, alone.usual_value, alone.usual_width) == (6_000_000, None, 0)
