"""The notifications module's writes (its public face, with ``selectors``, ``types``,
``errors`` and ``events``): sending a message, a customer reading theirs and choosing what
reaches them, the registry of kinds and the hooks of the channels.

Other modules import from here: ``from hujin.notifications.services import notification_send``.
"""

from hujin.notifications.channels import email_address_resolver_set, sms_transport_set
from hujin.notifications.kinds import notification_kind_register
from hujin.notifications.services.inbox import (
    message_open,
    messages_mark_all_read,
    preferences_set,
)
from hujin.notifications.services.send import (
    deliveries_send,
    delivery_requester_set,
    notification_send,
)

__all__ = [
    "deliveries_send",
    "delivery_requester_set",
    "email_address_resolver_set",
    "message_open",
    "messages_mark_all_read",
    "notification_kind_register",
    "notification_send",
    "preferences_set",
    "sms_transport_set",
]
