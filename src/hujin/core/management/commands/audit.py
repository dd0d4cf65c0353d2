"""``hujin audit verify``: recompute every audit chain and report what does not match."""

from django.core.management.base import BaseCommand, CommandError

from hujin.core.audit import audit_verify


class Command(BaseCommand):
    help = "Audit trail tools. verify: recompute every hash chain; exits 1 if anything is wrong."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="recompute every chain and check every link")
        verify.add_argument(
            "--heads",
            action="store_true",
            help="also print each chain's length and last hash (to record as an external anchor)",
        )

    def handle(self, *args, subcommand: str, **options):
        report = audit_verify()
        if options.get("heads"):
            for chain in report.chains:
                self.stdout.write(
                    f"chain {chain.chain:2d}: {chain.length} entries, {chain.last_hash}"
                )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            count = len(report.problems)
            raise CommandError(
                f"audit trail verification FAILED: {count} problem{'s' if count != 1 else ''} "
                f"in {report.entries_checked} entries"
            )
        used = sum(1 for chain in report.chains if chain.length)
        self.stdout.write(
            self.style.SUCCESS(
                f"audit trail OK: {report.entries_checked} entries in {used} chains verified"
            )
        )
