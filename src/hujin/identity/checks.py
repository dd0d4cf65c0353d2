"""Start-up checks (``hujin check``, and every ``runserver``/``serve``)."""

from django.core.checks import Error, register

from hujin.core.adapter_checks import adapter_problems


@register()
def sms_sender_check(app_configs=None, **kwargs):
    """Production must name a real SMS provider: the development senders keep codes in the DB."""
    return adapter_problems(
        "HUJIN_SMS_SENDER", "hujin.identity.sms.DevSmsSender", app="identity",
        not_importable_id="E001", in_prod=Error, in_prod_id="E002",
        why="it keeps text messages, codes included, in the database",
        provider="your SMS provider",
    )  # fmt: skip
