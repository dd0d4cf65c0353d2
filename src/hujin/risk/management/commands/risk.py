"""``hujin risk lists import --list CODE --format un_xml|csv [--kind K] [--name N] FILE``: import
a sanctions or watch list's file as the list's next version, then screen every customer against
it; ``hujin risk lists screen``: screen every verified customer against every list's current
version again. The ``rules`` area (``hujin risk rules load-shipped``) comes from
``hujin.risk.commands_rules``, the ``model`` area (``hujin risk model train|list``)
from ``hujin.risk.commands_anomaly``."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hujin.core.actors import Actor
from hujin.core.errors import HujinError
from hujin.risk import commands_anomaly, commands_rules, commands_synthetic
from hujin.risk.lists import watchlist_import
from hujin.risk.lists_screening import watchlist_version_screen, watchlists_rescreen
from hujin.risk.models_lists import FORMATS, LIST_KINDS
from hujin.risk.permissions import WORK_ALERTS

OPERATOR = Actor(kind="system", id="risk.lists_command", label="hujin risk lists",
                 scopes=frozenset({WORK_ALERTS}))  # fmt: skip


class Command(BaseCommand):
    help = (
        "Risk maintenance: import a screening list's file, screen every customer again; "
        "put the shipped rules in force."
    )

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="area", required=True)
        lists = sub.add_parser("lists", help="Sanctions and watch lists.")
        actions = lists.add_subparsers(dest="action", required=True)
        load = actions.add_parser("import", help="Import a list's file as its next version.")
        load.add_argument("--list", dest="list_code", required=True, help="The list's code.")
        load.add_argument("--format", dest="fmt", required=True, choices=FORMATS)
        load.add_argument("--kind", default="sanctions", choices=LIST_KINDS,
                          help="The list's kind (for a new list; default sanctions).")  # fmt: skip
        load.add_argument("--name", default="", help="The list's name (for a new list).")
        load.add_argument("file", help="The file to import.")
        actions.add_parser("screen", help="Screen every customer against every current list.")
        commands_rules.rules_parser_add(sub)
        commands_anomaly.model_parser_add(sub)
        commands_synthetic.synthetic_parser_add(sub)

    def handle(self, *args, area, action=None, **options):
        if area == commands_synthetic.AREA:
            commands_synthetic.synthetic_handle(self, options)
            return
        if area == commands_rules.AREA:
            commands_rules.rules_handle(self, action, options)
            return
        if area == commands_anomaly.AREA:
            commands_anomaly.model_handle(self, action, options)
            return
        if action == "screen":
            for report in watchlists_rescreen(now=timezone.now()):
                self.stdout.write(
                    f"{report.list_code} v{report.number}: {report.screened} customers screened, "
                    f"{report.hits} hits, {report.raised} new alerts"
                )
            return
        path = Path(options["file"])
        try:
            content = path.read_bytes()
        except OSError as exc:
            raise CommandError(f"{path}: {exc.strerror}") from None
        try:
            # Screened here rather than by the queue: the command reports what it found.
            imported = watchlist_import(
                actor=OPERATOR, list_code=options["list_code"], kind=options["kind"],
                file_name=path.name, content=content, fmt=options["fmt"], now=timezone.now(),
                name=options["name"], queue_screening=False,
            )  # fmt: skip
        except HujinError as exc:
            raise CommandError(str(exc.message)) from None
        self.stdout.write(self.style.SUCCESS(
            f"{imported.list_code} v{imported.number}: {imported.entry_count} entries, "
            f"sha256 {imported.sha256}"
        ))  # fmt: skip
        report = watchlist_version_screen(version_id=imported.version_id, now=timezone.now())
        self.stdout.write(f"{report.screened} customers screened, {report.hits} hits, "
                          f"{report.raised} new alerts")  # fmt: skip
