"""The window aggregates' shared state in the database is held to the in-memory reference
model: on any history, every aggregate reads the same in both; one statement reads them all;
devices and addresses are kept as blind indexes; old entries are pruned."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hujin.risk import windows_store
from hujin.risk.expressions import expression_parse
from hujin.risk.models import WindowEntry
from hujin.risk.windows import WindowEvent, Windows
from hujin.risk.windows_sql import (
    KNOWN,
    LAST_AT,
    NIGHT,
    WATCHLIST,
    SideAsked,
    side_read,
    sides_read,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
AGGREGATES = [
    a
    for text in (
        'count("1h")',
        'count("24h", kind="transfer", direction="out")',
        'total("7d")',
        'total("24h", kind=["topup", "transfer"], amount_from=1000, amount_below=50000)',
        'distinct_counterparties("24h", direction="out")',
        'count("30m", per="device")',
        'distinct_counterparties("2h", per="device")',
        'total("400d")',
        'total("today", direction="out")',
    )
    for a in expression_parse(f"{text} >= 0").aggregates
]

events = st.builds(
    lambda minutes, kind, direction, amount, payee, customer, device: WindowEvent(
        occurred_at=T0 + timedelta(minutes=minutes),
        kind=kind,
        direction=direction,
        amount=amount,
        counterparty=payee,
        keys={"customer": customer, "device": device},
    ),
    minutes=st.integers(0, 3 * 24 * 60),
    kind=st.sampled_from(["topup", "transfer", "withdrawal"]),
    direction=st.sampled_from(["in", "out"]),
    amount=st.integers(0, 100_000),
    payee=st.sampled_from(["", "p-1", "p-2", "p-3"]),
    customer=st.sampled_from(["c-1", "c-2"]),
    device=st.sampled_from(["", "d-1", "d-2"]),
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(history=st.lists(events, max_size=30), at=st.integers(0, 4 * 24 * 60))  # fmt: skip
def test_every_aggregate_reads_as_the_reference_model_reads_it(history, at):
    WindowEntry.objects.all().delete()
    reference = Windows(keep=windows_store.KEEP)
    for event in history:
        reference.record(event)
        windows_store.entries_record(event, event_id=uuid.uuid4())
    now = T0 + timedelta(minutes=at)

    for customer, device in (("c-1", "d-1"), ("c-2", "d-2"), ("c-1", "")):
        read = windows_store.aggregates_read(
            AGGREGATES, {"customer": customer, "device": device}, now
        )
        for a in AGGREGATES:
            subject = {"customer": customer, "device": device}[a.per]
            expected = reference.aggregate(a, subject, now) if subject else 0
            assert read[a] == expected, a.label


@pytest.fixture
def statements(monkeypatch):
    """``statements()``: how many statements were sent since the last call — Django's, and the
    plain ones of ``hot_rows`` (PostgreSQL sends those on a cursor Django does not see)."""
    from hujin.risk import windows_sql

    sent = []
    plain = windows_sql.hot_rows

    def counted(d, sql, params):
        sent.append(sql)
        return plain(d, sql, params)

    monkeypatch.setattr(windows_sql, "hot_rows", counted)
    with CaptureQueriesContext(connection) as captured:
        seen = {"django": 0, "plain": 0}

        def since_last() -> int:
            django, plain_count = len(captured), len(sent)
            n = (
                django
                - seen["django"]
                + (plain_count - seen["plain"] if connection.vendor == "postgresql" else 0)
            )
            seen.update(django=django, plain=plain_count)
            return n

        yield since_last


def test_all_the_aggregates_of_an_event_are_one_statement(statements):
    windows_store.entries_record(
        WindowEvent(T0, "transfer", "out", 500_00, "p-1", {"customer": "c-1", "device": "d"}),
        event_id=uuid.uuid4(),
    )
    statements()
    read = windows_store.aggregates_read(AGGREGATES, {"customer": "c-1", "device": "d"},
                                         T0 + timedelta(minutes=1))  # fmt: skip

    assert statements() == 1
    assert read[AGGREGATES[0]] == 1


def test_a_device_and_an_address_are_kept_as_blind_indexes_and_a_customer_by_its_id():
    device = windows_store.subject_of("device", "iPhone-7F3A")
    event = WindowEvent(
        T0,
        "login",
        keys={
            "customer": "c-1",
            "device": device,
            "ip": windows_store.subject_of("ip", "203.0.113.9"),
        },
    )

    windows_store.entries_record(event, event_id=uuid.uuid4())

    kept = set(WindowEntry.objects.values_list("subject", flat=True))
    assert "c-1" in kept
    assert "iPhone-7F3A" not in kept and "203.0.113.9" not in kept
    assert device in kept and len(device) == 64


def test_the_last_event_and_a_known_counterparty_are_read_up_to_the_moment():
    for minutes, payee in ((0, "p-1"), (90, "p-2")):
        windows_store.entries_record(
            WindowEvent(T0 + timedelta(minutes=minutes), "transfer", "out", 1_00, payee,
                        {"customer": "c-1"}), event_id=uuid.uuid4())  # fmt: skip
    at = T0 + timedelta(minutes=60)

    def read(customer, counterparty):
        return side_read((), {"customer": customer}, at, facts=frozenset({LAST_AT, KNOWN}),
                         counterparty=counterparty)  # fmt: skip

    assert read("c-1", "p-1").last_at == T0 and read("c-1", "p-1").known is True
    assert read("c-1", "p-2").known is False  # paid only later
    assert read("c-9", "p-1").last_at is None


def test_what_the_screen_asks_is_read_with_the_aggregates_in_one_statement(statements):
    windows_store.entries_record(
        WindowEvent(T0, "transfer", "out", 500_00, "p-1", {"customer": "c-1"}),
        event_id=uuid.uuid4(),
    )
    statements()
    read = side_read(tuple(AGGREGATES), {"customer": "c-1"}, T0 + timedelta(minutes=1),
                     facts=frozenset({LAST_AT, KNOWN, NIGHT, WATCHLIST}), counterparty="p-1",
                     watched=(uuid.uuid4(),))  # fmt: skip

    assert statements() == 1
    assert (read.last_at, read.known, read.night, read.watchlist) == (T0, True, (0, 1), False)


def test_both_sides_of_a_transfer_are_read_in_one_statement_as_each_alone(statements):
    for minutes, (payer, payee) in enumerate([("c-1", "c-2"), ("c-2", "c-1"), ("c-1", "c-3")]):
        windows_store.entries_record(
            WindowEvent(T0 + timedelta(minutes=minutes), "transfer", "out", 100_00 * (minutes + 1),
                        payee, {"customer": payer}),
            WindowEvent(T0 + timedelta(minutes=minutes), "transfer", "in", 100_00 * (minutes + 1),
                        payer, {"customer": payee}),
            event_id=uuid.uuid4(),
        )  # fmt: skip
    at = T0 + timedelta(minutes=10)
    sides = [
        SideAsked(tuple(AGGREGATES), {"customer": "c-1", "counterparty": "c-2"}, at,
                  facts=frozenset({LAST_AT, KNOWN, NIGHT}), counterparty="c-2"),
        SideAsked(tuple(AGGREGATES[:3]), {"customer": "c-2"}, at, facts=frozenset({KNOWN}),
                  counterparty="c-1", watched=(uuid.uuid4(),)),
        SideAsked(tuple(AGGREGATES), {}, at),  # nothing to read: no statement of its own
    ]  # fmt: skip
    alone = [sides_read([side])[0] for side in sides]
    statements()

    together = sides_read(sides)

    assert statements() == 1
    assert together == alone
    assert together[0].aggregates[AGGREGATES[2]] == 600_00 and together[1].known is True


def test_pruning_deletes_only_what_no_window_can_read():
    for days in (0, 380, 402):
        windows_store.entries_record(
            WindowEvent(T0 + timedelta(days=days), "topup", "in", 1_00, "", {"customer": "c-1"}),
            event_id=uuid.uuid4(),
        )

    assert windows_store.entries_prune(now=T0 + timedelta(days=403)) == 1

    assert WindowEntry.objects.count() == 2


def test_the_calendar_day_starts_at_midnight_in_shanghai_to_the_microsecond():
    """``today`` counts midnight itself and nothing a microsecond before it (16:00 UTC is
    midnight in Shanghai), read from the database as from the reference model."""
    today = expression_parse('total("today") >= 0').aggregates[0]
    midnight = datetime(2026, 12, 7, 16, 0, tzinfo=UTC)
    for at, amount in ((midnight - timedelta(microseconds=1), 1), (midnight, 10)):
        windows_store.entries_record(
            WindowEvent(occurred_at=at, kind="transfer", direction="out", amount=amount,
                        keys={"customer": "c-9"}),
            event_id=uuid.uuid4(),
        )  # fmt: skip

    read = windows_store.aggregates_read(
        [today], {"customer": "c-9"}, midnight + timedelta(hours=1)
    )

    assert read[today] == 10
