"""hujin apikey create|list|revoke — API keys from the command line."""

import uuid
from datetime import timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hujin.core.actors import system_actor
from hujin.core.errors import HujinError
from hujin.identity import selectors, services
from hujin.identity.scopes import scope_catalogue

CLI_ACTOR = system_actor("hujin apikey")


class Command(BaseCommand):
    help = "Create, list and revoke API keys for integrators."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{create,list,revoke}")
        create = sub.add_parser("create", help="create a key and print its secret, once")
        create.add_argument("--name", required=True)
        create.add_argument(
            "--scope",
            action="append",
            dest="scopes",
            required=True,
            help="repeat for several; known: " + ", ".join(s.name for s in scope_catalogue()),
        )
        create.add_argument("--expires-in-days", type=int, default=None)
        sub.add_parser("list", help="list keys (never their secrets)")
        revoke = sub.add_parser("revoke", help="revoke a key")
        revoke.add_argument("api_key_id")

    def handle(self, *args, action, **options):
        now = timezone.now()
        try:
            if action == "create":
                self._create(options, now)
            elif action == "list":
                self._list(now)
            else:
                key = services.api_key_revoke(
                    api_key_id=options["api_key_id"], actor=CLI_ACTOR, now=now
                )
                self.stdout.write(f"revoked {key.id} ({key.name})")
        except HujinError as exc:
            raise CommandError(f"{exc.code}: {exc.message}") from exc

    def _create(self, options, now):
        days = options["expires_in_days"]
        if days is not None and days <= 0:
            raise CommandError("--expires-in-days must be a positive number of days")
        key, secret = services.api_key_create(
            name=options["name"],
            scopes=options["scopes"],
            expires_at=now + timedelta(days=days) if days else None,
            actor=CLI_ACTOR,
            now=now,
        )
        self.stdout.write(f"id:      {key.id}")
        self.stdout.write(f"name:    {key.name}")
        self.stdout.write(f"scopes:  {' '.join(key.scopes)}")
        if key.expires_at:
            self.stdout.write(f"expires: {key.expires_at.isoformat()}")
        self.stdout.write(f"secret:  {secret}")
        self.stderr.write("Store the secret now: it is not kept and cannot be shown again.")

    def _list(self, now):
        rows, before = [], None
        while True:
            page = selectors.api_key_page(actor=CLI_ACTOR, now=now, before=before, limit=500)
            rows.extend(page.rows)
            if page.older_cursor is None:
                break
            before = uuid.UUID(page.older_cursor)
        if not rows:
            self.stdout.write("no API keys")
            return

        def when(value):
            return value.isoformat(timespec="seconds") if value else "-"

        header = ("ID", "PREFIX", "NAME", "SCOPES", "CREATED", "LAST USED", "STATUS")
        table = [header] + [
            (
                str(r.id),
                f"hk_{r.prefix}",
                r.name,
                ",".join(r.scopes),
                when(r.created_at),
                when(r.last_used_at),
                r.status,
            )
            for r in rows
        ]
        widths = [max(len(row[i]) for row in table) for i in range(len(header))]
        for row in table:
            self.stdout.write("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
