"""How the console's audit trail names what this module records (``hujin.core.links``)."""

from django.utils.translation import pgettext_lazy

from hujin.core.links import audit_action_label_register, target_type_register
from hujin.notifications.services.send import TARGET

AUDIT_ACTION_LABELS = {
    "notifications.send": pgettext_lazy("audit action", "Message sent to a customer"),
    "notifications.deliver": pgettext_lazy("audit action", "Message delivery recorded"),
    "notifications.read": pgettext_lazy("audit action", "Message read"),
    "notifications.read_all": pgettext_lazy("audit action", "Every message marked as read"),
    "notifications.preferences_change": pgettext_lazy("audit action", "Message settings changed"),
}


def register() -> None:
    """Called from ``NotificationsConfig.ready``."""
    target_type_register(TARGET, label=pgettext_lazy("target", "Message to a customer"))
    for action, label in AUDIT_ACTION_LABELS.items():
        audit_action_label_register(action, label)
