"""The rules in force screen every money movement before it happens: a block refuses it and
moves nothing, a review holds it for an analyst, an alert lets it go and tells an analyst, a
shadow rule is only recorded; every decision keeps what each rule saw; the windows count what
moved, on both sides of a transfer; with no rule in force the screen is not even asked."""

from datetime import timedelta

import pytest

from hujin.core.events import outbox_dispatch
from hujin.core.models import OutboxEvent
from hujin.core.screening import movement_screens_in_force
from hujin.core.subscribers import DomainEvent
from hujin.payments import errors
from hujin.payments.models import Payment
from hujin.payments.services import payment_review_release, transfer_request
from hujin.risk.models import Alert, Decision, WindowEntry
from hujin.risk.tasks import TRANSFER_SUCCEEDED, on_transfer_released
from tests.payments.conftest import actor_for, make_customer, sandbox  # noqa: F401 -- fixtures
from tests.payments.money import ledger_is_consistent, open_wallet, wallet
from tests.payments.rules_helpers import REVIEWER
from tests.payments.test_services_transfer import _fund
from tests.risk.screening_helpers import rule_in_force

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(make_customer, now):  # noqa: F811
    payer, payee = make_customer(name="张三"), make_customer(name="王伟")
    payer_wallet, payee_wallet = open_wallet(payer, now), open_wallet(payee, now)
    _fund(payer_wallet, 5_000_00, now)
    return payer, payee, payer_wallet, payee_wallet


def send(payer, payee, now, amount=120_00, key="tr-1"):
    return transfer_request(actor=actor_for(payer), payee_mobile=payee.mobile,
                            amount_minor=amount, idempotency_key=key, now=now)  # fmt: skip


class TestWithNoRuleInForce:
    def test_the_screen_is_not_in_force_and_writes_nothing(self, pair, now):
        payer, payee, *_ = pair

        assert "risk" not in movement_screens_in_force()
        send(payer, payee, now)

        assert not Decision.objects.exists() and not WindowEntry.objects.exists()

    def test_it_is_in_force_once_a_rule_is(self, now):
        rule_in_force("LARGE", "amount >= yuan(100000)", "review", now=now)

        assert "risk" in movement_screens_in_force()


class TestABlock:
    def test_refuses_the_transfer_moves_nothing_and_keeps_the_decision_with_an_alert(
        self, pair, now
    ):
        from hujin.core.models import AuditEntry, OutboxEvent

        payer, payee, payer_wallet, payee_wallet = pair
        rule_in_force("BIG_TRANSFER", 'direction == "out" and amount >= yuan(100)', "block",
                      score=80, now=now)  # fmt: skip

        with pytest.raises(errors.ScreeningRefused):
            send(payer, payee, now)

        assert wallet(payer_wallet)["balance"] == 5_000_00
        assert wallet(payee_wallet)["balance"] == 0
        assert not WindowEntry.objects.exists()  # money that did not move is not counted
        decision = Decision.objects.get(customer_id=payer.customer.id)
        assert decision.outcome == "block" and decision.fired == ["BIG_TRANSFER"]
        assert decision.score == 80
        alert = Alert.objects.get(decision=decision)
        assert alert.code == "BIG_TRANSFER" and alert.state == "open"
        assert AuditEntry.objects.filter(action="risk.alert_raised", target_id=str(alert.id))
        assert OutboxEvent.objects.filter(event_type="risk.alert_raised").count() == 1
        assert decision.findings[0]["version"] == 1
        assert ledger_is_consistent()

    def test_keeps_what_the_rule_saw(self, pair, now):
        payer, payee, *_ = pair
        rule_in_force("BIG_TRANSFER", 'direction == "out" and amount >= yuan(100)', "block",
                      now=now)  # fmt: skip

        with pytest.raises(errors.ScreeningRefused):
            send(payer, payee, now, amount=150_00)

        [finding] = Decision.objects.get(customer_id=payer.customer.id).findings
        assert finding["fired"] is True
        assert finding["seen"] == {"direction": "out", "amount": 150_00}


