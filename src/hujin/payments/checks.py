"""Start-up checks (``hujin check``, and every ``runserver``/``serve``)."""

from django.conf import settings
from django.core.checks import Error, Warning, register
from django.utils.module_loading import import_string

from hujin.payments.channels import DEFAULT_CHANNEL


@register()
def payment_channel_check(app_configs=None, **kwargs):
    """Production should name a real payment channel: the sandbox verifies no card, and it
    refuses to run there (binding a card fails). A warning, not an error: the rest of Hujin
    runs without a payment channel."""
    path = getattr(settings, "HUJIN_PAYMENTS_CHANNEL", "") or DEFAULT_CHANNEL
    try:
        channel_class = import_string(path)
    except ImportError:
        return [Error(f"HUJIN_PAYMENTS_CHANNEL={path} cannot be imported", id="payments.E001")]
    if settings.PROD and getattr(channel_class, "development_only", False):
        return [
            Warning(
                f"HUJIN_PAYMENTS_CHANNEL={path} is for development only (it verifies no card "
                "with a bank and keeps its codes in the database): binding a card is refused",
                hint="Set HUJIN_PAYMENTS_CHANNEL to your payment channel's adapter.",
                id="payments.W001",
            )
        ]
    return []
