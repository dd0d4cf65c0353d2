"""The rules Hujin ships: at least 25, each well formed, each firing on its typology's example
event and quiet on an ordinary one, and the large-value thresholds of 中国人民银行令〔2016〕第3号
art. 5 written as the order states them."""

import pytest

from hujin.risk.shipped import OUTCOMES, shipped_rules

RULES = {rule.code: rule for rule in shipped_rules()}


class ExampleFacts:
    """An example event of the rules file: its values, and its aggregates by their label (an
    aggregate the example does not give is 0: nothing happened in that window)."""

    def __init__(self, example: dict):
        self.values = example.get("values", {})
        self.aggregates = example.get("aggregates", {})

    def value(self, name):
        return self.values.get(name)

    def aggregate(self, aggregate):
        return self.aggregates.get(aggregate.label, 0)


def test_at_least_25_rules_are_shipped_each_with_a_known_outcome_and_both_languages():
    assert len(RULES) >= 25
    for rule in RULES.values():
        assert rule.outcome in OUTCOMES
        assert rule.name["en"] and rule.name["zh-hans"] and rule.reason["zh-hans"]


@pytest.mark.parametrize("code", RULES)
def test_each_rule_fires_on_its_typology(code):
    rule = RULES[code]

    assert rule.condition.evaluate(ExampleFacts(rule.examples["fires"])).result is True


@pytest.mark.parametrize("code", RULES)
def test_each_rule_stays_quiet_on_an_ordinary_event(code):
    rule = RULES[code]

    assert rule.condition.evaluate(ExampleFacts(rule.examples["quiet"])).result is False


@pytest.mark.parametrize("code", RULES)
def test_an_example_gives_only_values_and_aggregates_its_rule_reads(code):
    rule = RULES[code]
    labels = {a.label for a in rule.condition.aggregates}

    for example in rule.examples.values():
        assert set(example.get("values", {})) <= rule.condition.names
        assert set(example.get("aggregates", {})) <= labels


class TestTheLargeValueThresholds:
    """Art. 5: cash ≥ CNY 50,000; a non-individual's transfer ≥ CNY 2,000,000; an
    individual's domestic transfer ≥ CNY 500,000; an individual's cross-border transfer
    ≥ CNY 200,000 — each "单笔或者当日累计"."""

    @pytest.mark.parametrize(
        ("code", "threshold_yuan"),
        [("LV-CASH", 50_000), ("LV-ORG", 2_000_000), ("LV-IND-DOMESTIC", 500_000),
         ("LV-IND-XBORDER", 200_000)],
    )  # fmt: skip
    def test_each_threshold_is_the_order_s_and_cites_it(self, code, threshold_yuan):
        rule = RULES[code]

        assert f"yuan({threshold_yuan})" in rule.condition.text
        assert "中国人民银行令〔2016〕第3号" in rule.source and "第五条" in rule.source
        assert rule.outcome == "alert"

    def test_an_individual_s_payments_out_count_together_within_the_calendar_day(self):
        rule = RULES["LV-IND-DOMESTIC"]
        out_today = 'total("today", direction="out")'
        event = {"values": {"customer.type": "individual", "kind": "withdrawal",
                            "direction": "out", "counterparty.cross_border": False,
                            "amount": 100_000_00},
                 "aggregates": {out_today: 400_000_00}}  # fmt: skip

        evaluated = rule.condition.evaluate(ExampleFacts(event))

        assert evaluated.result is True
        assert evaluated.seen[out_today] == 400_000_00

    def test_money_in_and_money_out_are_counted_each_on_its_own_side(self):
        """Art. 5: a cumulative amount is counted on one side, money received or money paid
        (按资金收入或者支出单边累计): ¥300,000 in and ¥300,000 out the same day is not ¥600,000."""
        rule = RULES["LV-IND-DOMESTIC"]
        event = {"values": {"customer.type": "individual", "kind": "transfer",
                            "direction": "out", "counterparty.cross_border": False,
                            "amount": 100_000_00},
                 "aggregates": {'total("today", direction="out")': 200_000_00,
                                'total("today", direction="in")': 300_000_00}}  # fmt: skip

        assert rule.condition.evaluate(ExampleFacts(event)).result is False


# A rule that holds or blocks decides a transfer on the payee's side too (the screen decides both
# sides): it must be about money going out, a movement only its own customer makes, or a fact
# true of both sides. Else a payer is held for what their payee is.
BOTH_SIDES = {
    "WATCHLIST-HIT": "a listed party on either side stops the transfer",
    "CYCLE": "counterparty.in_cycle is only ever true on the payer's side",
}


@pytest.mark.parametrize("rule", [r for r in shipped_rules() if r.outcome in ("review", "block")],
                         ids=lambda r: r.code)  # fmt: skip
def test_a_rule_that_holds_or_blocks_is_about_the_payers_side(rule):
    text = rule.condition.text
    own_only = 'kind == "withdrawal"' in text or 'kind == "topup"' in text

    assert 'direction == "out"' in text or own_only or rule.code in BOTH_SIDES
