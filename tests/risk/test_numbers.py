"""The risk records' numbers grow by the number, not by the text: after ``…-999999`` comes
``…-1000000``, and after that ``…-1000001`` (as text, ``999999`` sorts after ``1000000``)."""

import uuid

import pytest

from hujin.risk.models_cases import Case
from hujin.risk.numbers import number_next

pytestmark = pytest.mark.django_db
PREFIX = "CASE-2025-"


def _taken(number: str, now) -> None:
    Case.objects.create(number=number, customer_id=uuid.uuid4(), title="t", opened_at=now,
                        due_at=now)  # fmt: skip


def test_the_first_number_of_a_prefix_is_one(now):
    _taken("CASE-2024-000007", now)  # another year's
    assert number_next(Case, PREFIX, 6) == "CASE-2025-000001"


def test_past_six_digits_the_greatest_by_number_is_followed(now):
    for number in ("CASE-2025-000002", "CASE-2025-999999", "CASE-2025-1000000"):
        _taken(number, now)

    assert number_next(Case, PREFIX, 6) == "CASE-2025-1000001"


def test_a_number_with_other_characters_after_the_prefix_is_not_counted(now):
    _taken("CASE-2025-000003", now)
    _taken("CASE-2025-9X", now)
    assert number_next(Case, PREFIX, 6) == "CASE-2025-000004"
