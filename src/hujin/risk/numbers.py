"""The risk records' numbers (``CASE-2026-000001``): a prefix, then a sequence of at least
``width`` digits that keeps growing past them (``CASE-2026-1000000`` follows
``CASE-2026-999999``).

The next number is one more than the greatest suffix taken as a number, never as text (as text,
``999999`` sorts after ``1000000``). Two transactions may read the same greatest one: the
number's column is unique, so the caller inserts in a savepoint and, on the clash, asks again
(``cases._open_or_join`` does)."""

from __future__ import annotations

import re

from django.db.models import BigIntegerField, Max
from django.db.models.functions import Cast, Substr


def number_next(model, prefix: str, width: int, *, field: str = "number") -> str:
    """The next free number of ``model``'s ``field`` after ``prefix``: the numeric greatest
    suffix of the digits-only ones plus one, zero-padded to ``width``."""
    taken = model.objects.filter(**{f"{field}__regex": rf"^{re.escape(prefix)}[0-9]+$"})
    suffix = Cast(Substr(field, len(prefix) + 1), output_field=BigIntegerField())
    last = taken.aggregate(last=Max(suffix))["last"] or 0
    return f"{prefix}{last + 1:0{width}d}"
