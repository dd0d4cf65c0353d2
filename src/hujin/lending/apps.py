from django.apps import AppConfig


class LendingConfig(AppConfig):
    name = "hujin.lending"
    label = "lending"
    verbose_name = "Lending"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.utils.translation import gettext_lazy as _

        from hujin.core.approvals import register_approval_action
        from hujin.core.events import event_subscribe
        from hujin.lending.permissions import DECIDE_APPLICATIONS, REVIEW_PRODUCTS
        from hujin.lending.services import applications, products

        register_approval_action(
            products.ADMIT_ACTION,
            permission=REVIEW_PRODUCTS,
            execute=products.product_admit_execute,
            describe=products.product_admit_describe,
            label=_("Admit a loan product"),
        )
        register_approval_action(
            applications.APPROVE_ACTION,
            permission=DECIDE_APPLICATIONS,
            execute=applications.application_approve_execute,
            describe=applications.application_approve_describe,
            label=_("Approve a large loan application"),
        )
        for event_type in ("approval.rejected", "approval.cancelled"):
            event_subscribe(event_type, products.on_admission_closed,
                            name="lending.product_admission_closed")  # fmt: skip
            event_subscribe(event_type, applications.on_application_approval_closed,
                            name="lending.application_approval_closed")  # fmt: skip

        from hujin.identity.roles import register_role_permissions
        from hujin.lending.permissions import ROLE_PERMISSIONS

        for role, permissions in ROLE_PERMISSIONS.items():
            register_role_permissions(role, permissions)
