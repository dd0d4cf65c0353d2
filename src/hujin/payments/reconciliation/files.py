"""A channel's reconciliation file, read and checked (the format is in ``channels.base``).

``file_parse`` turns the bytes into a ``ChannelFile`` or raises ``FileMalformed`` (a header,
detail or trailer that does not fit, a count or total that does not add up). The SHA-256 of the
bytes read is kept with the run: a file that changes under a run, or between two runs of the
same day, makes the run incomplete.
"""

import csv
import hashlib
import io
import uuid
from dataclasses import dataclass
from datetime import date, datetime

DIRECTIONS = ("in", "out")
STATUSES = ("succeeded", "failed")


class FileMalformed(Exception):
    """The file does not follow the format; the run is incomplete (never an error page)."""


@dataclass(frozen=True, slots=True)
class FileLine:
    reference: str
    payment_id: uuid.UUID | None
    direction: str
    amount_minor: int
    currency: str
    status: str
    settled_at: datetime


@dataclass(frozen=True, slots=True)
class ChannelFile:
    channel: str
    business_date: date
    sequence: int
    lines: list[FileLine]
    total_in_minor: int
    total_out_minor: int
    sha256: str


def file_sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _int(text: str) -> int:
    value = int(text)
    if value < 0:
        raise ValueError("negative")
    return value


def _detail(row: list[str]) -> FileLine:
    _, reference, payment_id, direction, amount, currency, status, settled_at = row
    if not reference or len(reference) > 64 or direction not in DIRECTIONS:
        raise ValueError("reference or direction")
    if status not in STATUSES or len(currency) != 3:
        raise ValueError("status or currency")
    moment = datetime.fromisoformat(settled_at.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError("settled_at without a zone")
    return FileLine(
        reference=reference, payment_id=uuid.UUID(payment_id) if payment_id else None,
        direction=direction, amount_minor=_int(amount), currency=currency, status=status,
        settled_at=moment,
    )  # fmt: skip


def file_parse(content: bytes, *, channel: str, business_date: date) -> ChannelFile:
    """The file as values. Raises FileMalformed."""
    try:
        rows = list(csv.reader(io.StringIO(content.decode("utf-8"))))
        header, *details, trailer = rows
        if header[0] != "H" or len(header) != 5 or trailer[0] != "T" or len(trailer) != 4:
            raise ValueError("header or trailer")
        if header[1] != channel or date.fromisoformat(header[2]) != business_date:
            raise ValueError("another channel's or day's file")
        lines = []
        for row in details:
            if len(row) != 8 or row[0] != "D":
                raise ValueError("detail")
            lines.append(_detail(row))
        count, total_in, total_out = (_int(x) for x in trailer[1:])
        ok = [x for x in lines if x.status == "succeeded"]
        if not (
            count == _int(header[3]) == len(lines)
            and total_in == sum(x.amount_minor for x in ok if x.direction == "in")
            and total_out == sum(x.amount_minor for x in ok if x.direction == "out")
        ):
            raise ValueError("counts or totals")
        sequence = _int(header[4])
    except (ValueError, UnicodeDecodeError, IndexError) as exc:
        raise FileMalformed(str(exc)) from None
    return ChannelFile(
        channel=channel, business_date=business_date, sequence=sequence, lines=lines,
        total_in_minor=total_in, total_out_minor=total_out, sha256=file_sha256(content),
    )  # fmt: skip
