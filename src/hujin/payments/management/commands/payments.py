"""``hujin payments reconcile --date YYYY-MM-DD [--channel X]``: reconcile (replay) a business
date against the channel's file, as the COB step does for the closing date."""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hujin.core.actors import system_actor
from hujin.core.errors import HujinError
from hujin.payments.reconciliation.runs import reconciliation_run


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--date must be YYYY-MM-DD, not {text!r}") from None


class Command(BaseCommand):
    help = "Payments maintenance: reconcile a channel for a business date."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        reconcile = sub.add_parser(
            "reconcile", help="Match the channel's file with payments and the ledger for a date."
        )
        reconcile.add_argument("--date", required=True, help="The business date, YYYY-MM-DD.")
        reconcile.add_argument("--channel", default="", help="The channel (default: configured).")

    def handle(self, *args, action, **options):
        business_date = _date(options["date"])
        try:
            run = reconciliation_run(
                business_date=business_date, channel=options["channel"], replay=True,
                actor=system_actor("payments.reconcile"), now=timezone.now(),
            )  # fmt: skip
        except HujinError as exc:
            raise CommandError(str(exc.message)) from None
        summary = (
            f"{run.channel} {run.business_date.isoformat()}: {run.status}"
            f"{f' ({run.reason})' if run.reason else ''}, residual {run.residual_minor} fen, "
            f"breaks {run.breaks_new} new, {run.breaks_persisting} persisting, "
            f"{run.breaks_resolved} resolved"
        )
        if run.status != "complete":
            raise CommandError(summary)
        style = self.style.SUCCESS if run.green else self.style.WARNING
        self.stdout.write(style(summary))
