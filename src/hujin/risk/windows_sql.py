"""One statement reads what the rules in force need of one side of an event: every window
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


def side_read(
    aggregates: tuple[Aggregate, ...], keys: dict[str, str], now: datetime, *,
    facts: frozenset = frozenset(), counterparty: str = "", watched: tuple = (),
) -> SideRead:  # fmt: skip
    """The aggregates (``(now - window, now]`` of each one's subject in ``keys``) and the
    ``facts`` asked (``LAST_AT``, ``KNOWN`` with ``counterparty``, ``NIGHT``, ``WATCHLIST`` of
    the customers ``watched``), in one statement. An aggregate whose subject the event has not
    is 0."""
    asked = tuple(a for a in aggregates if keys.get(a.per))
    if not keys.get("customer"):
        facts = frozenset()
    if KNOWN in facts and not counterparty:
        facts = facts - {KNOWN}
    if WATCHLIST in facts and not watched:
        facts = facts - {WATCHLIST}
    values = {a: 0 for a in aggregates}
    if not asked and not facts:
        return SideRead(values)
    d = Dialect()
    pers = tuple(p for p in PER if keys.get(p))
    sql, shape = _statement(asked, pers, tuple(sorted(facts)), len(watched))
    params = _params(d, shape, keys, now, counterparty, watched)
    row = hot_rows(d, sql, params)[0]
    for a, value in zip(asked, row, strict=False):
        values[a] = int(value or 0)
    extra = dict(zip(shape.extra, row[len(asked) :], strict=True))
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
    extra: tuple  # the names of the columns after the aggregates


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
    return sql, _Shape(tuple(params), tuple(extra))


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