class TestAReview:
    def test_holds_the_transfer_for_an_analyst_with_the_rules_reason(self, pair, now):
        payer, payee, *_ = pair
        rule_in_force("NEW_PAYEE", 'direction == "out" and counterparty.new and '
                      "amount >= yuan(100)", "review",
                      now=now)  # fmt: skip

        send(payer, payee, now)

        payment = Payment.objects.get()
        assert payment.status == "review"
        decision = Decision.objects.get(customer_id=payer.customer.id)
        assert decision.outcome == "review" and decision.fired == ["NEW_PAYEE"]
        assert payment.screening.reasons[0]["code"] == "risk.rule.NEW_PAYEE"
        # in both languages: the reviewer reads one, the customer's language is not theirs
        assert payment.screening.reasons[0]["message"] == "Because of NEW_PAYEE · 因为 NEW_PAYEE"
        # the held transfer is the analyst's work too: its alert is in their queue
        alert = Alert.objects.get()
        assert (alert.code, alert.decision_id, alert.state) == ("NEW_PAYEE", decision.id, "open")

    def test_counts_the_held_transfer_for_the_payee_only_once_a_reviewer_releases_it(
        self, pair, now
    ):
        payer, payee, *_ = pair
        rule_in_force("BIG", "amount >= yuan(100)", "review", now=now)

        send(payer, payee, now)
        held = Payment.objects.get()
        payee_side = WindowEntry.objects.filter(per="customer", subject=str(payee.customer.id))
        assert not payee_side.exists()
        assert not Decision.objects.filter(customer_id=payee.customer.id).exists()
        assert WindowEntry.objects.filter(per="customer", subject=str(payer.customer.id),
                                          direction="out").count() == 1  # fmt: skip

        released_at = now + timedelta(hours=2)
        payment_review_release(payment_id=held.id, actor=REVIEWER, note="Known to us",
                               now=released_at)  # fmt: skip
        outbox_dispatch(now=released_at)

        entry = payee_side.get()
        assert (entry.direction, entry.amount, entry.counterparty, entry.occurred_at) == (
            "in",
            120_00,
            str(payer.customer.id),
            released_at,
        )
        # the payee's side is decided at the release, on the money that reached them then
        theirs = Decision.objects.get(customer_id=payee.customer.id)
        assert (theirs.direction, theirs.occurred_at, theirs.event) == ("in", released_at, held.id)
        on_transfer_released(next(e for e in _events(TRANSFER_SUCCEEDED)))  # delivered again
        assert payee_side.count() == 1
        assert Decision.objects.filter(customer_id=payee.customer.id).count() == 1


def _events(event_type):
    return (DomainEvent.from_row(row) for row in OutboxEvent.objects.filter(event_type=event_type))


class TestAnAlert:
    def test_lets_the_transfer_go_and_raises_an_alert(self, pair, now):
        payer, payee, _, payee_wallet = pair
        rule_in_force("ROUND", "multiple_of(amount, yuan(100))", "alert", now=now)
        rule_in_force("OUT", 'direction == "out"', "alert", score=30, now=now)

        send(payer, payee, now, amount=100_00)

        assert wallet(payee_wallet)["balance"] == 100_00
        alerts = Alert.objects.filter(customer_id=payer.customer.id).order_by("code")
        assert [(a.code, a.source, a.score) for a in alerts] == [
            ("OUT", "rule", 30),
            ("ROUND", "rule", 10),
        ]
        # each alert its rule's own score; the decision the sum
        assert alerts[0].decision.outcome == "allow" and alerts[0].decision.score == 40


class TestAShadowRule:
    def test_is_recorded_as_firing_and_decides_nothing(self, pair, now):
        payer, payee, _, payee_wallet = pair
        rule_in_force("BIG_TRANSFER", "amount >= yuan(100)", "block", state="shadow", now=now)

        send(payer, payee, now)

        assert wallet(payee_wallet)["balance"] == 120_00
        decision = Decision.objects.get(customer_id=payer.customer.id)
        assert decision.outcome == "allow" and decision.fired == []
        assert decision.shadow_fired == ["BIG_TRANSFER@shadow"]
        assert not Alert.objects.exists()


class TestTheWindows:
    def test_count_what_moved_so_the_third_transfer_of_the_day_is_refused(self, pair, now):
        payer, payee, *_ = pair
        rule_in_force("VELOCITY", 'count("24h", kind="transfer", direction="out") >= 2',
                      "block", now=now)  # fmt: skip

        send(payer, payee, now, key="a")
        send(payer, payee, now + timedelta(minutes=5), key="b")
        with pytest.raises(errors.ScreeningRefused):
            send(payer, payee, now + timedelta(minutes=10), key="c")

        assert Payment.objects.filter(status="succeeded").count() == 2
        refused = Decision.objects.get(outcome="block")
        assert refused.findings[0]["seen"] == {'count("24h", kind="transfer", direction="out")': 2}

    def test_see_a_transfer_from_the_payees_side_too(self, pair, now):
        payer, payee, *_ = pair
        rule_in_force("FAN_IN", 'direction == "in" and distinct_counterparties("24h", '
                      'direction="in") >= 1', "alert", now=now)  # fmt: skip
        other = make_customer_with_money(payee, now)

        send(payer, payee, now, key="a")
        send(other, payee, now + timedelta(minutes=1), key="b")

        sides = Decision.objects.filter(customer_id=payee.customer.id).order_by("occurred_at")
        assert [d.direction for d in sides] == ["in", "in"]
        assert Alert.objects.filter(customer_id=payee.customer.id, code="FAN_IN").count() == 1

    def test_tell_a_customer_inactive_for_months_and_a_payee_paid_before(self, pair, now):
        payer, payee, *_ = pair
        rule_in_force("DORMANT", "customer.days_inactive >= 90", "alert", now=now)
        rule_in_force("FIRST", "counterparty.new", "alert", now=now)

        send(payer, payee, now, key="a")
        send(payer, payee, now + timedelta(days=100), key="b")

        mine = Decision.objects.filter(customer_id=payer.customer.id, direction="out")
        first, second = mine.order_by("occurred_at")
        assert first.fired == ["FIRST"]  # no history: not dormant, and a payee never paid
        assert second.fired == ["DORMANT"]


