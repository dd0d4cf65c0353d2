"""Identifiers: UUIDs for anything a client can name.

New ids are UUIDv7 (RFC 9562): a 48-bit Unix time in milliseconds, then 74 bits below it. Ids
from one process are strictly increasing, so primary-key indexes grow at the end and the ledger
can tell a batch of fresh ids from a retry by comparing it with the highest stored id.

The 74 bits are "monotonic random" (RFC 9562 §6.2, method 2): the first id of a millisecond
takes random bits with the top one cleared, and each later id of the same millisecond adds a
random step of at most 2**32 to the previous one, so the order holds within a millisecond while
the ids stay unguessable. Cleared top bit and step size leave room for 2**41 ids in one
millisecond; should that ever run out, or the clock step back, the id borrows the next
millisecond instead of going backwards.
"""

import os
import threading
import time
import uuid

_TAIL_BITS = 74  # rand_a (12 bits) and rand_b (62 bits), which the version and variant split
_TAIL_MAX = (1 << _TAIL_BITS) - 1
_SEED_MASK = (1 << (_TAIL_BITS - 1)) - 1  # the top bit cleared: headroom for the steps
_STEP_BYTES = 4

_lock = threading.Lock()
_last_ms = -1
_last_tail = 0


def _next_time_and_tail(ms: int) -> tuple[int, int]:
    global _last_ms, _last_tail
    with _lock:
        if ms > _last_ms:
            tail = int.from_bytes(os.urandom(10), "big") & _SEED_MASK
        else:
            # Same millisecond, or the clock went back: keep counting from the last id.
            ms = _last_ms
            tail = _last_tail + 1 + int.from_bytes(os.urandom(_STEP_BYTES), "big")
            if tail > _TAIL_MAX:
                ms += 1
                tail = int.from_bytes(os.urandom(10), "big") & _SEED_MASK
        _last_ms, _last_tail = ms, tail
        return ms, tail


def _reset_after_fork() -> None:
    # A forked child keeps its parent's last id, which is harmless, but a fresh lock is needed
    # in case the fork happened while another thread held it.
    global _lock
    _lock = threading.Lock()


os.register_at_fork(after_in_child=_reset_after_fork)


def new_id() -> uuid.UUID:
    ms, tail = _next_time_and_tail(time.time_ns() // 1_000_000)
    value = (ms & ((1 << 48) - 1)) << 80
    value |= 0x7 << 76  # version 7
    value |= (tail >> 62) << 64  # rand_a, 12 bits
    value |= 0b10 << 62  # variant
    value |= tail & ((1 << 62) - 1)  # rand_b, 62 bits
    return uuid.UUID(int=value)


def uuids_parsed(values) -> dict[str, uuid.UUID]:
    """The values that are UUIDs, by their text as given; the others (a job's id, a code) left
    out. For pages naming objects from ids they hold as text (audit targets, actors)."""
    parsed = {}
    for value in values:
        try:
            parsed[value] = uuid.UUID(str(value))
        except (ValueError, TypeError, AttributeError):
            continue
    return parsed
