"""One statement reads what the rules in force need of the sides of an event: every window
aggregate, and what the screen finds out from the windows — when the customer last moved money,
whether the counterparty is known to them, their movements of the last 90 days by night and in
all, and whether a watch-list alert on them (or the payee) is standing.

Each aggregate is an ``aggregate FILTER (WHERE …)`` column over the rows of the event's subjects
inside the longest window asked of each (the index on per, subject, occurred_at finds them);
the rest are scalar subqueries that read one index entry each. The statement's text depends only
on which aggregates and facts are asked, so it is built once per shape and prepared once per
connection on PostgreSQL (``hujin.core.sql.hot_rows``); the values are parameters.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import NamedTuple

from hujin.core.sql import Dialect, hot_rows
from hujin.risk.expressions import PER
from hujin.risk.types import Aggregate

NIGHT_DAYS, NIGHT_HOURS = 90, 6
# A customer's movements, not their log-ins: what "inactive" and "at night" are about.
MOVED = "kind NOT IN ('login', 'login_failed')"

LAST_AT, KNOWN, NIGHT, WATCHLIST = "last_at", "known", "night", "watchlist"
_FUNCTIONS = {
    "count": "COUNT(*)",
    "total": "SUM(amount)",  # None over no rows: read as 0
    "distinct_counterparties": "COUNT(DISTINCT NULLIF(counterparty, ''))",
}


@dataclass(frozen=True, slots=True)
class SideRead:
    aggregates: dict[Aggregate, int]
    last_at: datetime | None = None  # the customer's latest event up to now
    known: bool | None = None  # the counterparty was on an earlier event of the customer
    night: tuple[int, int] | None = None  # (at night, in all) over the last NIGHT_DAYS days
    watchlist: bool | None = None


@dataclass(frozen=True, slots=True)
class SideAsked:
    """What one side of an event asks of the windows (``sides_read``): the ``aggregates`` over
    ``(now - window, now]`` of each one's subject in ``keys``, and the ``facts`` (``LAST_AT``,
    ``KNOWN`` with ``counterparty``, ``NIGHT``, ``WATCHLIST`` of the customers ``watched``)."""

    aggregates: tuple[Aggregate, ...]
    keys: dict[str, str]
    now: datetime
    facts: frozenset = frozenset()
    counterparty: str = ""
    watched: tuple = ()


def side_read(
    aggregates: tuple[Aggregate, ...], keys: dict[str, str], now: datetime, *,
    facts: frozenset = frozenset(), counterparty: str = "", watched: tuple = (),
) -> SideRead:  # fmt: skip
    """One side's aggregates and facts (``SideAsked``), in one statement. An aggregate whose
    subject the event has not is 0."""
    (read,) = sides_read([SideAsked(aggregates, keys, now, facts, counterparty, watched)])
    return read


def sides_read(sides: list[SideAsked]) -> list[SideRead]:
    """Each side's aggregates and facts, all of them in one statement (each side's own query
    one row, side by side)."""
    d = Dialect()
    plans = [_plan(side) for side in sides]
    asked = [(plan, side) for plan, side in zip(plans, sides, strict=True) if plan.sql]
    row: tuple = ()
    if asked:
        params = []
        for plan, side in asked:
            params += _params(d, plan.shape, side.keys, side.now, side.counterparty, side.watched)
        row = hot_rows(d, _joined(tuple(plan.sql for plan, _ in asked)), params)[0]
    out, at = [], 0
    for plan in plans:
        if not plan.sql:
            out.append(SideRead(plan.values))
            continue
        width = len(plan.shape.columns)
        out.append(_read(d, plan.values, plan.shape, plan.facts, row[at : at + width]))
        at += width
    return out


class _Planned(NamedTuple):
    """A side's aggregates at 0, its statement and shape ("" and None: nothing to read), and
    the facts it reads."""

    values: dict
    sql: str
    shape: "_Shape | None"
    facts: frozenset


def _plan(side: SideAsked) -> _Planned:
    keys, facts = side.keys, side.facts
    asked = tuple(a for a in side.aggregates if keys.get(a.per))
    if not keys.get("customer"):
        facts = frozenset()
    if KNOWN in facts and not side.counterparty:
        facts = facts - {KNOWN}
    if WATCHLIST in facts and not side.watched:
        facts = facts - {WATCHLIST}
    values = {a: 0 for a in side.aggregates}
    if not asked and not facts:
        return _Planned(values, "", None, facts)
    pers = tuple(p for p in PER if keys.get(p))
    sql, shape = _statement(asked, pers, tuple(sorted(facts)), len(side.watched))
    return _Planned(values, sql, shape, facts)


@lru_cache(maxsize=256)
def _joined(statements: tuple) -> str:
    """Several one-row statements as one: their rows side by side."""
    if len(statements) == 1:
        return statements[0]
    parts = [f"({sql}) s{n}" for n, sql in enumerate(statements)]
    return "SELECT * FROM " + " CROSS JOIN ".join(parts)


def _read(d: Dialect, values: dict, shape: "_Shape", facts: frozenset, row) -> SideRead:
    for a, value in zip(shape.asked, row, strict=False):
        values[a] = int(value or 0)
    extra = dict(zip(shape.extra, row[len(shape.asked) :], strict=True))
    return SideRead(
        values, last_at=d.datetime_out(extra[LAST_AT]) if LAST_AT in extra else None,
        known=bool(extra[KNOWN]) if KNOWN in extra else None,
        night=(int(extra["night_n"] or 0), int(extra["night_all"] or 0))
        if NIGHT in facts else None,
        watchlist=bool(extra[WATCHLIST]) if WATCHLIST in extra else None,
    )  # fmt: skip


@dataclass(frozen=True, slots=True)
class _Shape:
    """The parameters a statement takes, in order, as (kind, value) to fill in."""

    params: tuple
    asked: tuple  # the aggregates, the first columns
    extra: tuple  # the names of the columns after the aggregates

    @property
    def columns(self) -> tuple:
        return (*self.asked, *self.extra)


@lru_cache(maxsize=256)
def _statement(asked: tuple, pers: tuple, facts: tuple, watched: int) -> tuple[str, _Shape]:
    columns, params = [], []
    reach: dict[str, int] = {}
    for a in asked:
        assert a.per in PER  # the only text of an aggregate put in the statement's text
        where = [f"per = '{a.per}'", "occurred_at > %s"]
        params.append(("since_of", a))
        reach[a.per] = max(reach.get(a.per, 0), a.window_seconds)
        for name in ("kind", "direction"):
            values = getattr(a, name)
            if values:
                where.append(f"{name} IN ({', '.join(['%s'] * len(values))})")
                params.extend(("value", v) for v in values)
        for bound, op in (("amount_from", ">="), ("amount_below", "<")):
            if getattr(a, bound) is not None:
                where.append(f"amount {op} %s")
                params.append(("value", getattr(a, bound)))
        columns.append(f"{_FUNCTIONS[a.function]} FILTER (WHERE {' AND '.join(where)})")
    extra: list[str] = []
    table = "risk_windowentry"
    mine = f"FROM {table} WHERE per = 'customer' AND subject = %s AND occurred_at <= %s"
    if LAST_AT in facts:
        columns.append(f"(SELECT MAX(occurred_at) {mine} AND {MOVED})")
        params += [("subject", "customer"), ("now", 0)]
        extra.append(LAST_AT)
    if KNOWN in facts:
        columns.append(f"(SELECT COUNT(*) FROM (SELECT 1 {mine} AND counterparty = %s LIMIT 1) k)")
        params += [("subject", "customer"), ("now", 0), ("counterparty", 0)]
        extra.append(KNOWN)
    if NIGHT in facts:
        night = NIGHT_DAYS * 86400
        reach["customer"] = max(reach.get("customer", 0), night)
        columns.append(f"COUNT(*) FILTER (WHERE per = 'customer' AND occurred_at > %s "
                       f"AND {MOVED} AND hour < {NIGHT_HOURS})")  # fmt: skip
        columns.append(f"COUNT(*) FILTER (WHERE per = 'customer' AND occurred_at > %s "
                       f"AND {MOVED})")  # fmt: skip
        params += [("since", night), ("since", night)]
        extra += ["night_n", "night_all"]
    if WATCHLIST in facts:
        marks = ", ".join(["%s"] * watched)
        columns.append(
            "(SELECT COUNT(*) FROM (SELECT 1 FROM risk_alert a JOIN risk_watchlisthit h ON "
            "h.alert_id = a.id WHERE a.source = 'watchlist' AND a.state <> 'dismissed' AND "
            f"h.role = 'customer' AND h.party_id IN ({marks}) LIMIT 1) w)"
        )
        params += [("watched", n) for n in range(watched)]
        extra.append(WATCHLIST)
    sql = f"SELECT {', '.join(columns)}"
    if reach:  # an aggregate: one row however many it reads (none at all included)
        rows = [f"(per = '{per}' AND subject = %s AND occurred_at > %s)" for per in reach]
        sql += f" FROM {table} WHERE occurred_at <= %s AND ({' OR '.join(rows)})"
        params.append(("now", 0))  # the text's order: the columns', then the WHERE's
        for per in reach:
            params += [("subject", per), ("since", reach[per])]
    return sql, _Shape(tuple(params), asked, tuple(extra))


def _params(d: Dialect, shape: _Shape, keys: dict, now: datetime, counterparty: str,
            watched: tuple) -> list:  # fmt: skip
    out = []
    for kind, value in shape.params:
        if kind == "since":
            out.append(d.datetime_in(now - timedelta(seconds=value)))
        elif kind == "since_of":  # an aggregate's own window (``today``: the day's start)
            out.append(d.datetime_in(value.since(now)))
        elif kind == "now":
            out.append(d.datetime_in(now))
        elif kind == "subject":
            out.append(keys[value])
        elif kind == "counterparty":
            out.append(counterparty)
        elif kind == "watched":
            out.append(d.uuid_in(uuid.UUID(str(watched[value]))))
        else:
            out.append(value)
    return out
