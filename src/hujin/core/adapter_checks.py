"""The start-up check every adapter setting gets (``hujin check``): the dotted path a setting
names must import, and a development-only adapter (a class with ``development_only = True``,
such as a sandbox or an outbox kept in the database) is flagged in production.

    @register()
    def sms_sender_check(app_configs=None, **kwargs):
        return adapter_problems(
            "HUJIN_SMS_SENDER", DEFAULT, app="identity", not_importable_id="E001",
            in_prod=Error, in_prod_id="E002", why="it keeps text messages in the database",
            provider="your SMS provider",
        )
"""

from django.conf import settings
from django.core.checks import CheckMessage, Error
from django.utils.module_loading import import_string


def adapter_problems(
    setting: str,
    default: str,
    *,
    app: str,
    not_importable_id: str,
    in_prod: type[CheckMessage],
    in_prod_id: str,
    why: str,
    provider: str,
) -> list[CheckMessage]:
    path = getattr(settings, setting, "") or default
    try:
        adapter = import_string(path)
    except ImportError:
        return [Error(f"{setting}={path} cannot be imported", id=f"{app}.{not_importable_id}")]
    if settings.PROD and getattr(adapter, "development_only", False):
        return [
            in_prod(
                f"{setting}={path} is for development only ({why})",
                hint=f"Set {setting} to {provider}'s adapter.",
                id=f"{app}.{in_prod_id}",
            )
        ]
    return []