def make_customer_with_money(like, now):
    """Another customer with money, made as the fixture makes them."""
    from hujin.customers.models import Customer
    from hujin.identity.models import User

    user = User.objects.create(username=f"o-{like.pk}", kind="customer", mobile="+8613700000099")
    Customer.objects.create(user=user, type="individual", status="active", legal_name="李四",
                            kyc_status="verified", verified_at=now, created_at=now)  # fmt: skip
    _fund(open_wallet(user, now), 1_000_00, now)
    return user


class TestARuleChangedByAnotherProcess:
    def test_decides_from_the_next_movement_this_process_screens(self, pair, now):
        from hujin.risk import inforce
        from hujin.risk.models import RuleVersion

        payer, payee, *_ = pair
        rule_in_force("FIRST", 'direction == "out" and amount >= 1', "alert", now=now)
        send(payer, payee, now, amount=10_00, key="tr-1")  # this process knows FIRST now
        RuleVersion.objects.create(
            code="SECOND", number=1, name_en="Second", name_zh="第二", condition="amount >= 1",
            outcome="alert", score=5, reason_en="Second", reason_zh="第二", state="live",
            written_at=now,
        )  # fmt: skip
        inforce.generation_raise(now)  # as another process would: this one is not told

        send(payer, payee, now, amount=10_00, key="tr-2")

        fired = Decision.objects.filter(direction="out").values_list("fired", flat=True)
        assert sorted(map(tuple, fired)) == [("FIRST",), ("FIRST", "SECOND")]


class TestAFactThatCostsARead:
    def test_is_read_only_when_a_rules_condition_gets_to_it(self, pair, now, monkeypatch):
        from hujin.risk import screen_facts

        payer, payee, *_ = pair
        rule_in_force("NEW_DEVICE", 'kind == "withdrawal" and device.new', "review", now=now)
        asked = []
        monkeypatch.setattr(screen_facts, "device_new", lambda *a, **k: asked.append(a) or True)

        send(payer, payee, now)

        assert asked == []  # a transfer: the condition stopped at its kind
        (decision,) = Decision.objects.filter(direction="out")
        assert decision.findings[0]["seen"] == {"kind": "transfer"}


class TestAPaymentThatFails:
    def test_is_forgotten_by_the_windows_and_its_decision_stays(self, pair, now):
        from hujin.core.actors import Actor
        from hujin.core.outbox import outbox_dispatch
        from hujin.payments.services import payment_review_reject

        payer, payee, *_ = pair
        rule_in_force("NEW_PAYEE", 'direction == "out" and counterparty.new and '
                      "amount >= yuan(100)", "review",
                      now=now)  # fmt: skip
        send(payer, payee, now)
        payment = Payment.objects.get()
        # the payer's side (two keys): held, the payee has not received it
        assert WindowEntry.objects.filter(event=payment.id).count() == 2
        reviewer = Actor(kind="staff", id="r-1", label="reviewer",
                         scopes=frozenset({"payments.review_payments"}))  # fmt: skip

        payment_review_reject(payment_id=payment.id, actor=reviewer, note="not the customer",
                              now=now)  # fmt: skip
        outbox_dispatch(now=now)

        assert not WindowEntry.objects.exists()
        assert Decision.objects.filter(event=payment.id, outcome="review").count() == 1


class TestTheCustomersDataDownload:
    def test_says_that_screening_records_exist_and_not_what_they_say(self, pair, now):
        from hujin.core.personal_data import personal_data_parts

        payer, payee, *_ = pair
        rule_in_force("ROUND", "multiple_of(amount, yuan(100))", "alert", now=now)
        send(payer, payee, now, amount=100_00)

        [part] = [p for p in personal_data_parts() if p.name == "risk"]
        exported = part.export(payer.pk)

        assert exported["screening_decisions"] == 1
        assert "ROUND" not in str(exported) and "5 years" in exported["note"]
