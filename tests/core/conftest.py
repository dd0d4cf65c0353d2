"""Fixtures for core's tests.

Huey already runs tasks immediately and in memory (tests/conftest.py). Here every test gets empty
registries of event subscribers and COB steps, so the steps and subscribers other apps register in
their ready() never run in core's tests, and a test's own registrations never leak into the next.
"""

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from django.db import connection, transaction

from hujin.core import cob, subscribers
from hujin.core.actors import system_actor
from hujin.core.dates import business_date_set
from hujin.core.events import event_emit


@pytest.fixture(autouse=True)
def empty_registries(monkeypatch):
    monkeypatch.setattr(subscribers, "_subscribers", {})
    monkeypatch.setattr(cob, "_steps", {})


@pytest.fixture
def actor():
    return system_actor("test")


@pytest.fixture
def emit(now):
    """``emit("loan-1", "loan.approved", {...})``: one event, committed in its own transaction."""

    def make(aggregate_id: str, event_type: str = "test.happened", payload: dict | None = None):
        with transaction.atomic():
            return event_emit(
                aggregate_type="test",
                aggregate_id=aggregate_id,
                event_type=event_type,
                payload=payload or {},
                occurred_at=now,
            )

    return make


@pytest.fixture
def open_day(db, actor, now) -> Callable[[date], date]:
    """``open_day(date(2025, 3, 14))``: make that date the current business date."""

    def make(on_date: date) -> date:
        return business_date_set(to_date=on_date, actor=actor, now=now)

    return make


class StepLog:
    """Records the calls of the COB steps a test registers."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, date]] = []

    def step(self, name: str, result: dict[str, Any] | None = None, fail: bool = False):
        def func(business_date, now):
            self.calls.append((name, business_date))
            if fail:
                raise RuntimeError(f"{name} broke")
            return result

        func.__qualname__ = f"step_{name}"
        return func

    def names(self) -> list[str]:
        return [name for name, _ in self.calls]


@pytest.fixture
def step_log() -> StepLog:
    return StepLog()


def in_thread(target: Callable[[], Any]) -> tuple[threading.Thread, dict[str, Any]]:
    """Run ``target`` in a thread with its own database connection: (thread, outcome dict)."""
    outcome: dict[str, Any] = {}

    def run() -> None:
        try:
            outcome["value"] = target()
        except Exception as exc:  # handed back to the test to assert on
            outcome["error"] = exc
        finally:
            connection.close()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome
