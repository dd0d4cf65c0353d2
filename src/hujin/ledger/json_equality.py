"""Whether two JSON values are the same, as JSON and PostgreSQL's jsonb have it.

An identical retry of a transfer or an account must answer ``exists`` whether its metadata is
compared in Python (the engine, ``account_create``) or by the database function
``ledger_transfer_create_one`` (``jsonb = jsonb``); ``tests/ledger/test_engine_same_json.py``
holds the two to the same answers.
"""

from decimal import Decimal
from typing import Any


def same_json(a: Any, b: Any) -> bool:
    """Equality as JSON (and PostgreSQL's jsonb) has it: ``true`` is not ``1``, though Python's
    ``True == 1``; numbers are equal when their decimal values are, so ``1`` and ``1.0`` are the
    same number.

    A float is the decimal it is written as (its shortest form, which ``json.dumps`` writes and
    jsonb keeps): ``1e23`` is 10**23, the integer jsonb gives back for it, though the float
    nearest 1e23 is not exactly 10**23 (so Python's ``1e23 == 10**23`` is false). A retry
    compared with what PostgreSQL stored therefore answers as the database function's
    ``jsonb = jsonb`` does, and as SQLite's stored text does."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, float) or isinstance(b, float):
        return (
            isinstance(a, int | float)
            and isinstance(b, int | float)
            and (_decimal(a) == _decimal(b))
        )
    if isinstance(a, dict):
        return (
            isinstance(b, dict)
            and a.keys() == b.keys()
            and all(same_json(value, b[key]) for key, value in a.items())
        )
    if isinstance(a, list | tuple):
        return (
            isinstance(b, list | tuple)
            and len(a) == len(b)
            and all(same_json(x, y) for x, y in zip(a, b, strict=True))
        )
    return a == b


def _decimal(number: int | float) -> Decimal:
    """A JSON number's decimal value: a float's is its shortest repr, as JSON text holds it."""
    return Decimal(repr(number)) if isinstance(number, float) else Decimal(number)
