"""The engine compares a retried transfer's metadata as JSON does: as PostgreSQL's jsonb compares.

The single-transfer path on PostgreSQL compares metadata in the database (``jsonb = jsonb``) and
Python (``hujin.ledger.json_equality.same_json``); the two must answer alike for any metadata.
"""

import json

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hujin.ledger.json_equality import same_json

# JSON values as the API accepts them: no NaN or infinities, text without NUL or lone surrogates.
TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=6)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False, allow_infinity=False, width=32)
    | st.sampled_from([0, 1, -1, 0.0, 1.0, -0.0, 2.5])
    # Floats jsonb gives back as integers, and the integers it gives back for them.
    | st.sampled_from([1e16, 10**16, 1e23, 10**23, 1.5e300, 15 * 10**299, float(2**70), 2**70])
    | TEXT
)
JSON = st.recursive(
    SCALARS,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=8,
)


def twins(value):
    """A value and one that is equal as JSON but not as Python (bool for int) or the reverse."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, dict):
        return {k: twins(v) for k, v in value.items()}
    if isinstance(value, list):
        return [twins(v) for v in value]
    return value


class TestInPython:
    def test_true_is_not_one_and_false_is_not_zero(self):
        assert not same_json({"n": True}, {"n": 1})
        assert not same_json([False], [0])

    def test_a_whole_float_is_the_number_it_equals(self):
        assert same_json({"n": 1}, {"n": 1.0})

    def test_a_float_is_the_decimal_it_is_written_as(self):
        assert same_json({"n": 1e23}, {"n": 10**23})  # 1e23 is not exactly 10**23 as a float
        assert same_json([1.5e300], [15 * 10**299])
        assert same_json(1e16, 10**16)
        assert same_json(-0.0, 0)
        assert not same_json(1.0000000000000001e23, 10**23)  # the next float up
        assert not same_json(float(2**70), 2**70)  # written as 1.1805916207174113e+21

    def test_key_order_does_not_matter_but_list_order_does(self):
        assert same_json({"a": 1, "b": 2}, {"b": 2, "a": 1})
        assert not same_json([1, 2], [2, 1])

    def test_an_object_is_not_a_list_and_none_is_only_none(self):
        assert not same_json({}, [])
        assert not same_json(None, {})
        assert same_json(None, None)

    @given(JSON)
    def test_every_value_is_the_same_as_itself(self, value):
        assert same_json(value, value)
        assert same_json(value, json.loads(json.dumps(value)))


@pytest.mark.postgres
@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(a=JSON, b=JSON, swap=st.booleans())
def test_same_json_answers_as_postgresql_jsonb_equality(db, a, b, swap):
    # The fixture only opens the database: each example reads, nothing is left behind.
    if swap:
        b = twins(a)  # often equal as Python values, equal or not as JSON
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::jsonb = %s::jsonb", [json.dumps(a), json.dumps(b)])
        (jsonb_equal,) = cursor.fetchone()

    assert same_json(a, b) == jsonb_equal
