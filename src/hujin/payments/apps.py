from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "hujin.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from django.utils.translation import pgettext_lazy

        from hujin.core.cob import register_cob_step
        from hujin.core.statuses import (
            TONE_MUTED,
            TONE_SUCCESS,
            TONE_WARNING,
            status_register,
        )
        from hujin.payments import (
            checks,  # noqa: F401 -- registers the start-up checks
            navigation,
            notices,
            portal_next,
            tasks,
        )
        from hujin.payments.types import (
            CARD_PENDING,
            CARD_UNBOUND,
            PAYMENT_CREATED,
            PAYMENT_SUCCEEDED,
            PAYMENT_UNKNOWN,
        )

        status_register(CARD_PENDING, pgettext_lazy("status", "Waiting for the code"), TONE_WARNING)
        status_register(CARD_UNBOUND, pgettext_lazy("status", "Unbound"), TONE_MUTED)
        status_register(PAYMENT_CREATED, pgettext_lazy("status", "Created"), TONE_MUTED)
        status_register(PAYMENT_SUCCEEDED, pgettext_lazy("status", "Succeeded"), TONE_SUCCESS)
        status_register(PAYMENT_UNKNOWN, pgettext_lazy("status", "Being checked"), TONE_WARNING)
        # Before the ledger expires holds (order 100): a payment the channel settled is posted.
        register_cob_step(name="payments.resolve_unknown", order=90, func=tasks.cob_resolve_unknown)
        notices.register()
        portal_next.register()
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
