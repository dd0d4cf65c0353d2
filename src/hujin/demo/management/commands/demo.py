from django.core.management.base import BaseCommand
from django.utils import timezone

from hujin.demo.loader import demo_load


class Command(BaseCommand):
    help = "Demo data: `hujin demo load` (idempotent) loads logins, accounts and history."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("load", help="Load the demo data (running it again reuses what exists).")

    def handle(self, *args, action, **options):
        report = demo_load(now=timezone.now())
        self.stdout.write(self.style.SUCCESS(
            f"Demo data ready: {report.accounts_created} accounts created, "
            f"{report.transfers_ok} transfers posted this run."
        ))  # fmt: skip
        self.stdout.write("")
        self.stdout.write("  Console:  http://127.0.0.1:8000/")
        for username, password in report.logins:
            self.stdout.write(f"  Staff login:  {username} / {password}")
        self.stdout.write("  API docs: http://127.0.0.1:8000/api/v1/docs")
        self.stdout.write(f"  Integrator API key (ledger:read, ledger:write): {report.api_key}")
        self.stdout.write("")
