from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "hujin.payments"
    label = "payments"
    verbose_name = "Payments"

    def ready(self) -> None:
        from django.utils.translation import pgettext_lazy

        from hujin.core.cob import register_cob_step
        from hujin.core.screening import movement_screen_register
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
            PAYMENT_REVIEW,
            PAYMENT_SUCCEEDED,
            PAYMENT_UNKNOWN,
        )

        status_register(CARD_PENDING, pgettext_lazy("status", "Waiting for the code"), TONE_WARNING)
        status_register(CARD_UNBOUND, pgettext_lazy("status", "Unbound"), TONE_MUTED)
        status_register(PAYMENT_CREATED, pgettext_lazy("status", "Created"), TONE_MUTED)
        status_register(PAYMENT_SUCCEEDED, pgettext_lazy("status", "Succeeded"), TONE_SUCCESS)
        status_register(PAYMENT_UNKNOWN, pgettext_lazy("status", "Being checked"), TONE_WARNING)
        status_register(PAYMENT_REVIEW, pgettext_lazy("status", "Under review"), TONE_WARNING)
        # Limits are the first screen every movement passes (hujin.core.screening).
        from hujin.payments.services.limits import SCREEN, limits_screen

        movement_screen_register(SCREEN, limits_screen, order=10)
        # What became of a screened movement, for risk's reports (hujin.core.screening).
        from hujin.core.screening import movement_outcomes_register
        from hujin.payments.outcomes import payments_outcomes

        movement_outcomes_register("payments", payments_outcomes)
        _keep_rules()
        # Before the ledger expires holds (order 100): a payment the channel settled is posted.
        register_cob_step(name="payments.resolve_unknown", order=90, func=tasks.cob_resolve_unknown)
        notices.register()
        portal_next.register()
        _register_roles()
        _register_personal_data()
        _register_reconciliation()
        navigation.register()


def _keep_rules() -> None:
    """The seeded limits, fees and channel come back after a flush (tests between transactional
    cases)."""
    import importlib

    from django.apps import apps

    from hujin.core.reference_data import keep_reference_data

    seed = importlib.import_module("hujin.payments.migrations.0004_limits_fees").rules_seed
    keep_reference_data(apps.get_app_config("payments"), "LimitRule", seed)
    seed = importlib.import_module("hujin.payments.migrations.0006_channels").channel_seed
    keep_reference_data(apps.get_app_config("payments"), "PaymentChannel", seed)
    from django.db.models.signals import post_migrate

    from hujin.payments.services.house import forget_opened

    # A flush (tests between transactional cases) empties the ledger: forget its house accounts.
    post_migrate.connect(forget_opened, sender=apps.get_app_config("payments"), weak=False)


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


def _register_reconciliation() -> None:
    from django.utils.translation import gettext_lazy as _
    from django.utils.translation import pgettext_lazy

    from hujin.core.approvals import register_approval_action
    from hujin.core.cob import register_cob_step
    from hujin.core.statuses import TONE_DANGER, TONE_SUCCESS, TONE_WARNING, status_register
    from hujin.payments.permissions import RESOLVE_BREAKS
    from hujin.payments.reconciliation import resolution, runs, values

    # After the recovery of unanswered payments (90): the closing day against the channel's file.
    register_cob_step(name="payments.reconcile", order=95, func=runs.cob_reconcile)
    register_approval_action(
        resolution.RESOLVE_ACTION, permission=RESOLVE_BREAKS,
        execute=resolution.break_resolve_execute, describe=resolution.break_request_describe,
        label=_("Resolve a reconciliation break"),
    )  # fmt: skip
    for key, label, tone in (
        (values.RUN_RECONCILED, pgettext_lazy("status", "Reconciled"), TONE_SUCCESS),
        (values.RUN_WITH_BREAKS, pgettext_lazy("status", "Breaks found"), TONE_WARNING),
        (values.RUN_INCOMPLETE_BADGE, pgettext_lazy("status", "Incomplete"), TONE_DANGER),
        (values.BREAK_UNRESOLVED, pgettext_lazy("status", "Unresolved"), TONE_DANGER),
        (values.BREAK_WAITING, pgettext_lazy("status", "Waiting for a checker"), TONE_WARNING),
        (values.BREAK_DONE, pgettext_lazy("status", "Resolved"), TONE_SUCCESS),
    ):
        status_register(key, label, tone)
