from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hujin.core.actors import system_actor
from hujin.core.dates import business_date_get
from hujin.ledger.services import pending_transfers_expire
from hujin.ledger.verify import ledger_verify


class Command(BaseCommand):
    help = "Ledger maintenance: verify the invariants, expire pending transfers."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("verify", help="Check debits = credits, balances = transfers, limits.")
        sub.add_parser("expire", help="Void pending transfers whose timeout has passed.")

    def handle(self, *args, action, **options):
        if action == "verify":
            report = ledger_verify()
            for problem in report.problems:
                self.stderr.write(self.style.ERROR(problem))
            summary = (f"{report.accounts_checked} accounts, {report.transfers_checked} transfers "
                       "checked")  # fmt: skip
            if not report.ok:
                raise CommandError(
                    f"ledger verify FAILED: {summary}, {len(report.problems)} problems"
                )
            self.stdout.write(self.style.SUCCESS(f"ledger verify OK: {summary}"))
        else:
            now = timezone.now()
            expired = pending_transfers_expire(
                now=now, business_date=business_date_get(now=now), actor=system_actor("ledger")
            )
            self.stdout.write(f"{expired} pending transfers expired")
