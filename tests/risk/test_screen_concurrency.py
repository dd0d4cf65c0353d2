"""A window limit holds on many app processes sharing one PostgreSQL: eight customers behind one
address send money at the same moment, in eight processes, and only as many pass as the rule's
window allows; the windows count exactly the ones that moved."""

import pytest

from hujin.core import context
from hujin.payments.models import Payment
from hujin.payments.services import transfer_request
from hujin.risk.models import Decision, WindowEntry
from tests.payments.conftest import actor_for, make_customer, sandbox  # noqa: F401 -- fixtures
from tests.payments.money import ledger_is_consistent, open_wallet
from tests.payments.rules_helpers import fund
from tests.payments.test_services_limits_concurrency import _in_eight_processes
from tests.risk.screening_helpers import rule_in_force

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_customers_behind_one_address_cannot_squeeze_past_its_window(make_customer, now):  # noqa: F811
    # Eight payers, eight payees: payments locks nothing they share (each transfer locks its two
    # customers' rows). Only the risk screen's lock on the address makes them take turns.
    pairs = []
    for _ in range(8):
        payer, payee = make_customer(name="张三"), make_customer(name="王伟")
        fund(open_wallet(payer, now), 1_000_00, now)
        open_wallet(payee, now)
        pairs.append((payer, payee))
    rule_in_force("ONE_ADDRESS", 'direction == "out" and count("1h", per="ip") >= 3', "block",
                  now=now)  # fmt: skip

    def send(n):
        payer, payee = pairs[n]
        token = context.bind(context.RequestContext(request_id=f"r{n}", ip="203.0.113.7"))
        try:
            return transfer_request(
                actor=actor_for(payer), payee_mobile=payee.mobile, amount_minor=100_00,
                idempotency_key=f"p{n}", now=now,
            )  # fmt: skip
        finally:
            context.unbind(token)

    outcomes = _in_eight_processes(send)

    assert sorted(kind for kind, _ in outcomes) == ["ok"] * 3 + ["refused"] * 5
    assert Payment.objects.filter(status="succeeded").count() == 3
    assert WindowEntry.objects.filter(per="ip").count() == 3  # the payers' sides
    assert Decision.objects.filter(outcome="block").count() == 5  # the payers' sides
    assert ledger_is_consistent()
