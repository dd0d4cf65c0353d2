"""Keyset pages of a list, newest first: the rows, and the cursors to the newer and older pages.

    page = keyset_page(ApiKey.objects.all(), before=request_before, after=request_after, limit=50)
    page.rows, page.newer_cursor, page.older_cursor   # cursors: the id text for ?after= / ?before=

Rows are ordered by ``created_at`` then ``id`` (both descending); ``before`` gives the rows
older than the row with that id, ``after`` the rows newer than it. A cursor that names no row of
the query gives the first page. ``web/_pagination.html`` draws the links.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db.models import Q, QuerySet


@dataclass(frozen=True, slots=True)
class KeysetPage:
    rows: list[Any]
    newer_cursor: str | None
    older_cursor: str | None


def keyset_page(queryset: QuerySet, *, before=None, after=None, limit: int) -> KeysetPage:
    cursor_id = after or before
    cursor = queryset.filter(pk=cursor_id).values("id", "created_at").first() if cursor_id else None
    if cursor is None:
        after = before = None
    if after is not None:
        newer = Q(created_at__gt=cursor["created_at"]) | Q(
            created_at=cursor["created_at"], id__gt=cursor["id"]
        )
        window = list(queryset.filter(newer).order_by("created_at", "id")[: limit + 1])
        rows = list(reversed(window[:limit]))
        newer_cursor = str(rows[0].id) if rows and len(window) > limit else None
        older_cursor = str(rows[-1].id) if rows else str(cursor["id"])
        return KeysetPage(rows, newer_cursor, older_cursor)
    if before is not None:
        queryset = queryset.filter(
            Q(created_at__lt=cursor["created_at"])
            | Q(created_at=cursor["created_at"], id__lt=cursor["id"])
        )
    window = list(queryset.order_by("-created_at", "-id")[: limit + 1])
    rows = window[:limit]
    newer_cursor = (str(rows[0].id) if rows else str(cursor["id"])) if before is not None else None
    older_cursor = str(rows[-1].id) if len(window) > limit else None
    return KeysetPage(rows, newer_cursor, older_cursor)


# A cursor that carries its row's moment and id (no lookup of the row): "<µs since 1970>.<hex>".
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def moment_cursor(moment: datetime, row_id: uuid.UUID) -> str:
    """Where the next page starts: after the row of this moment and id."""
    return f"{(moment - _EPOCH) // timedelta(microseconds=1)}.{row_id.hex}"


def moment_cursor_parsed(cursor: str) -> tuple[datetime, uuid.UUID] | None:
    """``moment_cursor``'s moment and id back; None for anything else."""
    micros, _dot, hex_id = (cursor or "").partition(".")
    try:
        return _EPOCH + timedelta(microseconds=int(micros)), uuid.UUID(hex=hex_id)
    except (ValueError, OverflowError):
        return None
