"""A window limit holds on many app processes sharing one PostgreSQL: eight processes send a
customer's transfers at the same moment, and only as many pass as the rule's 24-hour total
allows; the windows count exactly the ones that moved."""

import pytest

from hujin.payments.models import Payment
from hujin.payments.services import transfer_request
from hujin.risk.models import Decision, WindowEntry
from tests.payments.conftest import actor_for, make_customer, sandbox  # noqa: F401 -- fixtures
from tests.payments.money import ledger_is_consistent, open_wallet, wallet
from tests.payments.rules_helpers import fund
from tests.payments.test_services_limits_concurrency import _in_eight_processes
from tests.risk.screening_helpers import rule_in_force

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_eight_processes_cannot_squeeze_past_a_window_total(make_customer, now):  # noqa: F811
    payer, payee = make_customer(name="张三"), make_customer(name="王伟")
    payer_wallet = open_wallet(payer, now)
    open_wallet(payee, now)
    fund(payer_wallet, 5_000_00, now)
    rule_in_force("DAILY_OUT", 'total("24h", direction="out") + amount > yuan(300)', "block",
                  now=now)  # fmt: skip

    def send(n):
        return transfer_request(
            actor=actor_for(payer), payee_mobile=payee.mobile, amount_minor=100_00,
            idempotency_key=f"p{n}", now=now,
        )  # fmt: skip

    outcomes = _in_eight_processes(send)

    assert sorted(kind for kind, _ in outcomes) == ["ok"] * 3 + ["refused"] * 5
    assert Payment.objects.filter(status="succeeded").count() == 3
    assert wallet(payer_wallet)["balance"] == 5_000_00 - 300_00
    assert WindowEntry.objects.filter(per="customer", subject=str(payer.customer.id)).count() == 3
    assert Decision.objects.filter(customer_id=payer.customer.id, outcome="block").count() == 5
    assert ledger_is_consistent()
