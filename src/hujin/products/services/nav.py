"""Operations publish a product's NAV (NAV funds) or income per 10,000 units and 7-day yield
(money-market funds) per business date: one date typed in the console, or many from a CSV.

Business dates are calendar days: Hujin's business date moves one day at a time (the close of
business runs every day, weekends included, ``hujin.core.cob``), so a product publishes for
every business date and a weekend's NAV repeats Friday's.

A publication is refused, and nothing changes, when a date
- is after the current business date (``future``),
- was published already (``duplicate``) or lies before the last one published (``not_after_last``),
- leaves a gap after the last date published (``gap``),
- or has a value missing, malformed or out of range (``nav``, ``income_per_10k``, ``yield_7d``,
  ``cumulative_nav``, ``date``, ``columns``) — a cumulative NAV moved with the NAV included,
  and an income per 10,000 units beyond ±100 even when confirmed —,
  a given 7-day yield more than 0.01 percentage point away from the formula
  (``yield_7d_mismatch``), or a computed 7-day yield not between −100 % and 100 %
  (``yield_7d_range``);
and, unless the operator ticked "confirmed", when a NAV moves more than 10 % from the day before
or an income per 10,000 units is above 5.0000 or below −5.0000 (``jump``). A confirmed jump is
recorded in the audit entry.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from django.db import transaction

from hujin.core.actors import Actor, require_scope
from hujin.products import events
from hujin.products import types as t
from hujin.products.errors import NavInvalid, NavJumpUnconfirmed
from hujin.products.fees import NAV_PLACES, RATE_PLACES, YIELD_7D_TOLERANCE, yield_7d
from hujin.products.models import NavPoint, Product
from hujin.products.permissions import PUBLISH_NAV
from hujin.products.services._common import product_locked, record

NAV_JUMP = Decimal("0.10")  # a NAV moving more than 10 % in one day needs a confirmation
INCOME_BOUND = Decimal("5")  # income per 10,000 units: ±5.0000 a day is about ±18 % a year
INCOME_LIMIT = Decimal("100")  # never above, even confirmed: ±1 % a day
NAV_LIMIT = Decimal("1e8")  # NAVs are kept in 12 digits, 4 of them decimals
MAX_ROWS = 5000


@dataclass(frozen=True, slots=True)
class NavRow:
    """One date to publish (``line``: its line in a CSV, 0 for a typed entry)."""

    business_date: date
    nav: Decimal | None = None
    cumulative_nav: Decimal | None = None
    income_per_10k: Decimal | None = None
    yield_7d: Decimal | None = None
    line: int = 0


def _refuse(reason: str, row: NavRow | None = None, cls=NavInvalid) -> NavInvalid:
    details = {"reason": reason}
    if row is not None:
        details["date"] = row.business_date.isoformat()
        if row.line:
            details["line"] = row.line
    return cls(details=details)


def _places(value: Decimal | None, places: Decimal) -> bool:
    """None, or a finite number with no more decimals than ``places`` (a number too large to
    quantize is not)."""
    if value is None:
        return True
    try:
        return value.is_finite() and value == value.quantize(places)
    except InvalidOperation:
        return False


def _prepared(product: Product, rows: list[NavRow], *, confirmed: bool, business_date: date):
    """The NavPoint values of ``rows``, validated in order; the dates whose jump was confirmed."""
    if product.kind not in (t.KIND_MMF, t.KIND_NAV_FUND):
        raise _refuse("kind")
    if not rows:
        raise _refuse("empty")
    if len(rows) > MAX_ROWS:
        raise _refuse("too_many")
    published = list(
        NavPoint.objects.filter(product=product)
        .order_by("-business_date")
        .values("business_date", "nav", "cumulative_nav", "income_per_10k")[:6]
    )
    published.reverse()
    last = published[-1] if published else None
    incomes = [p["income_per_10k"] for p in published]
    prepared, jumps = [], []
    for row in rows:
        if row.business_date > business_date:
            raise _refuse("future", row)
        if last is not None:
            if row.business_date <= last["business_date"]:
                duplicate = row.business_date == last["business_date"] or (
                    NavPoint.objects.filter(
                        product=product, business_date=row.business_date
                    ).exists()
                )
                raise _refuse("duplicate" if duplicate else "not_after_last", row)
            if row.business_date != last["business_date"] + timedelta(days=1):
                raise _refuse("gap", row)
        values = {
            "business_date": row.business_date,
            "nav": None,
            "cumulative_nav": None,
            "income_per_10k": None,
            "yield_7d": None,
        }
        if product.kind == t.KIND_NAV_FUND:
            jump = _nav_values(row, last, values)
        else:
            jump = _income_values(row, incomes, values)
        if jump:
            if not confirmed:
                raise _refuse("jump", row, NavJumpUnconfirmed)
            jumps.append(row.business_date.isoformat())
        prepared.append(values)
        last = values
        incomes = [*incomes, values["income_per_10k"]][-7:]
    return prepared, jumps


def _nav_values(row: NavRow, last: dict | None, values: dict) -> bool:
    nav, cumulative = row.nav, row.cumulative_nav
    if nav is None or not _places(nav, NAV_PLACES) or not 0 < nav < NAV_LIMIT:
        raise _refuse("nav", row)
    if cumulative is None:
        # Without a distribution the cumulative NAV moves with the NAV.
        cumulative = (
            nav
            if last is None or last["cumulative_nav"] is None
            else (last["cumulative_nav"] + (nav - last["nav"]))
        )
    # Given or moved with the NAV, it must fit the column and stay above zero.
    if not _places(cumulative, NAV_PLACES) or not 0 < cumulative < NAV_LIMIT:
        raise _refuse("cumulative_nav", row)
    values["nav"], values["cumulative_nav"] = nav, cumulative
    return last is not None and abs(nav / last["nav"] - 1) > NAV_JUMP


def _income_values(row: NavRow, incomes: list, values: dict) -> bool:
    income, given = row.income_per_10k, row.yield_7d
    if income is None or not _places(income, NAV_PLACES) or abs(income) > INCOME_LIMIT:
        raise _refuse("income_per_10k", row)
    if given is not None and (not _places(given, RATE_PLACES) or not -1 < given < 1):
        raise _refuse("yield_7d", row)
    window = [*incomes, income][-7:]
    computed = yield_7d(window) if len(window) == 7 and None not in window else None
    if computed is not None and not -1 < computed < 1:
        raise _refuse("yield_7d_range", row)
    if given is not None and computed is not None and abs(given - computed) > YIELD_7D_TOLERANCE:
        raise _refuse("yield_7d_mismatch", row)
    values["income_per_10k"] = income
    values["yield_7d"] = given if given is not None else computed
    return abs(income) > INCOME_BOUND


def _publish(
    *,
    actor: Actor,
    product_id: uuid.UUID,
    rows: list[NavRow],
    confirmed: bool,
    business_date: date,
    now: datetime,
    source: str,
) -> list[NavPoint]:
    require_scope(actor, PUBLISH_NAV)
    with transaction.atomic():
        product = product_locked(product_id)
        prepared, jumps = _prepared(product, rows, confirmed=confirmed, business_date=business_date)
        points = NavPoint.objects.bulk_create(
            [
                NavPoint(
                    product=product,
                    jump_confirmed=v["business_date"].isoformat() in jumps,
                    published_by=actor.id,
                    published_at=now,
                    **v,
                )
                for v in prepared
            ]
        )
        dates = [v["business_date"].isoformat() for v in prepared]
        record(
            actor=actor,
            product=product,
            action="nav_publish",
            event_type=events.NAV_PUBLISHED,
            now=now,
            after={
                "source": source,
                "first_date": dates[0],
                "last_date": dates[-1],
                "count": len(dates),
                "confirmed": bool(confirmed),
                "confirmed_jump_dates": jumps,
            },
            payload={"business_dates": dates, "confirmed_jump_dates": jumps},
        )
    return points


def nav_publish(
    *,
    actor: Actor,
    product_id: uuid.UUID,
    business_date_of: date,
    nav: Decimal | None = None,
    cumulative_nav: Decimal | None = None,
    income_per_10k: Decimal | None = None,
    yield_7d: Decimal | None = None,
    confirmed: bool = False,
    business_date: date,
    now: datetime,
) -> NavPoint:
    """Publish one business date (``business_date_of``; ``business_date`` is today's): a NAV
    fund's NAV (the cumulative NAV follows it unless given), or a money-market fund's income
    per 10,000 units (the 7-day yield computed from the last 7 dates unless given, and checked
    against them when given). Raises PermissionDenied, ProductNotFound, NavInvalid,
    NavJumpUnconfirmed (``details.reason``, ``details.date``)."""
    row = NavRow(
        business_date=business_date_of,
        nav=nav,
        cumulative_nav=cumulative_nav,
        income_per_10k=income_per_10k,
        yield_7d=yield_7d,
    )
    return _publish(
        actor=actor,
        product_id=product_id,
        rows=[row],
        confirmed=confirmed,
        business_date=business_date,
        now=now,
        source="entry",
    )[0]


def _decimal(text: str, row_line: int, reason: str, day: date) -> Decimal | None:
    text = text.strip()
    if not text:
        return None
    percent = text.endswith("%")
    try:
        value = Decimal(text.rstrip("%").strip())
    except InvalidOperation:
        raise NavInvalid(
            details={"reason": reason, "line": row_line, "date": day.isoformat()}
        ) from None
    if not value.is_finite():
        raise NavInvalid(details={"reason": reason, "line": row_line, "date": day.isoformat()})
    return value.scaleb(-2) if percent else value


def nav_rows_parse(text: str, *, kind: str) -> list[NavRow]:
    """The rows of a CSV: ``date,nav[,cumulative_nav]`` for a NAV fund, ``date,income_per_10k
    [,yield_7d]`` for a money-market fund (the yield a rate, 0.0219, or a percentage, 2.19%).
    A first line starting with "date" is a header; blank lines are skipped.
    Raises NavInvalid (``details.line`` from 1, ``details.reason``)."""
    rows = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip().lstrip("\ufeff")
        if not line:
            continue
        if not rows and line.lower().startswith("date"):
            continue
        cells = [c.strip() for c in line.split(",")]
        if not 2 <= len(cells) <= 3:
            raise NavInvalid(details={"reason": "columns", "line": number})
        try:
            day = date.fromisoformat(cells[0])
        except ValueError:
            raise NavInvalid(details={"reason": "date", "line": number}) from None
        first_reason = "nav" if kind == t.KIND_NAV_FUND else "income_per_10k"
        second_reason = "cumulative_nav" if kind == t.KIND_NAV_FUND else "yield_7d"
        first = _decimal(cells[1], number, first_reason, day)
        second = _decimal(cells[2], number, second_reason, day) if len(cells) == 3 else None
        if kind == t.KIND_NAV_FUND:
            rows.append(NavRow(day, nav=first, cumulative_nav=second, line=number))
        else:
            rows.append(NavRow(day, income_per_10k=first, yield_7d=second, line=number))
    return rows


def nav_import_csv(
    *,
    actor: Actor,
    product_id: uuid.UUID,
    text: str,
    confirmed: bool = False,
    business_date: date,
    now: datetime,
) -> list[NavPoint]:
    """Publish every line of a CSV (see ``nav_rows_parse``), all or nothing: the first wrong
    line refuses the whole file, named by its line number and reason.
    Raises PermissionDenied, ProductNotFound, NavInvalid, NavJumpUnconfirmed."""
    require_scope(actor, PUBLISH_NAV)
    kind = Product.objects.filter(pk=product_id).values_list("kind", flat=True).first()
    rows = nav_rows_parse(text, kind=kind or t.KIND_NAV_FUND)
    return _publish(
        actor=actor,
        product_id=product_id,
        rows=rows,
        confirmed=confirmed,
        business_date=business_date,
        now=now,
        source="csv",
    )
