"""What the screen finds out beyond a movement's own values: the night share of a customer's
movements, money coming back to its origin through other customers, a new device, a card bound
today, an open watch-list hit."""

import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hujin.payments.services import transfer_request
from hujin.risk import screen_facts, windows_store
from hujin.risk.lists import watchlist_import
from hujin.risk.lists_screening import party_screen, watchlist_version_screen
from hujin.risk.models import Alert, Decision, WindowEntry
from hujin.risk.windows import WindowEvent
from hujin.risk.windows_sql import NIGHT, WATCHLIST, side_read
from tests.payments.conftest import actor_for, make_customer, sandbox  # noqa: F401 -- fixtures
from tests.payments.money import open_wallet
from tests.payments.test_services_transfer import _fund
from tests.risk.lists_helpers import ANALYST, UN_SAMPLE, verified_customer
from tests.risk.screening_helpers import rule_in_force

pytestmark = pytest.mark.django_db

NOON = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)  # 12:00 in Shanghai


def moved(customer, at, *, payee="", kind="transfer", direction="out"):
    windows_store.entries_record(
        WindowEvent(at, kind, direction, 100_00, payee, {"customer": customer}),
        event_id=uuid.uuid4(),
    )


class TestTheNightShare:
    def test_is_the_share_of_the_last_90_days_movements_made_before_six_in_shanghai(self):
        moved("c-1", NOON - timedelta(hours=9))  # 03:00 in Shanghai
        for days in (1, 2, 3):
            moved("c-1", NOON - timedelta(days=days))
        moved("c-1", NOON - timedelta(days=91, hours=9))  # at night, but too long ago

        assert night_share_of("c-1") == Decimal("0.2500")

    def test_is_missing_for_a_customer_without_movements(self):
        assert night_share_of("c-2") is None


def night_share_of(customer: str):
    read = side_read((), {"customer": customer}, NOON, facts=frozenset({NIGHT}))
    return screen_facts.night_share(*read.night)


class TestACycle:
    def test_closes_when_the_payees_money_reached_the_payer_through_others(self):
        moved("A", NOON - timedelta(days=2), payee="B")
        moved("B", NOON - timedelta(days=1), payee="C")

        assert screen_facts.in_cycle("C", "A", at=NOON)  # C now pays A: A → B → C → A
        assert not screen_facts.in_cycle("A", "C", at=NOON)  # nothing flows from C to A yet

    def test_is_not_paying_back_someone_who_paid_you(self):
        moved("A", NOON - timedelta(days=1), payee="B")

        assert not screen_facts.in_cycle("B", "A", at=NOON)  # B pays A back: two people

    def test_is_not_seen_through_more_hops_or_older_transfers_than_the_limits(self):
        for n, (payer, payee) in enumerate(zip("ABCDE", "BCDEF", strict=True)):
            moved(payer, NOON - timedelta(hours=5 - n), payee=payee)
        moved("X", NOON - timedelta(days=31), payee="Y")

        assert screen_facts.in_cycle("E", "A", at=NOON)  # A → B → C → D → E: four hops
        assert not screen_facts.in_cycle("F", "A", at=NOON)  # five
        assert not screen_facts.in_cycle("Y", "X", at=NOON)  # a month and a day ago

    def test_fires_the_cycle_rule_on_a_real_transfer(self, make_customer, now):  # noqa: F811
        a, b, c = (make_customer(name=n) for n in ("张三", "王伟", "李四"))
        for user in (a, b, c):
            _fund(open_wallet(user, now), 1_000_00, now)
        rule_in_force("CYCLE", "counterparty.in_cycle", "review", now=now)

        for n, (payer, payee) in enumerate(((a, b), (b, c), (c, a))):
            transfer_request(actor=actor_for(payer), payee_mobile=payee.mobile,
                             amount_minor=300_00, idempotency_key=f"k{n}",
                             now=now + timedelta(minutes=n))  # fmt: skip

        fired = Decision.objects.filter(direction="out").order_by("occurred_at")
        assert [d.fired for d in fired] == [[], [], ["CYCLE"]]


