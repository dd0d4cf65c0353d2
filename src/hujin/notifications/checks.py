"""Start-up checks (``hujin check``, and every ``runserver``/``serve``)."""

from django.core.checks import Warning, register

from hujin.core.adapter_checks import adapter_problems
from hujin.notifications.channels import DEFAULT_EMAIL_SENDER


@register()
def email_sender_check(app_configs=None, **kwargs):
    """The e-mail adapter must import; in production the development sender is refused at each
    send (the e-mail is recorded as failed), which a deployment should know before it starts."""
    return adapter_problems(
        "HUJIN_EMAIL_SENDER", DEFAULT_EMAIL_SENDER, app="notifications",
        not_importable_id="E001", in_prod=Warning, in_prod_id="W001",
        why="in production every e-mail would be recorded as failed",
        provider="your e-mail provider",
    )  # fmt: skip
