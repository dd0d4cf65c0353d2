"""Start-up checks (``hujin check``, and every ``runserver``/``serve``)."""

from django.conf import settings
from django.core.checks import Error, register
from django.utils.module_loading import import_string


@register()
def sms_sender_check(app_configs=None, **kwargs):
    """Production must name a real SMS provider: the development senders keep codes in the DB."""
    path = getattr(settings, "HUJIN_SMS_SENDER", "") or "hujin.identity.sms.DevSmsSender"
    try:
        sender_class = import_string(path)
    except ImportError:
        return [Error(f"HUJIN_SMS_SENDER={path} cannot be imported", id="identity.E001")]
    if settings.PROD and getattr(sender_class, "development_only", False):
        return [
            Error(
                f"HUJIN_SMS_SENDER={path} is for development only (it keeps text messages, "
                "codes included, in the database)",
                hint="Set HUJIN_SMS_SENDER to your SMS provider's adapter.",
                id="identity.E002",
            )
        ]
    return []
