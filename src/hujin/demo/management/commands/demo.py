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
        out = self.stdout.write
        out(self.style.SUCCESS(
            f"Demo data ready: {report.accounts_created} accounts created, "
            f"{report.transfers_ok} transfers posted this run."
        ))  # fmt: skip
        out("")
        out("  Console:  http://127.0.0.1:8000/   (staff log in with a password, then a TOTP code)")
        out("")
        out(f"  {'user':<11} {'password':<24} {'role':<20} TOTP secret")
        for login in report.staff:
            out(f"  {login.username:<11} {login.password:<24} {login.role:<20} {login.totp_secret}")
        out("")
        out("  Add a secret to an authenticator app (or scan its otpauth URI as a QR code), or run")
        out("  `hujin mfa code <username>` to print the current code.")
        for login in report.staff:
            out(f"    {login.otpauth_uri}")
        for note in report.notes:
            out(f"  {note}")
        out("")
        out("  API docs: http://127.0.0.1:8000/api/v1/docs")
        out(f"  Integrator API key (ledger:read, ledger:write): {report.api_key}")
        out("")
