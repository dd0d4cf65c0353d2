import pytest

from hujin.core.locks import LockNotAcquired, exclusive_lock
from tests.core.conftest import in_thread


def try_lock(name: str) -> str:
    with exclusive_lock(name):
        return "acquired"


@pytest.mark.django_db(transaction=True)
class TestExclusiveLock:
    def test_a_held_lock_is_refused_elsewhere_at_once(self):
        with exclusive_lock("test"):
            thread, outcome = in_thread(lambda: try_lock("test"))
            thread.join(10)

        assert isinstance(outcome["error"], LockNotAcquired)

    def test_other_names_are_independent(self):
        with exclusive_lock("test"):
            thread, outcome = in_thread(lambda: try_lock("other"))
            thread.join(10)

        assert outcome["value"] == "acquired"

    def test_the_lock_is_released_at_the_end_of_the_block_even_on_error(self):
        with pytest.raises(ZeroDivisionError), exclusive_lock("test"):
            raise ZeroDivisionError

        thread, outcome = in_thread(lambda: try_lock("test"))
        thread.join(10)

        assert outcome["value"] == "acquired"
