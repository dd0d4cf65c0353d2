"""Named exclusive locks that last longer than one transaction and die with their holder.

The close of business commits after every step (so a rerun can resume), yet only one may run at a
time, and a crashed run must not leave the lock behind. A row lock would need one transaction
open for the whole run, so:

- PostgreSQL: a session advisory lock (``pg_try_advisory_lock``), held by the database session
  and released when the session ends, whichever machine the holder runs on;
- SQLite: an exclusive ``flock`` on a file next to the database file (SQLite is one machine),
  released by the kernel when the process exits;
- otherwise (an in-memory database): a lock within this process.
"""

import fcntl
import hashlib
import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import DatabaseError, connection

logger = logging.getLogger(__name__)

_process_locks: dict[str, threading.Lock] = {}
_process_locks_guard = threading.Lock()


class LockNotAcquired(Exception):
    """Someone else holds the lock."""


@contextmanager
def exclusive_lock(name: str) -> Iterator[None]:
    """Hold the lock ``name`` for the block, or raise LockNotAcquired at once (never waits)."""
    database_file = _sqlite_file() if connection.vendor == "sqlite" else None
    if connection.vendor == "postgresql":
        with _advisory_lock(name):
            yield
    elif database_file is not None:
        with _file_lock(database_file.with_name(f"{database_file.name}.{name}.lock")):
            yield
    else:
        with _process_lock(f"{connection.alias}:{name}"):
            yield


def _lock_key(name: str) -> int:
    digest = hashlib.blake2b(f"hujin:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


@contextmanager
def _advisory_lock(name: str) -> Iterator[None]:
    key = _lock_key(name)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s)", [key])
        (acquired,) = cursor.fetchone()
    if not acquired:
        raise LockNotAcquired(name)
    try:
        yield
    finally:
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [key])
        except DatabaseError:
            # The session is broken or gone, and the lock went with it.
            logger.warning("could not release advisory lock %s; the session has ended", name)


def _sqlite_file() -> Path | None:
    name = str(connection.settings_dict["NAME"])
    if not name or name == ":memory:" or name.startswith("file:") or "mode=memory" in name:
        return None
    return Path(name)


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    handle = path.open("a+b")
    try:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise LockNotAcquired(path.name) from exc
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
    finally:
        handle.close()


@contextmanager
def _process_lock(key: str) -> Iterator[None]:
    with _process_locks_guard:
        lock = _process_locks.setdefault(key, threading.Lock())
    if not lock.acquire(blocking=False):
        raise LockNotAcquired(key)
    try:
        yield
    finally:
        lock.release()
