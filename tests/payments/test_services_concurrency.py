"""Two of one customer's codes confirmed at once, on two app servers sharing PostgreSQL: both
cards are bound and exactly one is the default.

The first confirmation holds inside the bank's check until the second is either blocked on the
customer's cards (what the service does) or has reached the bank's check too (a race, which
the test must catch): waiting on conditions, never on time."""

import threading

import pytest
from django.db import connections

from hujin.payments.channels.sandbox import SandboxChannel
from hujin.payments.models import Card, PaymentChannel
from hujin.payments.services import card_bind_begin, card_bind_confirm
from tests.core.workers import lock_waiters, wait_until
from tests.payments.conftest import CODE, MOBILE, actor_for, card_number


class GatedChannel(SandboxChannel):
    """The sandbox, whose first confirmation waits for the second confirmation to be blocked
    on a lock or to reach the bank's check itself."""

    arrivals: list[str] = []
    first_in = threading.Event()
    second_in = threading.Event()
    release = threading.Event()

    def card_verify_confirm(self, *, reference, code, now):
        GatedChannel.arrivals.append(reference)
        if len(GatedChannel.arrivals) == 1:
            GatedChannel.first_in.set()
            wait_until(GatedChannel.release.is_set, what="the test lets the first one go on")
        else:
            GatedChannel.second_in.set()
        return super().card_verify_confirm(reference=reference, code=code, now=now)


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_first_cards_confirmed_at_once_make_one_default(make_customer, now):
    user = make_customer()
    actor = actor_for(user)
    pending = [
        card_bind_begin(
            number=card_number(prefix), holder_name="张三", reserved_mobile=MOBILE, actor=actor,
            now=now,
        ).card.id
        for prefix in ("622202", "621700")
    ]  # fmt: skip
    PaymentChannel.objects.filter(name="sandbox").update(adapter=f"{__name__}.GatedChannel")
    GatedChannel.arrivals = []
    GatedChannel.first_in, GatedChannel.second_in = threading.Event(), threading.Event()
    GatedChannel.release = threading.Event()
    failures: list[Exception] = []

    def confirm(card_id):
        try:
            card_bind_confirm(card_id=card_id, code=CODE, actor=actor, now=now)
        except Exception as exc:  # the assertion below names it
            failures.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(card_id,)) for card_id in pending]
    threads[0].start()
    wait_until(GatedChannel.first_in.is_set, what="the first confirmation is at the bank")
    threads[1].start()
    wait_until(
        lambda: GatedChannel.second_in.is_set() or lock_waiters() >= 1,
        what="the second confirmation waits on a lock or reaches the bank",
    )
    GatedChannel.release.set()
    for thread in threads:
        thread.join(timeout=60)

    assert failures == []
    cards = Card.objects.filter(customer__user=user)
    assert sorted(cards.values_list("status", flat=True)) == ["active", "active"]
    assert cards.filter(is_default=True).count() == 1
