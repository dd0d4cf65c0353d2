"""Two reconciliations of the same day at the same moment on two app servers sharing
PostgreSQL (the COB and an operator's replay): both conclude, and each difference is one break,
new for one run and persisting for the other."""

import pytest

from hujin.payments.models import Break
from tests.payments.money import Payer, open_wallet
from tests.payments.reconciliation import reconcile, topup
from tests.payments.test_services_payments_concurrency import _together

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_runs_of_a_day_at_once_make_each_break_once(customer, bound_card, now,
                                                        business_date, sandbox):  # fmt: skip
    card = bound_card()
    payer = Payer(user=customer, card_id=card.id, wallet_id=open_wallet(customer, now))
    topup(payer, now)
    sandbox.update(recon_drop_share=1, recon_extra_lines=2)

    runs, failures = _together([lambda: reconcile(business_date)] * 2)

    assert failures == [] and {r.status for r in runs} == {"complete"}
    assert Break.objects.count() == 3
    assert sum(r.breaks_new for r in runs) == 3 and sum(r.breaks_persisting for r in runs) == 3
