"""``hujin cob run [--date YYYY-MM-DD]`` and ``hujin cob status [--date YYYY-MM-DD]``.

Exit status of ``run``: 0 when the date is closed (now or before), 1 when a step failed (rerun to
resume), 2 when the run was refused (another COB is running, or the date cannot be closed).
"""

import getpass
from datetime import date

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from hujin.core.actors import system_actor
from hujin.core.cob import CobProgress, cob_run, cob_run_get
from hujin.core.dates import business_date_get
from hujin.core.errors import CobAlreadyRunning, CobDateInvalid
from hujin.core.models import CobRun, CobStatus

EXIT_FAILED = 1
EXIT_REFUSED = 2


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"not a date (YYYY-MM-DD): {value!r}", returncode=EXIT_REFUSED) from exc


class Command(BaseCommand):
    help = "Close of business: run it for the business date, or show how it went."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True, metavar="{run,status}")
        run = actions.add_parser("run", help="Close the business date (resumes a failed run).")
        run.add_argument("--date", help="Business date to close (default: the current one).")
        status = actions.add_parser("status", help="Show the business date and a COB run.")
        status.add_argument("--date", help="Business date of the run (default: the latest).")

    def handle(self, *args, **options) -> None:
        on_date = _parse_date(options["date"]) if options.get("date") else None
        if options["action"] == "run":
            self._run(on_date)
        else:
            self._status(on_date)

    def _run(self, on_date: date | None) -> None:
        actor = system_actor(f"cli:{_os_user()}")
        bar = tqdm(unit="step", disable=None, leave=False)

        def progress(event: CobProgress) -> None:
            bar.total = event.total
            if event.status == "running":
                bar.set_description(event.step)
                bar.refresh()
                return
            bar.update(1)
            with tqdm.external_write_mode():
                self.stdout.write(f"{event.index:>3}/{event.total} {event.status:<8} {event.step}")

        try:
            run = cob_run(business_date=on_date, now=timezone.now(), actor=actor, progress=progress)
        except (CobAlreadyRunning, CobDateInvalid) as exc:
            raise CommandError(exc.message, returncode=EXIT_REFUSED) from exc
        finally:
            bar.close()

        if run.was_already_completed:
            self.stdout.write(f"COB for {run.business_date} is already complete; nothing to do.")
            return
        if run.status != CobStatus.DONE:
            failed = run.steps.filter(status=CobStatus.FAILED).first()
            if failed is not None:
                self.stderr.write(failed.error)
            raise CommandError(
                f"COB for {run.business_date} failed at step "
                f"{failed.name if failed else '?'}; fix the cause and run it again to resume.",
                returncode=EXIT_FAILED,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"COB for {run.business_date} done; the business date is now {business_date_get()}."
            )
        )

    def _status(self, on_date: date | None) -> None:
        self.stdout.write(f"Business date: {business_date_get(now=timezone.now())}")
        run = cob_run_get(business_date=on_date)
        if run is None:
            self.stdout.write(f"No COB run{f' for {on_date}' if on_date else ''} yet.")
            return
        self._run_describe(run)

    def _run_describe(self, run: CobRun) -> None:
        finished = f", finished {run.finished_at:%Y-%m-%d %H:%M:%S %Z}" if run.finished_at else ""
        self.stdout.write(
            f"COB for {run.business_date}: {run.status} (attempt {run.attempts}, "
            f"started {run.started_at:%Y-%m-%d %H:%M:%S %Z}{finished}, by {run.started_by})"
        )
        for step in run.steps.all():
            duration = f"{step.duration_ms} ms" if step.duration_ms is not None else "-"
            detail = step.result if step.status == CobStatus.DONE else ""
            if step.status == CobStatus.FAILED:
                detail = step.error.strip().splitlines()[-1] if step.error.strip() else ""
            self.stdout.write(
                f"  {step.status:<8} {step.name:<36} tries {step.attempts:<3} "
                f"{duration:>10}  {detail or ''}"
            )


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name and no passwd entry (some containers)
        return "unknown"
