"""The notifications module's reads. Pages and other modules get plain values, never querysets;
a customer reads their own messages only (``actor`` is the customer)."""

import uuid
from datetime import datetime

from django.conf import settings
from django.utils.translation import get_language_info

from hujin.core.actors import Actor
from hujin.core.masking import mask
from hujin.core.navigation import url_if_mounted
from hujin.core.pages import keyset_page
from hujin.notifications.errors import RecipientNotFound
from hujin.notifications.kinds import notification_kinds
from hujin.notifications.models import DevEmail, Message, Preference, Recipient
from hujin.notifications.types import (
    CATEGORIES,
    CATEGORY_MARKETING,
    CHANNELS,
    SWITCHABLE_CHANNELS,
    CategoryTab,
    DeliveryView,
    DevEmailView,
    InboxPage,
    MessageView,
    PreferenceRow,
    Preferences,
)

PAGE_SIZE = 20
DEFAULT_LANGUAGE = "zh-hans"


def _own_user_id(actor: Actor) -> uuid.UUID:
    if actor.kind != "customer":
        raise RecipientNotFound()
    return uuid.UUID(actor.id)


def _link(message: Message) -> str:
    if not message.url_name:
        return ""
    # "" when the page's module is not mounted, or its address changed since.
    return url_if_mounted(message.url_name, message.url_args) or ""


def message_view(message: Message, *, with_deliveries: bool = False) -> MessageView:
    deliveries = []
    if with_deliveries:
        deliveries = [
            DeliveryView(
                channel=d.channel,
                channel_label=str(CHANNELS.get(d.channel, d.channel)),
                status=d.status,
                error=d.error,
                sent_at=d.sent_at,
            )
            for d in message.deliveries.order_by("created_at", "channel")
        ]
    return MessageView(
        id=message.id,
        kind=message.kind,
        category=message.category,
        category_label=str(CATEGORIES.get(message.category, message.category)),
        title=message.title,
        body=message.body,
        link_url=_link(message),
        created_at=message.created_at,
        read_at=message.read_at,
        deliveries=deliveries,
    )


def preference_default(category: str, channel: str) -> bool:
    """Marketing waits for the customer's yes (PIPL art. 24); everything else is on."""
    return category != CATEGORY_MARKETING


def channel_enabled(*, user_id, category: str, channel: str) -> bool:
    row = Preference.objects.filter(user_id=user_id, category=category, channel=channel).first()
    return row.enabled if row is not None else preference_default(category, channel)


def recipient_language(user_id) -> str:
    """The language a customer's messages are written in: their choice, else the deployment's
    (``HUJIN_NOTIFICATIONS_LANGUAGE``), else Chinese: a text message must be readable by a
    customer of a mainland institution, whatever language the web shell defaults to."""
    chosen = Recipient.objects.filter(user_id=user_id).values_list("language", flat=True).first()
    return chosen or getattr(settings, "HUJIN_NOTIFICATIONS_LANGUAGE", "") or DEFAULT_LANGUAGE


def unread_count(*, user_id: uuid.UUID | str) -> int:
    """The customer's unread messages: one COUNT on a partial index (every portal page asks)."""
    return Message.objects.filter(recipient_id=user_id, read_at__isnull=True).count()


def categories_in_use() -> list[str]:
    """The categories some registered kind writes to, in their fixed order."""
    used = {kind.category for kind in notification_kinds()}
    return [category for category in CATEGORIES if category in used]


def inbox_page(
    *,
    actor: Actor,
    category: str = "",
    before: uuid.UUID | None = None,
    after: uuid.UUID | None = None,
    limit: int = PAGE_SIZE,
) -> InboxPage:
    """The customer's messages, newest first, one keyset page at a time (``before``: older than
    that message, ``after``: newer), of one category or all. Raises RecipientNotFound for
    anyone but a customer."""
    user_id = _own_user_id(actor)
    category = category if category in CATEGORIES else ""
    mine = Message.objects.filter(recipient_id=user_id)
    if category:
        mine = mine.filter(category=category)
    unread = mine.filter(read_at__isnull=True).count()
    page = keyset_page(mine, before=before, after=after, limit=limit)
    tabs = [CategoryTab(key="", label="", current=not category)] + [
        CategoryTab(key=key, label=str(CATEGORIES[key]), current=key == category)
        for key in categories_in_use()
    ]
    return InboxPage(
        messages=[message_view(m) for m in page.rows],
        tabs=tabs,
        category=category,
        unread=unread,
        newer_cursor=page.newer_cursor,
        older_cursor=page.older_cursor,
    )


def preference_cells() -> list[tuple[str, str]]:
    """The (category, channel) switches customers have: the text-message and e-mail channels of
    the optional kinds, by category (the inbox keeps every message; mandatory kinds always go
    out on all their channels)."""
    cells = {
        (kind.category, channel)
        for kind in notification_kinds()
        if kind.optional
        for channel in kind.channels
        if channel in SWITCHABLE_CHANNELS
    }
    order = list(CATEGORIES), list(CHANNELS)
    return sorted(cells, key=lambda c: (order[0].index(c[0]), order[1].index(c[1])))


def preferences_get(*, actor: Actor) -> Preferences:
    """The customer's switches and message language. Raises RecipientNotFound."""
    user_id = _own_user_id(actor)
    saved = {(p.category, p.channel): p.enabled for p in Preference.objects.filter(user_id=user_id)}
    rows: dict[str, list[tuple[str, str, bool]]] = {}
    for category, channel in preference_cells():
        on = saved.get((category, channel), preference_default(category, channel))
        rows.setdefault(category, []).append((channel, str(CHANNELS[channel]), on))
    language = Recipient.objects.filter(user_id=user_id).values_list("language", flat=True)
    return Preferences(
        rows=[
            PreferenceRow(category=c, label=str(CATEGORIES[c]), channels=cells)
            for c, cells in rows.items()
        ],
        language=language.first() or "",
        # Each language named in itself, as the language switcher does.
        languages=[
            (code, get_language_info(code)["name_local"]) for code, _n in settings.LANGUAGES
        ],
    )


def dev_emails_recent(*, limit: int = 50) -> list[DevEmailView]:
    """The latest e-mails the development sender kept, newest first, addresses masked."""
    return [
        DevEmailView(
            id=mail.id,
            to=mask("email", mail.to),
            subject=mail.subject,
            text=mail.text,
            sent_at=mail.sent_at,
        )
        for mail in DevEmail.objects.order_by("-sent_at", "-id")[:limit]
    ]


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def messages_export(*, user_id: uuid.UUID | str) -> dict:
    """Everything this module holds about a customer, for their PIPL data download."""
    messages = (
        Message.objects.filter(recipient_id=user_id)
        .prefetch_related("deliveries")
        .order_by("created_at", "id")
    )
    recipient = Recipient.objects.filter(user_id=user_id).first()
    return {
        "language": recipient.language if recipient else "",
        "preferences": [
            {"category": p.category, "channel": p.channel, "enabled": p.enabled}
            for p in Preference.objects.filter(user_id=user_id).order_by("category", "channel")
        ],
        "messages": [
            {
                "id": str(m.id),
                "kind": m.kind,
                "category": m.category,
                "title": m.title,
                "body": m.body,
                "created_at": _iso(m.created_at),
                "read_at": _iso(m.read_at),
                "deliveries": [
                    {"channel": d.channel, "status": d.status, "sent_at": _iso(d.sent_at)}
                    for d in sorted(m.deliveries.all(), key=lambda d: d.channel)
                ],
            }
            for m in messages
        ],
    }
