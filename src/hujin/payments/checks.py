"""Start-up checks (``hujin check``, and every ``runserver``/``serve``)."""

from django.conf import settings
from django.core.checks import Warning, register
from django.utils.module_loading import import_string

from hujin.core.adapter_checks import adapter_problems
from hujin.payments.channels import DEFAULT_CHANNEL


@register()
def payment_channel_check(app_configs=None, **kwargs):
    """Production should name a real payment channel: the sandbox verifies no card, and it
    refuses to run there (binding a card fails). A warning, not an error: the rest of Hujin
    runs without a payment channel."""
    return adapter_problems(
        "HUJIN_PAYMENTS_CHANNEL", DEFAULT_CHANNEL, app="payments",
        not_importable_id="E001", in_prod=Warning, in_prod_id="W001",
        why="it verifies no card with a bank and keeps its codes in the database: binding a card "
        "is refused",
        provider="your payment channel",
    )  # fmt: skip


@register()
def payment_channel_secret_check(app_configs=None, **kwargs):
    """Production needs the channel's callback secret: without it every callback is refused and
    payments wait for the recovery job's queries."""
    path = getattr(settings, "HUJIN_PAYMENTS_CHANNEL", "") or DEFAULT_CHANNEL
    try:
        channel_class = import_string(path)
    except ImportError:
        return []  # payments.E001 says so
    if not settings.PROD or getattr(channel_class, "development_only", False):
        return []
    secrets = getattr(settings, "HUJIN_PAYMENTS_CHANNEL_SECRETS", None) or {}
    name = getattr(channel_class, "name", "")
    if secrets.get(name):
        return []
    return [
        Warning(
            f"HUJIN_PAYMENTS_CHANNEL_SECRETS has no secret for the payment channel {name!r}: "
            "its signed callbacks cannot be verified and are refused",
            hint="Set HUJIN_PAYMENTS_CHANNEL_SECRETS to a JSON object, channel name → secret.",
            id="payments.W002",
        )
    ]
