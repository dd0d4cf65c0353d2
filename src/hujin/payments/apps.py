from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "hujin.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from django.utils.translation import pgettext_lazy

        from hujin.core.statuses import TONE_MUTED, TONE_WARNING, status_register
        from hujin.payments import (
            checks,  # noqa: F401 -- registers the start-up checks
            navigation,
            notices,
        )
        from hujin.payments.types import CARD_PENDING, CARD_UNBOUND

        status_register(CARD_PENDING, pgettext_lazy("status", "Waiting for the code"), TONE_WARNING)
        status_register(CARD_UNBOUND, pgettext_lazy("status", "Unbound"), TONE_MUTED)
        notices.register()
        _register_roles()
        _register_personal_data()
        navigation.register()


def _register_roles() -> None:
    from hujin.identity.roles import register_role_permissions
    from hujin.payments.permissions import ROLE_PERMISSIONS

    for role, permissions in ROLE_PERMISSIONS.items():
        register_role_permissions(role, permissions)


def _register_personal_data() -> None:
    from hujin.core.personal_data import register_personal_data
    from hujin.payments import personal_data

    register_personal_data(
        "payments",
        export=personal_data.payments_export,
        anonymise=personal_data.payments_anonymise,
        retention=personal_data.RETENTION,
    )
