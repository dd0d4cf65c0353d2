from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomersConfig(AppConfig):
    name = "hujin.customers"
    label = "customers"
    verbose_name = "Customers"

    def ready(self) -> None:
        from hujin.core.events import event_subscribe
        from hujin.customers import handlers

        event_subscribe(
            "identity.customer_registered",
            handlers.on_customer_registered,
            name="customers.profile_on_signup",
        )
        event_subscribe(
            "privacy.consent_given", handlers.on_consent_given, name="customers.wallet_on_consent"
        )
        event_subscribe(
            "customers.kyc_verified", handlers.on_kyc_verified, name="customers.wallet_on_kyc"
        )
        _register_roles()
        _register_approvals()
        _register_personal_data()
        _register_ledger_owner()
        from hujin.customers import navigation

        navigation.register()


def _register_roles() -> None:
    from hujin.customers.permissions import ROLE_PERMISSIONS
    from hujin.identity.roles import register_role_permissions

    for role, permissions in ROLE_PERMISSIONS.items():
        register_role_permissions(role, permissions)


def _register_approvals() -> None:
    from hujin.core.approvals import register_approval_action
    from hujin.customers import services
    from hujin.customers.permissions import APPROVE_FREEZE, REVIEW_KYC
    from hujin.customers.services import status

    register_approval_action(
        status.FREEZE_ACTION,
        permission=APPROVE_FREEZE,
        execute=status.customer_freeze_execute,
        describe=status.customer_request_describe,
        label=_("Freeze a customer"),
    )
    register_approval_action(
        status.UNFREEZE_ACTION,
        permission=APPROVE_FREEZE,
        execute=status.customer_unfreeze_execute,
        describe=status.customer_request_describe,
        label=_("Unfreeze a customer"),
    )
    register_approval_action(
        services.OVERRIDE_ACTION,
        permission=REVIEW_KYC,
        execute=services.kyc_override_execute,
        describe=services.kyc_override_describe,
        label=_("Verify a customer the identity provider rejected"),
    )


def _register_personal_data() -> None:
    from hujin.core.personal_data import register_personal_data, register_withdrawal_guard
    from hujin.customers import personal_data

    register_personal_data(
        "customers",
        export=personal_data.customer_data_export,
        anonymise=personal_data.customer_data_anonymise,
        retention=personal_data.RETENTION,
        deletion_blocker=personal_data.customer_deletion_blocker,
    )
    register_withdrawal_guard("service_agreement", personal_data.service_agreement_withdrawal_guard)


def _register_ledger_owner() -> None:
    from hujin.customers.selectors import ledger_readable_owners
    from hujin.ledger.selectors import readable_owners_register

    # The ledger's reads show a customer their own accounts, and staff who may view customers
    # every customer's (never the house's), as this answers.
    readable_owners_register(ledger_readable_owners)

    # The console names customers where other modules show them: the owner of a ledger
    # account, the object and action of an audit entry or approval request (masked, linked).
    from hujin.customers import console_names

    console_names.register()