def _simple_path_back(edges, payer: str, payee: str) -> bool:
    """The reference: a path payee → … → payer of 2 to ``CYCLE_HOPS`` transfers on which no
    one appears twice and neither the payee nor the payer is passed through."""

    def walk(node, length, seen):
        for a, b in edges:
            if a != node or b in seen:
                continue
            if b == payer and length + 1 >= 2:
                return True
            further = length + 1 < screen_facts.CYCLE_HOPS
            if b != payer and further and walk(b, length + 1, seen | {b}):
                return True
        return False

    return walk(payee, 0, {payee})


transfers = st.lists(
    st.tuples(st.sampled_from("ABCDEF"), st.sampled_from("ABCDEF"), st.booleans()),
    max_size=14,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=transfers)
def test_a_cycle_is_seen_as_the_reference_sees_it(history):
    WindowEntry.objects.all().delete()
    edges = set()
    for n, (payer, payee, recent) in enumerate(history):
        if payer == payee:
            continue
        # a transfer of the last 30 days, or one a month and a day ago (no longer counted)
        moved(payer, NOON - timedelta(days=1 if recent else 31, minutes=n), payee=payee)
        if recent:
            edges.add((payer, payee))
    moved("A", NOON - timedelta(hours=1), payee="B", kind="topup")  # not a transfer

    for payer in "ABCDEF":
        for payee in "ABCDEF":
            if payer != payee:
                assert screen_facts.in_cycle(payer, payee, at=NOON) == _simple_path_back(
                    edges, payer, payee
                ), (payer, payee, sorted(edges))


class TestANewDevice:
    def test_is_a_log_in_from_a_new_device_or_address_in_the_last_day(self, make_customer, now):  # noqa: F811
        from hujin.identity.models import SecurityEvent

        user = make_customer()
        assert not screen_facts.device_new(user.pk, at=now)

        SecurityEvent.objects.create(kind="new_device_or_ip", user=user, occurred_at=now)

        assert screen_facts.device_new(user.pk, at=now + timedelta(hours=23))
        assert not screen_facts.device_new(user.pk, at=now + timedelta(hours=25))


class TestACardBoundToday:
    def test_is_bound_on_the_movements_calendar_day_in_shanghai(self):
        card = {"card_id": "k", "bound_at": "2026-12-06T17:00:00+00:00"}  # 01:00 on the 7th

        assert screen_facts.card_bound_today(card, at=NOON) is True
        assert screen_facts.card_bound_today(card, at=NOON + timedelta(days=1)) is False
        assert screen_facts.card_bound_today({}, at=NOON) is None


class TestAWatchListHit:
    def test_counts_a_hit_on_the_customer_while_its_alert_is_open_not_once_dismissed(
        self, now, settings
    ):
        customer = verified_customer("张伟", birth="19680314", now=now, settings=settings)
        listed(now)
        assert hit(customer)
        assert not hit(uuid.uuid4())

        Alert.objects.filter(customer_id=customer).update(state="dismissed")

        assert not hit(customer)

    def test_a_hit_on_a_payee_does_not_make_the_payer_listed(self, now, settings):
        payer = uuid.uuid4()
        listed(now)
        party_screen(party={"name": "张伟", "date_of_birth": "1968-03-14"},
                     subject={"customer_id": payer, "role": "payee", "party_id": uuid.uuid4()},
                     now=now)  # fmt: skip
        assert Alert.objects.filter(customer_id=payer, source="watchlist").exists()

        assert not hit(payer)


def listed(now):
    """The sample UN list imported, and every customer screened against it."""
    imported = watchlist_import(actor=ANALYST, list_code="un", kind="sanctions", file_name="un",
                                content=UN_SAMPLE, fmt="un_xml", now=now,
                                queue_screening=False)  # fmt: skip
    watchlist_version_screen(version_id=imported.version_id, now=now)


def hit(customer) -> bool:
    return side_read((), {"customer": str(customer)}, NOON, facts=frozenset({WATCHLIST}),
                     watched=(customer,)).watchlist  # fmt: skip
