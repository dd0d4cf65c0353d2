"""``hujin events status [--json]``: how far behind each event subscriber is.

Per subscriber: events it has not had yet (not handed out, or its delivery still open), how long
ago the oldest of them occurred, and its open deliveries by state (pending: retried when due;
waiting: behind an earlier event of the same aggregate; parked: a person retries or discards it
on the console's dead-letter page). Then the subscriber names with open deliveries that this
deployment does not register (removed or renamed): nothing ever tries those, so they are listed
apart, to be discarded on the console page once the subscriber is gone for good.
"""

import json

from django.core.management.base import BaseCommand, CommandParser
from django.utils import timezone

from hujin.core.event_status import SubscriberLag, UnknownSubscriber, event_lag, unknown_subscribers

CONSOLE_PAGE = "/compliance/events/"


def _age(seconds: int | None) -> str:
    if seconds is None:
        return "-"
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, seconds = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")]
    shown = [f"{value}{unit}" for value, unit in parts if value][:2]
    return " ".join(shown) or "0s"


class Command(BaseCommand):
    help = "Domain events: each subscriber's lag (undelivered events, oldest age, parked)."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{status}")
        status = actions.add_parser("status", help="Show each subscriber's lag.")
        status.add_argument("--json", action="store_true", help="One JSON document on stdout.")

    def handle(self, *args, **options) -> None:
        now = timezone.now()
        lags = event_lag(now=now)
        unknown = unknown_subscribers(lags)
        if options["json"]:
            document = {
                "now": now.isoformat(),
                "subscribers": [lag.as_dict() for lag in lags],
                "unknown_subscribers": [name.as_dict() for name in unknown],
            }
            self.stdout.write(json.dumps(document, indent=2))
            return
        self._table(lags)
        self._unknown(unknown)

    def _table(self, lags: list[SubscriberLag]) -> None:
        if not lags:
            self.stdout.write("no event subscribers")
            return
        width = max(len("subscriber"), *(len(lag.subscriber) for lag in lags))
        header = ("subscriber", "undelivered", "oldest", "pending", "waiting", "parked")
        self.stdout.write(f"{header[0]:<{width}}  {'  '.join(f'{h:>11}' for h in header[1:])}")
        for lag in lags:
            numbers = (lag.undelivered, _age(lag.age_seconds), lag.pending, lag.waiting, lag.parked)
            line = f"{lag.subscriber:<{width}}  " + "  ".join(f"{n:>11}" for n in numbers)
            if not lag.registered:
                line += "  (not subscribed in this process)"
            style = self.style.ERROR if lag.parked else (lambda text: text)
            self.stdout.write(style(line))

    def _unknown(self, unknown: list[UnknownSubscriber]) -> None:
        if not unknown:
            return
        self.stdout.write("")
        self.stdout.write(
            self.style.WARNING(
                "deliveries for subscribers this deployment does not know (nothing tries them; "
                f"once a subscriber is gone for good, discard them on {CONSOLE_PAGE}):"
            )
        )
        width = max(len(name.subscriber) for name in unknown)
        for name in unknown:
            self.stdout.write(
                f"  {name.subscriber:<{width}}  {name.deliveries:>11} open, "
                f"oldest {_age(name.age_seconds)}"
            )
