"""One write transaction, run again when it lost a race (every ledger service uses it)."""

import logging
import random
import time
from collections.abc import Callable
from typing import TypeVar

from django.db import DatabaseError, IntegrityError, OperationalError, connection

from hujin.ledger import store

# The services' logger: a lost race is logged once per retry.
logger = logging.getLogger("hujin.ledger.services")

MAX_ATTEMPTS = 12
T = TypeVar("T")


def _retryable(exc: Exception) -> bool:
    cause = exc.__cause__
    sqlstate = getattr(cause, "sqlstate", None)
    if isinstance(exc, store.LockedTooLittle):
        return True
    if sqlstate in ("40001", "40P01", "55P03"):  # serialization, deadlock, lock not available
        return True
    if isinstance(exc, IntegrityError):
        # Another writer inserted the same transfer id (or resolved the same pending) first:
        # running again turns it into an ordinary `exists` or `already_*` result.
        return sqlstate == "23505" or "UNIQUE constraint failed" in str(exc)
    return isinstance(exc, OperationalError) and "database is locked" in str(exc)


def with_retries(attempt: Callable[[], T]) -> T:
    """Run one transaction, again if it lost a race, as long as we own the transaction."""
    if connection.in_atomic_block:
        return attempt()  # the caller's transaction decides; a retry here could not help
    for n in range(1, MAX_ATTEMPTS + 1):
        try:
            return attempt()
        except (DatabaseError, store.LockedTooLittle) as exc:
            if n == MAX_ATTEMPTS or not _retryable(exc):
                raise
            logger.info("ledger write lost a race, retrying", extra={"attempt": n})
            time.sleep(min(0.002 * 2**n, 0.2) * random.random())
    raise AssertionError("unreachable")
