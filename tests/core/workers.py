"""Helpers for tests where two dispatch workers meet: wait for what one worker does to the other,
never for a length of time."""

import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import connection

WAIT_S = 10.0


def wait_until(condition: Callable[[], bool], *, what: str, timeout: float = WAIT_S) -> None:
    """Poll ``condition`` (every 10 ms, at most ``timeout`` seconds); fail saying ``what``."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting until {what}")
        time.sleep(0.01)


def lock_waiters() -> int:
    """PostgreSQL: sessions of this test database blocked on a lock, other than this one."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_clear_snapshot()")
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0]


class TransactionLog:
    """Records, across threads, when a watched thread's transactions begin (SQLite: after its
    ``BEGIN IMMEDIATE`` got the write lock) and when one of them asks to begin."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.asked: dict[str, threading.Event] = {}

    def watch(self, name: str, target: Callable[[], Any]) -> Callable[[], Any]:
        """``target``, run with this thread's statements watched under ``name``."""
        self.asked[name] = threading.Event()

        def wrapper(execute, sql, params, many, context):
            if sql.startswith("BEGIN"):
                self.asked[name].set()
                result = execute(sql, params, many, context)
                self.events.append(f"{name} began")
                return result
            return execute(sql, params, many, context)

        def run():
            with connection.execute_wrapper(wrapper):
                return target()

        return run

    def committed(self, name: str) -> None:
        """Call inside a transaction: records ``name committed`` once it commits."""
        from django.db import transaction

        transaction.on_commit(lambda: self.events.append(f"{name} committed"))
