"""``hujin audit verify``: recompute every audit chain, require every chain's head, check every
seal, and report what does not match. ``hujin audit seal``: record every chain's end in the trail.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hujin.core.actors import system_actor
from hujin.core.audit import audit_seal, audit_verify


class Command(BaseCommand):
    help = (
        "Audit trail tools. verify: recompute every hash chain, require every chain's head and "
        "check every seal; exits 1 if anything is wrong. seal: record every chain's end."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        verify = sub.add_parser("verify", help="recompute every chain and check every link")
        verify.add_argument(
            "--heads",
            action="store_true",
            help="also print each chain's length and last hash (to record as an external anchor)",
        )
        sub.add_parser(
            "seal",
            help="write every chain's length and last hash into the trail (the close of business "
            "does it daily)",
        )

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "seal":
            entry = audit_seal(actor=system_actor("hujin audit seal"), occurred_at=timezone.now())
            self.stdout.write(
                self.style.SUCCESS(
                    f"audit trail sealed: entry {entry.id} (chain {entry.chain} position "
                    f"{entry.position})"
                )
            )
            return
        report = audit_verify()
        if options.get("heads"):
            for number in range(report.chain_count):
                chain = report.chain_end(number)
                self.stdout.write(
                    f"chain {chain.chain:2d}: {chain.length} entries, {chain.last_hash}"
                )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            count = len(report.problems)
            raise CommandError(
                f"audit trail verification FAILED: {count} problem{'s' if count != 1 else ''} "
                f"in {report.entries_checked} entries; {report.chain_count} chains, "
                f"{report.heads_present} heads present"
            )
        if report.heads_required:
            heads = f"{report.heads_present} heads, all present"
        else:
            heads = "no heads yet (an empty trail)"
        used = len(report.chains)
        self.stdout.write(
            self.style.SUCCESS(
                f"audit trail OK: {report.entries_checked} entries verified; "
                f"{report.chain_count} chains ({used} in use), {heads}; "
                f"{report.seals_checked} seal{' holds' if report.seals_checked == 1 else 's hold'}"
            )
        )
