"""What the notifications module's services and selectors take and return (public).

Categories group the kinds of message for the customer (the inbox's tabs, the preferences page);
channels are how a message reaches them. The inbox is every message's channel; text messages and
e-mail are extra channels a kind asks for.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import pgettext_lazy

CATEGORY_ACCOUNT = "account"
CATEGORY_SECURITY = "security"
CATEGORY_MONEY = "money"
CATEGORY_SERVICE = "service"
CATEGORY_MARKETING = "marketing"
CATEGORIES: dict[str, Promise] = {
    CATEGORY_ACCOUNT: pgettext_lazy("message category", "Account"),
    CATEGORY_SECURITY: pgettext_lazy("message category", "Security"),
    CATEGORY_MONEY: pgettext_lazy("message category", "Money"),
    CATEGORY_SERVICE: pgettext_lazy("message category", "Service"),
    CATEGORY_MARKETING: pgettext_lazy("message category", "Offers"),
}

CHANNEL_INBOX = "inbox"
CHANNEL_SMS = "sms"
CHANNEL_EMAIL = "email"
CHANNELS: dict[str, Promise] = {
    CHANNEL_INBOX: pgettext_lazy("message channel", "Message centre"),
    CHANNEL_SMS: pgettext_lazy("message channel", "Text message"),
    CHANNEL_EMAIL: pgettext_lazy("message channel", "E-mail"),
}
# The channels a customer may switch off for a category (the inbox keeps every message).
SWITCHABLE_CHANNELS = (CHANNEL_SMS, CHANNEL_EMAIL)

# A delivery's state (the shared status vocabulary: pending, failed; sent and skipped are ours).
DELIVERY_PENDING = "pending"
DELIVERY_SENT = "sent"
DELIVERY_FAILED = "failed"
DELIVERY_SKIPPED = "skipped"
DELIVERY_STATUSES = (DELIVERY_PENDING, DELIVERY_SENT, DELIVERY_FAILED, DELIVERY_SKIPPED)

# Why a delivery was skipped (Delivery.error; a failure keeps the adapter's error code there):
# codes, never personal data.
SKIPPED_BY_PREFERENCE = "preference"
SKIPPED_NO_TRANSPORT = "no_transport"
SKIPPED_NO_ADDRESS = "no_address"


@dataclass(frozen=True, slots=True)
class SentMessage:
    """What ``notification_send`` did: the message and each channel's delivery state.

    ``created`` is False when the dedupe key had already sent it (nothing new was written)."""

    message_id: uuid.UUID
    created: bool
    deliveries: dict[str, str]  # channel -> DELIVERY_* state


@dataclass(frozen=True, slots=True)
class DeliveryView:
    channel: str
    channel_label: str
    status: str
    error: str  # why it was skipped or failed: a code (SKIPPED_*, an adapter's error)
    sent_at: datetime | None


@dataclass(frozen=True, slots=True)
class MessageView:
    id: uuid.UUID
    kind: str
    category: str
    category_label: str
    title: str
    body: str
    link_url: str  # "" when the message links nowhere (or its page is not mounted)
    created_at: datetime
    read_at: datetime | None
    deliveries: list[DeliveryView] = field(default_factory=list)

    @property
    def unread(self) -> bool:
        return self.read_at is None


@dataclass(frozen=True, slots=True)
class CategoryTab:
    key: str  # "" for all categories
    label: str
    current: bool


@dataclass(frozen=True, slots=True)
class InboxPage:
    messages: list[MessageView]
    tabs: list[CategoryTab]
    category: str
    unread: int
    newer_cursor: str | None  # pass as ?after= for newer messages
    older_cursor: str | None  # pass as ?before= for older messages


@dataclass(frozen=True, slots=True)
class PreferenceRow:
    """One category's switches: channel -> on, for the channels its optional kinds use."""

    category: str
    label: str
    channels: list[tuple[str, str, bool]]  # (channel, label, on)


@dataclass(frozen=True, slots=True)
class Preferences:
    rows: list[PreferenceRow]
    language: str  # "" until the customer chooses one
    languages: list[tuple[str, str]]


@dataclass(frozen=True, slots=True)
class DevEmailView:
    id: uuid.UUID
    to: str  # masked
    subject: str
    text: str
    sent_at: datetime
