import os

from django.core.management.base import BaseCommand
from django.utils import timezone

from hujin.demo.loader import DEFAULT_ADDR, demo_load

ADDR_ENV = "HUJIN_DEMO_ADDR"


class Command(BaseCommand):
    help = "Demo data: `hujin demo load` (idempotent) loads logins, accounts and history."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        load = sub.add_parser(
            "load", help="Load the demo data (running it again reuses what exists)."
        )
        load.add_argument(
            "--addr",
            default="",
            help=(
                "where the demo is served (host:port as `hujin serve` takes it, or a URL), for "
                f"the addresses printed; default ${ADDR_ENV} or {DEFAULT_ADDR}"
            ),
        )

    def handle(self, *args, action, addr="", **options):
        addr = addr or os.environ.get(ADDR_ENV, "") or DEFAULT_ADDR
        report = demo_load(now=timezone.now(), addr=addr)
        out = self.stdout.write
        out(self.style.SUCCESS(
            f"Demo data ready: {report.accounts_created} accounts created, "
            f"{report.transfers_ok} transfers posted this run."
        ))  # fmt: skip
        if report.transfers_refused:
            out(self.style.WARNING(
                f"  {report.transfers_refused} history transfers were refused: this database "
                "holds demo data of an older shape (delete the var dir and load again)."
            ))  # fmt: skip
        out("")
        out(f"  Console: {report.url('/')}  (staff log in with a password, then a TOTP code)")
        out("")
        out(f"  {'user':<11} {'password':<24} {'role':<20} TOTP secret")
        for login in report.staff:
            out(f"  {login.username:<11} {login.password:<24} {login.role:<20} {login.totp_secret}")
        out("")
        out("  Add a secret to an authenticator app (or scan its otpauth URI as a QR code), or run")
        out("  `hujin mfa code <username>` to print the current code.")
        for login in report.staff:
            out(f"    {login.otpauth_uri}")
        out("")
        for note in report.notes:
            out(f"  {note}")
        sms = report.url("/auth/dev/sms/")
        out(f"  SMS codes of new sign-ups (development outbox, for staff): {sms}")
        out("")
        out(f"  API docs: {report.url('/api/v1/docs')}")
        out(f"  Integrator API key (ledger:read, ledger:write): {report.api_key}")
        out("")
