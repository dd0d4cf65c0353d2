"""``hujin risk rules load-shipped [--shadow]``: write the rules Hujin ships into the rule store
and put them live (or in shadow), as the house's initial rule set; a code that already has a
version is left alone, so running it again changes nothing.

The ``risk`` command (``management/commands/risk.py``) takes its ``rules`` area from here:
``rules_parser_add(sub)`` in its ``add_arguments`` and ``rules_handle(command, action, options)``
in its ``handle`` when the area is ``rules``."""

from django.utils import timezone

from hujin.core.actors import system_actor
from hujin.risk.models import LIVE, SHADOW
from hujin.risk.rulebook_shipped import shipped_rules_load

ACTOR = system_actor("risk.rules_command")
AREA = "rules"


def rules_parser_add(sub) -> None:
    """Add ``rules load-shipped [--shadow]`` to the command's areas."""
    rules = sub.add_parser(AREA, help="The risk rule store.")
    actions = rules.add_subparsers(dest="action", required=True)
    load = actions.add_parser(
        "load-shipped", help="Put the rules Hujin ships in force (codes with no version yet)."
    )
    load.add_argument(
        "--shadow", action="store_true",
        help="Put them in shadow (tried, deciding nothing) instead of live.",
    )  # fmt: skip


def rules_handle(command, action: str, options: dict) -> None:
    state = SHADOW if options.get("shadow") else LIVE
    load = shipped_rules_load(actor=ACTOR, now=timezone.now(), state=state)
    where = "in shadow" if state == SHADOW else "live"
    command.stdout.write(command.style.SUCCESS(
        f"{len(load.written)} shipped rules put {where}, {len(load.kept)} left as they were"
        + (f" (generation {load.generation})" if load.generation else "")
    ))  # fmt: skip
