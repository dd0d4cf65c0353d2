"""New ids are UUIDv7 and, from one process, strictly increasing (RFC 9562 §6.2)."""

import itertools
import threading
import uuid

import pytest

from hujin.core import ids
from hujin.core.ids import new_id


@pytest.fixture(autouse=True)
def _restore_the_last_id():
    """Tests that move the clock far ahead must not leave later ids of this process there."""
    saved = ids._last_ms, ids._last_tail
    yield
    ids._last_ms, ids._last_tail = saved


class TestNewId:
    def test_is_a_version_7_uuid_of_the_rfc_variant(self):
        value = new_id()

        assert value.version == 7
        assert value.variant == uuid.RFC_4122

    def test_carries_the_current_unix_time_in_milliseconds(self, monkeypatch):
        monkeypatch.setattr(ids.time, "time_ns", lambda: 1_741_917_600_123_456_789)

        value = new_id()

        assert value.int >> 80 >= 1_741_917_600_123

    def test_three_hundred_thousand_ids_made_in_a_loop_are_sorted_and_distinct(self):
        made = [new_id() for _ in range(300_000)]

        assert all(earlier < later for earlier, later in itertools.pairwise(made))

    def test_ids_of_one_millisecond_still_increase(self, monkeypatch):
        monkeypatch.setattr(ids.time, "time_ns", lambda: 1_800_000_000_000_000_000)

        made = [new_id() for _ in range(10_000)]

        assert sorted(made) == made
        assert len(set(made)) == len(made)
        assert {value.int >> 80 for value in made} == {1_800_000_000_000}

    def test_a_clock_that_steps_back_does_not_make_an_earlier_id(self, monkeypatch):
        monkeypatch.setattr(ids.time, "time_ns", lambda: 1_900_000_000_000_000_000)
        before = new_id()
        monkeypatch.setattr(ids.time, "time_ns", lambda: 1_899_999_999_000_000_000)

        after = new_id()

        assert after > before

    def test_when_a_millisecond_runs_out_of_room_the_next_id_borrows_the_next_millisecond(
        self, monkeypatch
    ):
        monkeypatch.setattr(ids.time, "time_ns", lambda: 1_950_000_000_000_000_000)
        before = new_id()
        monkeypatch.setattr(ids, "_last_tail", ids._TAIL_MAX)

        after = new_id()

        assert after > before
        assert after.int >> 80 == (before.int >> 80) + 1

    def test_ids_made_by_several_threads_at_once_are_all_distinct(self):
        made: list[list[uuid.UUID]] = [[] for _ in range(4)]
        start = threading.Barrier(len(made))

        def make(bucket: list[uuid.UUID]) -> None:
            start.wait()
            bucket.extend(new_id() for _ in range(20_000))

        threads = [threading.Thread(target=make, args=(bucket,)) for bucket in made]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

        every = [value for bucket in made for value in bucket]
        assert len(set(every)) == len(every)
        assert all(bucket == sorted(bucket) for bucket in made)
