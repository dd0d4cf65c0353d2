"""Where the notifications pages appear (``hujin.core.navigation``): the message centre's bell
in the portal's top bar, with the unread count; the preferences on the "Me" page; the
development e-mail outbox in the console's system area (never in production)."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from hujin.core.navigation import AREA_SYSTEM, console_entry_register, portal_entry_register
from hujin.notifications.selectors import unread_count


def _unread(user) -> int:
    return unread_count(user_id=user.pk)


def register() -> None:
    portal_entry_register(
        key="notifications.inbox", label=_("Messages"), url_name="notifications:inbox",
        place="bar", icon="bell", count=_unread,
    )  # fmt: skip
    portal_entry_register(
        key="notifications.preferences", label=_("Message settings"),
        url_name="notifications:preferences", icon="bell", order=45,
        description=_("Which messages also come by text message, and in which language"),
    )  # fmt: skip
    if not settings.PROD:
        console_entry_register(
            key="notifications.dev_email", area=AREA_SYSTEM,
            label=_("E-mail outbox (development)"), url_name="notifications:dev_email", order=91,
        )  # fmt: skip
