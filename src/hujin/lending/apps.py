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
        from hujin.lending.permissions import MANAGE_LOANS
        from hujin.lending.services import servicing

        for action, execute, label in (
            (servicing.DOWNGRADE_ACTION, servicing.downgrade_execute,
             _("Downgrade a loan's classification")),
            (servicing.RESTRUCTURE_ACTION, servicing.restructure_execute,
             _("Restructure a loan")),
            (servicing.WRITE_OFF_ACTION, servicing.write_off_execute, _("Write off a loan")),
        ):  # fmt: skip
            register_approval_action(action, permission=MANAGE_LOANS, execute=execute,
                                     describe=servicing.describe, label=label)  # fmt: skip
        for event_type in ("approval.rejected", "approval.cancelled"):
            event_subscribe(event_type, products.on_admission_closed,
                            name="lending.product_admission_closed")  # fmt: skip
            event_subscribe(event_type, applications.on_application_approval_closed,
                            name="lending.application_approval_closed")  # fmt: skip

        from hujin.lending import navigation

        navigation.register()

        from hujin.core.cob import register_cob_step
        from hujin.core.cob_labels import cob_step_label_register
        from hujin.lending import cob, cob_collect

        for name, func in cob.STEPS.items():
            register_cob_step(name=name, order=cob.ORDER[name], func=func)
            cob_step_label_register(name, cob.STEP_LABELS[name])
        from hujin.lending import events, reminders

        reminders.register()
        from hujin.lending import disbursement_notices

        disbursement_notices.register()
        event_subscribe(events.LOAN_DISBURSED, disbursement_notices.on_loan_disbursed,
                        name="lending.paid_to_wallet_notice")  # fmt: skip
        event_subscribe(events.LOAN_SETTLED, reminders.on_loan_settled,
                        name="lending.settled_notice")  # fmt: skip
        for event_type in ("payments.payment_succeeded", "payments.transfer_succeeded"):
            event_subscribe(event_type, cob_collect.on_money_arrived,
                            name="lending.collect_on_arrival")  # fmt: skip

        from hujin.identity.roles import register_role_permissions
        from hujin.lending.permissions import ROLE_PERMISSIONS

        for role, permissions in ROLE_PERMISSIONS.items():
            register_role_permissions(role, permissions)
