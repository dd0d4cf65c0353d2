"""The risk module's values other modules may read."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from hujin.core.dates import business_time_zone

TODAY = "today"  # the window of the calendar day so far, in the business time zone (当日)


@dataclass(frozen=True, slots=True)
class Aggregate:
    """One window aggregate a condition reads: ``function`` (``count``, ``total``,
    ``distinct_counterparties``) over the last ``window_seconds`` (written ``window``) of the
    events of the same ``per`` (``customer``, ``device``, ``counterparty``, ``ip``), of the
    ``kind`` and ``direction`` listed (empty: any) and, when given, with an amount (fen) of at
    least ``amount_from`` and below ``amount_below``. It covers the events recorded before the one
    being decided, in ``(now - window, now]``; the window ``today`` covers the calendar day so
    far in the business time zone (``window_seconds`` is then the most it can reach: 25 hours,
    a day that leaves summer time)."""

    function: str
    window_seconds: int
    window: str
    per: str = "customer"
    kind: tuple[str, ...] = ()
    direction: tuple[str, ...] = ()
    amount_from: int | None = None
    amount_below: int | None = None

    def since(self, now: datetime) -> datetime:
        """The moment after which an event is inside the window at ``now``."""
        if self.window == TODAY:
            zone = business_time_zone()
            start = datetime.combine(now.astimezone(zone).date(), time.min, tzinfo=zone)
            return start - timedelta(microseconds=1)  # midnight itself is the day's
        return now - timedelta(seconds=self.window_seconds)

    @property
    def label(self) -> str:
        """The aggregate as a condition writes it, in one canonical form (the key under which
        a decision records the value it read)."""
        parts = [f'"{self.window}"']
        if self.per != "customer":
            parts.append(f'per="{self.per}"')
        for name in ("kind", "direction"):
            values = getattr(self, name)
            if len(values) == 1:
                parts.append(f'{name}="{values[0]}"')
            elif values:
                parts.append(f"{name}=[{', '.join(f'{v!r}' for v in values)}]".replace("'", '"'))
        for name in ("amount_from", "amount_below"):
            if getattr(self, name) is not None:
                parts.append(f"{name}={getattr(self, name)}")
        return f"{self.function}({', '.join(parts)})"
