"""The kinds of message: templates as data, registered at start-up.

A module that tells customers something registers each kind once, from its ``AppConfig.ready()``
(``hujin.notifications.services`` re-exports the function):

    notification_kind_register(
        "payments.topup_received", category=CATEGORY_MONEY,
        title=_("Top-up received"),
        body=_("%(amount)s arrived in your wallet from the card ending %(card_last4)s."),
        channels=("inbox", "sms"), optional=True, url_name="payments:topup",
    )

Title and body are lazy translations, rendered in the recipient's language when the message is
sent, with the sender's placeholders. They may carry masked values only (never a full name, ID
or card number); the title none at all. ``optional`` kinds respect the customer's switches for
their category (text message, e-mail); the others (security notices, a change of the account's
standing) always go out on every channel they name. The inbox is always one of them.
"""

from dataclasses import dataclass

from django.utils.functional import Promise

from hujin.notifications.types import CATEGORIES, CHANNEL_INBOX, CHANNELS


@dataclass(frozen=True)
class NotificationKind:
    key: str
    category: str
    title: Promise | str
    body: Promise | str
    channels: tuple[str, ...]
    optional: bool
    url_name: str


_kinds: dict[str, NotificationKind] = {}


def notification_kind_register(
    key: str,
    *,
    category: str,
    title: Promise | str,
    body: Promise | str,
    channels: tuple[str, ...] = (CHANNEL_INBOX,),
    optional: bool = False,
    url_name: str = "",
) -> NotificationKind:
    """Register a kind of message. The same key again must say the same thing (a module
    reload); another definition under a taken key is refused."""
    if not key or "." not in key or len(key) > 64:
        raise ValueError(f"a kind is '<module>.<what>', at most 64 characters, not {key!r}")
    if category not in CATEGORIES:
        raise ValueError(f"unknown category {category!r}; one of {sorted(CATEGORIES)}")
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise ValueError(f"unknown channels {unknown}; one of {sorted(CHANNELS)}")
    # The inbox first and always; the others in their fixed order.
    ordered = (CHANNEL_INBOX, *(c for c in CHANNELS if c in channels and c != CHANNEL_INBOX))
    kind = NotificationKind(key, category, title, body, ordered, optional, url_name)
    existing = _kinds.get(key)
    if existing is not None and existing != kind:
        raise ValueError(f"notification kind {key!r} is already registered differently")
    _kinds[key] = kind
    return kind


def notification_kind_get(key: str) -> NotificationKind | None:
    return _kinds.get(key)


def notification_kinds() -> list[NotificationKind]:
    return [_kinds[key] for key in sorted(_kinds)]
