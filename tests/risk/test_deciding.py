"""One decision over one event: the live rules that fire decide (block over review over
allow), alert-only rules raise alerts and hold nothing, shadow rules are recorded and never
decide, a rule that fails is recorded as failed and the others still decide, and every finding
keeps what its rule read."""

from dataclasses import dataclass
from decimal import Decimal

from hujin.risk.deciding import ALLOW, BLOCK, REVIEW, SHADOW, event_decide
from hujin.risk.expressions import expression_parse
from hujin.risk.shipped import shipped_rules


@dataclass(frozen=True)
class Rule:
    code: str
    condition: object
    outcome: str
    score: int


def rule(code, text, outcome, score=10) -> Rule:
    return Rule(code, expression_parse(text), outcome, score)


class Facts:
    def __init__(self, aggregates=None, **values):
        self.values = {name.replace("__", "."): value for name, value in values.items()}
        self.aggregates = aggregates or {}

    def value(self, name):
        return self.values.get(name)

    def aggregate(self, aggregate):
        return self.aggregates.get(aggregate.label, 0)


RULES = [
    rule("LARGE", "amount >= yuan(200000)", REVIEW, 30),
    rule("ROUND", "multiple_of(amount, yuan(10000))", "alert", 10),
    rule("LIST", "watchlist.hit", BLOCK, 100),
    rule("RATIO", "amount / customer.days_inactive > 1", REVIEW, 20),
]


class TestTheOutcome:
    def test_an_ordinary_payment_is_allowed_with_nothing_fired(self):
        decision = event_decide(RULES, Facts(amount=123_45, customer__days_inactive=400_000))

        assert decision.outcome == ALLOW and decision.score == 0
        assert decision.fired == () and decision.alerts == ()

    def test_the_strongest_fired_outcome_decides_and_the_scores_add_up(self):
        decision = event_decide(
            RULES, Facts(amount=300_000_00, watchlist__hit=True, customer__days_inactive=1)
        )

        assert decision.outcome == BLOCK
        assert decision.fired == ("LARGE", "ROUND", "LIST", "RATIO")
        assert decision.score == 100  # 30 + 10 + 100 + 20, capped

    def test_an_alert_only_rule_raises_an_alert_and_holds_nothing(self):
        decision = event_decide(RULES, Facts(amount=50_000_00, customer__days_inactive=10**9))

        assert decision.outcome == ALLOW
        assert decision.alerts == ("ROUND",) and decision.score == 10


class TestShadowMode:
    def test_a_shadow_rule_is_recorded_as_fired_and_decides_nothing(self):
        decision = event_decide(RULES, Facts(amount=300_000_00, customer__days_inactive=10**9),
                                modes={"LARGE": SHADOW, "ROUND": SHADOW})  # fmt: skip

        assert decision.outcome == ALLOW and decision.score == 0 and decision.alerts == ()
        shadowed = {f.code: f for f in decision.findings if f.mode == SHADOW}
        assert shadowed["LARGE"].fired and shadowed["ROUND"].fired


class TestAFailingRule:
    def test_it_is_recorded_as_failed_and_the_others_still_decide(self):
        decision = event_decide(RULES, Facts(amount=300_000_00, customer__days_inactive=0))

        failed = {f.code: f for f in decision.findings if f.failed}
        assert set(failed) == {"RATIO"} and not failed["RATIO"].fired
        assert decision.outcome == REVIEW and decision.fired == ("LARGE", "ROUND")


class TestFindings:
    def test_each_finding_keeps_what_its_rule_read(self):
        decision = event_decide(RULES[:1], Facts(amount=1))

        (finding,) = decision.findings
        assert finding.seen == {"amount": 1} and not finding.fired


class TestTheShippedRules:
    def test_an_elderly_customer_s_large_first_transfer_is_held_for_review(self):
        event = Facts(kind="transfer", direction="out", amount=80_000_00, customer__age=78,
                      customer__type="individual", counterparty__new=True,
                      counterparty__cross_border=False, customer__days_inactive=3,
                      customer__account_age_days=900, customer__night_share=Decimal("0.2"),
                      hour=14)  # fmt: skip

        decision = event_decide(shipped_rules(), event)

        assert decision.outcome == REVIEW
        assert set(decision.fired) == {"ELDERLY-NEW-PAYEE", "NEW-PAYEE-LARGE", "ROUND-AMOUNT"}
        # each rule that held it, and the one that only alerts, is an alert for the analyst
        assert set(decision.alerts) == {"ELDERLY-NEW-PAYEE", "NEW-PAYEE-LARGE", "ROUND-AMOUNT"}

    def test_an_ordinary_customer_s_small_payment_fires_nothing(self):
        event = Facts(kind="transfer", direction="out", amount=256_30, customer__age=35,
                      customer__type="individual", counterparty__new=False,
                      counterparty__cross_border=False, customer__days_inactive=1,
                      customer__account_age_days=400, customer__night_share=Decimal("0.1"),
                      hour=11)  # fmt: skip

        decision = event_decide(shipped_rules(), event)

        assert decision.outcome == ALLOW and decision.fired == ()
        assert len(decision.findings) == len(shipped_rules())
