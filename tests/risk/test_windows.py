"""Sliding windows kept in memory (the reference model): an aggregate covers the events of its
key in ``[now - window, now)`` that pass its filters, never the event being decided; old
events are forgotten past the longest window; and a replay of a customer's history makes the
shipped rules fire on the typologies they describe."""

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from hujin.risk.expressions import expression_parse
from hujin.risk.shipped import shipped_rules
from hujin.risk.windows import WindowEvent, Windows, replay

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


def aggregate(text: str):
    (found,) = expression_parse(f"{text} >= 0").aggregates
    return found


def event(minutes: float, kind="transfer", direction="out", amount=100_00, payee="p-1",
          customer="c-1", device="") -> WindowEvent:  # fmt: skip
    return WindowEvent(occurred_at=T0 + timedelta(minutes=minutes), kind=kind,
                       direction=direction, amount=amount, counterparty=payee,
                       keys={"customer": customer, "device": device})  # fmt: skip


class TestAnAggregate:
    def test_it_covers_the_window_up_to_now_and_what_was_recorded_at_this_very_moment(self):
        windows = Windows()
        for minutes in (0, 30, 59, 60, 61):
            windows.record(event(minutes))

        one_hour = aggregate('count("1h")')

        assert windows.aggregate(one_hour, "c-1", T0 + timedelta(minutes=60)) == 3  # 30, 59, 60
        assert windows.aggregate(one_hour, "c-1", T0 + timedelta(minutes=61)) == 4  # 30, 59, 60, 61
        assert windows.aggregate(one_hour, "c-1", T0 + timedelta(minutes=59)) == 3  # 0, 30, 59

    def test_filters_by_kind_direction_and_amount_band(self):
        windows = Windows()
        windows.record(event(1, kind="topup", direction="in", amount=100_000_00))
        windows.record(event(2, amount=49_000_00))
        windows.record(event(3, amount=51_000_00))
        now = T0 + timedelta(hours=1)

        assert windows.aggregate(aggregate('total("1h", direction="in")'), "c-1", now) == 100_000_00
        banded = aggregate('count("1h", amount_from=yuan(45000), amount_below=yuan(50000))')
        assert windows.aggregate(banded, "c-1", now) == 1

    def test_distinct_counterparties_and_other_keys(self):
        windows = Windows()
        for n, payee in enumerate(["a", "b", "a", "c"]):
            windows.record(event(n, payee=payee, device="d-1", customer=f"c-{n}"))
        now = T0 + timedelta(hours=1)

        assert windows.aggregate(aggregate('distinct_counterparties("1h", per="device")'),
                                 "d-1", now) == 3  # fmt: skip
        assert windows.aggregate(aggregate('count("1h")'), "c-1", now) == 1

    def test_events_older_than_the_longest_window_are_forgotten(self):
        windows = Windows()
        windows.aggregate(aggregate('count("1h")'), "c-1", T0)  # a rule asks for an hour
        for minutes in range(0, 600, 10):
            windows.record(event(minutes))

        assert windows.kept("customer", "c-1") <= 7


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 3 * 24 * 60), min_size=1, max_size=60),
       st.sampled_from(["30m", "1h", "24h", "2d"]), st.integers(0, 3 * 24 * 60))  # fmt: skip
def test_a_count_equals_a_plain_count_of_the_events_in_the_window(minutes, window, at):
    windows = Windows()
    for m in sorted(minutes):
        windows.record(event(m))
    counted = aggregate(f'count("{window}")')
    now = T0 + timedelta(minutes=at)
    start = now - timedelta(seconds=counted.window_seconds)

    expected = sum(1 for m in minutes if start < T0 + timedelta(minutes=m) <= now)

    assert windows.aggregate(counted, "c-1", now) == expected


class TestAReplayOfACustomersHistory:
    RULES = shipped_rules()

    def decide(self, history):
        decisions = list(replay(history, self.RULES))
        return decisions[-1][1]

    def values(self, e: WindowEvent, **more) -> dict:
        return {"amount": e.amount, "kind": e.kind, "direction": e.direction, "hour": 14,
                "customer.type": "individual", **more}  # fmt: skip

    def test_three_payments_just_below_the_threshold_in_a_week_are_structuring(self):
        payments = [event(day * 24 * 60, amount=49_000_00, payee=f"p-{day}") for day in range(3)]

        decision = self.decide([(e, self.values(e)) for e in payments])

        assert "STRUCTURING" in decision.fired and decision.outcome == "review"

    def test_two_of_them_are_not(self):
        payments = [event(day * 24 * 60, amount=49_000_00, payee=f"p-{day}") for day in range(2)]

        decision = self.decide([(e, self.values(e)) for e in payments])

        assert "STRUCTURING" not in decision.fired

    def test_money_topped_up_and_sent_on_within_hours_is_rapid_in_and_out(self):
        topup = event(0, kind="topup", direction="in", amount=100_000_00, payee="card-1")
        sent = event(120, amount=95_000_00, payee="p-9")

        decision = self.decide([(topup, self.values(topup)), (sent, self.values(sent))])

        assert "RAPID-IN-OUT" in decision.fired

    def test_the_same_payment_a_day_later_is_not(self):
        topup = event(0, kind="topup", direction="in", amount=100_000_00, payee="card-1")
        sent = event(24 * 60, amount=95_000_00, payee="p-9")

        decision = self.decide([(topup, self.values(topup)), (sent, self.values(sent))])

        assert "RAPID-IN-OUT" not in decision.fired

    def test_an_individual_s_transfers_over_a_day_reach_the_large_value_threshold(self):
        payments = [event(n * 60, amount=200_000_00, payee=f"p-{n}") for n in range(3)]
        history = [(e, self.values(e, **{"counterparty.cross_border": False})) for e in payments]

        decisions = [d for _, d in replay(history, self.RULES)]

        assert ["LV-IND-DOMESTIC" in d.alerts for d in decisions] == [False, False, True]


class TestTheCalendarDayWindow:
    """``"today"`` is the calendar day so far in the business time zone (当日), not the last 24
    hours: what moved before midnight in Shanghai is yesterday's."""

    def test_counts_from_midnight_in_shanghai_not_the_last_24_hours(self):
        windows = Windows()
        today = expression_parse('total("today", direction="out") >= 1').aggregates[0]
        last_day = expression_parse('total("24h", direction="out") >= 1').aggregates[0]
        # 2026-03-09 23:30 and 2026-03-10 00:00 in Shanghai (UTC+8)
        for at, amount in ((datetime(2026, 3, 9, 15, 30, tzinfo=UTC), 300_00),
                           (datetime(2026, 3, 9, 16, 0, tzinfo=UTC), 200_00)):  # fmt: skip
            windows.record(WindowEvent(occurred_at=at, kind="transfer", direction="out",
                                       amount=amount, counterparty="c",
                                       keys={"customer": "a"}))  # fmt: skip
        now = datetime(2026, 3, 9, 17, 0, tzinfo=UTC)  # 01:00 on the 10th in Shanghai

        assert windows.aggregate(today, "a", now) == 200_00  # midnight itself is the day's
        assert windows.aggregate(last_day, "a", now) == 500_00
