"""Start-up checks (``hujin check``, and every ``runserver``/``serve``)."""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.utils.module_loading import import_string

from hujin.notifications.channels import DEFAULT_EMAIL_SENDER


@register()
def email_sender_check(app_configs=None, **kwargs):
    """The e-mail adapter must import; in production the development sender is refused at each
    send (the e-mail is recorded as failed), which a deployment should know before it starts."""
    path = getattr(settings, "HUJIN_EMAIL_SENDER", "") or DEFAULT_EMAIL_SENDER
    try:
        sender_class = import_string(path)
    except ImportError:
        return [Error(f"HUJIN_EMAIL_SENDER={path} cannot be imported", id="notifications.E001")]
    if settings.PROD and getattr(sender_class, "development_only", False):
        return [
            Warning(
                f"HUJIN_EMAIL_SENDER={path} is for development only: in production every e-mail "
                "would be recorded as failed",
                hint="Set HUJIN_EMAIL_SENDER to your e-mail provider's adapter.",
                id="notifications.W001",
            )
        ]
    return []
