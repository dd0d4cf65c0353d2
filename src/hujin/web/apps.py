from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hujin.web"
    label = "web"
    verbose_name = "Web shell"

    def ready(self) -> None:
        from django.utils.translation import pgettext_lazy

        from hujin.core.navigation import ME_TAB, portal_entry_register
        from hujin.identity import roles

        portal_entry_register(
            key=ME_TAB, label=pgettext_lazy("portal tab", "Me"), url_name="web:portal_me",
            place="tab", icon="user", order=90,
        )  # fmt: skip

        # The console pages of modules below identity (which cannot import the role registry).
        ledger_readers = ["ledger.view_account", "ledger.view_transfer"]
        for role in (
            roles.OPERATIONS,
            roles.RISK_ANALYST,
            roles.COMPLIANCE_OFFICER,
            roles.AUDITOR,
            roles.ADMINISTRATOR,
        ):
            roles.register_role_permissions(role, ledger_readers)
        # The audit trail and the approvals inbox live in core.
        for role in (roles.AUDITOR, roles.COMPLIANCE_OFFICER, roles.ADMINISTRATOR):
            roles.register_role_permissions(role, ["core.view_audit"])
        for role in (
            roles.COMPLIANCE_OFFICER,
            roles.RISK_ANALYST,
            roles.OPERATIONS,
            roles.AUDITOR,
            roles.ADMINISTRATOR,
        ):
            roles.register_role_permissions(role, ["core.view_approvals"])
