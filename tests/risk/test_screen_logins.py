"""The rules in force see every log-in attempt: failures are counted in the windows so that a
payout after them can be held, a rule that fires on a log-in raises an alert, and a log-in no
rule fired on keeps no decision."""

from datetime import timedelta

import pytest

from hujin.core.screening import Login, logins_observe
from hujin.identity.errors import LoginFailed
from hujin.identity.login import login_customer
from hujin.payments.models import Payment
from hujin.payments.services import transfer_request
from hujin.risk.models import Alert, Decision, WindowEntry
from tests.payments.conftest import actor_for, make_customer, sandbox  # noqa: F401 -- fixtures
from tests.payments.money import open_wallet
from tests.payments.test_services_transfer import _fund
from tests.risk.screening_helpers import rule_in_force

pytestmark = pytest.mark.django_db


def attempt(user, now, *, ok: bool, ip="203.0.113.9"):
    logins_observe(Login(user.pk if user else None, ip, "Mozilla/5.0 (iPhone)", ok, now))


def test_with_no_rule_in_force_a_log_in_leaves_nothing(make_customer, now):  # noqa: F811
    attempt(make_customer(), now, ok=True)

    assert not WindowEntry.objects.exists()


def test_failures_then_a_log_in_hold_the_payout_that_follows(make_customer, now):  # noqa: F811
    payer, payee = make_customer(name="张三"), make_customer(name="王伟")
    _fund(open_wallet(payer, now), 1_000_00, now)
    open_wallet(payee, now)
    rule_in_force("TAKEOVER", 'direction == "out" and count("1h", kind="login_failed") >= 3 '
                  'and count("1h", kind="login") >= 1', "review", now=now)  # fmt: skip
    for minutes in (0, 1, 2):
        attempt(payer, now + timedelta(minutes=minutes), ok=False)
    attempt(payer, now + timedelta(minutes=3), ok=True)

    transfer_request(actor=actor_for(payer), payee_mobile=payee.mobile, amount_minor=100_00,
                     idempotency_key="k", now=now + timedelta(minutes=4))  # fmt: skip

    assert Payment.objects.get().status == "review"
    assert not Decision.objects.filter(kind__startswith="login").exists()  # nothing fired on them


def test_a_rule_firing_on_a_log_in_raises_an_alert(make_customer, now):  # noqa: F811
    rule_in_force("IP-BUSY", 'count("1h", per="ip") >= 2', "alert", now=now)
    for n in range(3):
        attempt(make_customer(), now + timedelta(minutes=n), ok=n != 1)

    decision = Decision.objects.get()
    assert decision.kind == "login" and decision.fired == ["IP-BUSY"]
    assert Alert.objects.get().decision == decision
    kept = WindowEntry.objects.filter(per="ip").values_list("subject", flat=True)
    assert len(set(kept)) == 1 and "203.0.113.9" not in kept


def test_identity_tells_risk_of_a_wrong_password(make_customer, now):  # noqa: F811
    user = make_customer()
    user.set_password("right horse battery staple")
    user.save()
    rule_in_force("ANY", 'kind == "login_failed"', "alert", now=now)

    with pytest.raises(LoginFailed):
        login_customer(mobile=user.mobile, password="wrong", ip="198.51.100.7", user_agent="curl",
                       now=now)  # fmt: skip

    entry = WindowEntry.objects.get(per="customer")
    assert entry.kind == "login_failed" and entry.subject == str(user.customer.id)
    assert Alert.objects.get().code == "ANY"


def test_a_log_in_does_not_make_a_dormant_customer_active(make_customer, now):  # noqa: F811
    payer, payee = make_customer(name="张三"), make_customer(name="王伟")
    _fund(open_wallet(payer, now), 1_000_00, now)
    open_wallet(payee, now)
    rule_in_force("DORMANT", 'direction == "out" and customer.days_inactive >= 90', "alert",
                  now=now)  # fmt: skip
    transfer_request(actor=actor_for(payer), payee_mobile=payee.mobile, amount_minor=100_00,
                     idempotency_key="a", now=now)  # fmt: skip
    later = now + timedelta(days=100)

    attempt(payer, later - timedelta(minutes=5), ok=True)  # inactivity is about money, not log-ins
    transfer_request(actor=actor_for(payer), payee_mobile=payee.mobile, amount_minor=100_00,
                     idempotency_key="b", now=later)  # fmt: skip

    assert Alert.objects.filter(code="DORMANT").count() == 1
