"""hujin mfa code|reset <username> — a user's current TOTP code (development only), or removing
a lost authenticator."""

import pyotp
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from hujin.core.actors import system_actor
from hujin.core.errors import HujinError
from hujin.identity.mfa.models import TotpDevice
from hujin.identity.mfa.services import TOTP_DIGITS, TOTP_PERIOD_S, totp_reset
from hujin.identity.models import User

CLI_ACTOR = system_actor("hujin mfa")


class Command(BaseCommand):
    help = "Two-step verification from the command line."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="{code,reset}")
        code = sub.add_parser("code", help="print the current code of <username> (not in prod)")
        code.add_argument("username")
        reset = sub.add_parser(
            "reset",
            help="remove the authenticator of <username> (a lost phone) and end their sessions",
        )
        reset.add_argument("username")

    def handle(self, *args, action, username, **options):
        if action == "code":
            self._code(username)
        else:
            self._reset(username)

    def _code(self, username: str) -> None:
        if settings.PROD:
            raise CommandError(
                "refusing in production: a second factor is only worth something if the "
                "server cannot produce it on request"
            )
        device = TotpDevice.objects.filter(
            user__username=username, confirmed_at__isnull=False
        ).first()
        if device is None:
            raise CommandError(f"{username!r} has no confirmed authenticator")
        now = timezone.now()
        totp = pyotp.TOTP(device.secret, digits=TOTP_DIGITS, interval=TOTP_PERIOD_S)
        left = TOTP_PERIOD_S - int(now.timestamp()) % TOTP_PERIOD_S
        self.stdout.write(totp.at(now))
        self.stderr.write(f"valid for about {left} more seconds")

    def _reset(self, username: str) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no user {username!r}")
        try:
            totp_reset(user=user, actor=CLI_ACTOR, now=timezone.now())
        except HujinError as exc:
            raise CommandError(exc.message) from None
        self.stdout.write(
            f"Removed the authenticator of {username} and ended their sessions; "
            "they set up a new one at their next log-in."
        )
