"""Sliding-window aggregates kept in memory: the reference model the shared store (to come, on
PostgreSQL or SQLite) is held to, and what a replay of recorded or synthetic events runs on.

Each event is kept under each key it has — its customer, device, counterparty and IP — in time
order. ``aggregate(a, key, now)`` counts, sums or counts the distinct counterparties of the
events under ``key`` with ``now - window < occurred_at <= now`` that pass ``a``'s filters: the
events recorded *before* the one being decided (it is recorded after its decision), those of the
very same moment included. Events older than the longest window any aggregate was
asked for are dropped as time goes on.

``replay(events, rules)`` decides on each event in time order with the aggregates as they stood
just before it, then records it: what the rules would have said on that history.
"""

import bisect
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from hujin.risk.deciding import Decision, event_decide
from hujin.risk.types import Aggregate


@dataclass(frozen=True, slots=True)
class WindowEvent:
    """One movement or log-in as the windows keep it. ``keys``: the subjects it counts under,
    by ``per`` (``{"customer": "c-1", "device": "d-9"}``); ``counterparty``: the other side,
    for ``distinct_counterparties``."""

    occurred_at: datetime
    kind: str
    direction: str = ""
    amount: int = 0
    counterparty: str = ""
    keys: dict = field(default_factory=dict)


class Windows:
    """The events of the last ``keep`` (at least the longest window asked for), by key."""

    def __init__(self, keep: timedelta = timedelta(0)):
        self.keep = keep
        self._times: dict[tuple[str, str], list[datetime]] = defaultdict(list)
        self._events: dict[tuple[str, str], list[WindowEvent]] = defaultdict(list)

    def record(self, event: WindowEvent) -> None:
        """Keep ``event`` under each of its keys (events may come a little out of order: each
        key's list stays sorted by time)."""
        for per, subject in event.keys.items():
            if not subject:
                continue
            times, events = self._times[(per, subject)], self._events[(per, subject)]
            at = bisect.bisect_right(times, event.occurred_at)
            times.insert(at, event.occurred_at)
            events.insert(at, event)
            self._forget(times, events, event.occurred_at)

    def aggregate(self, aggregate: Aggregate, subject: str, now: datetime) -> int:
        """``aggregate`` over the events of ``subject`` (under ``aggregate.per``) in
        ``(since, now]`` (``Aggregate.since``: ``now - window``, or the day's start)."""
        window = timedelta(seconds=aggregate.window_seconds)
        self.keep = max(self.keep, window)
        times = self._times.get((aggregate.per, subject))
        if not times:
            return 0
        events = self._events[(aggregate.per, subject)]
        start = bisect.bisect_right(times, aggregate.since(now))
        end = bisect.bisect_right(times, now)
        chosen = [e for e in events[start:end] if _passes(e, aggregate)]
        if aggregate.function == "count":
            return len(chosen)
        if aggregate.function == "total":
            return sum(e.amount for e in chosen)
        return len({e.counterparty for e in chosen if e.counterparty})

    def kept(self, per: str, subject: str) -> int:
        """How many events are kept for ``subject`` under ``per``."""
        return len(self._times.get((per, subject), ()))

    def _forget(self, times: list, events: list, now: datetime) -> None:
        if not self.keep:
            return
        cut = bisect.bisect_left(times, now - self.keep)
        if cut:
            del times[:cut], events[:cut]


def _passes(event: WindowEvent, aggregate: Aggregate) -> bool:
    return (
        (not aggregate.kind or event.kind in aggregate.kind)
        and (not aggregate.direction or event.direction in aggregate.direction)
        and (aggregate.amount_from is None or event.amount >= aggregate.amount_from)
        and (aggregate.amount_below is None or event.amount < aggregate.amount_below)
    )


class WindowFacts:
    """An event's facts for ``event_decide``: its values, and its aggregates read from
    ``windows`` under the event's own keys, at its own time."""

    def __init__(self, windows: Windows, event: WindowEvent, values: dict):
        self.windows, self.event, self.values = windows, event, values

    def value(self, name: str):
        return self.values.get(name)

    def aggregate(self, aggregate: Aggregate) -> int:
        subject = self.event.keys.get(aggregate.per)
        if not subject:
            return 0
        return self.windows.aggregate(aggregate, subject, self.event.occurred_at)


def replay(
    events: Iterable[tuple[WindowEvent, dict]], rules, *, windows: Windows | None = None,
    modes: dict[str, str] | None = None,
) -> Iterator[tuple[WindowEvent, Decision]]:  # fmt: skip
    """Decide on each ``(event, values)`` in the order given (time order), then record it."""
    windows = windows if windows is not None else Windows()
    for event, values in events:
        decision = event_decide(rules, WindowFacts(windows, event, values), modes=modes)
        windows.record(event)
        yield event, decision
