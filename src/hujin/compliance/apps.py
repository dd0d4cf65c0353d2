from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "hujin.compliance"
    label = "compliance"
    verbose_name = "Compliance"

    def ready(self) -> None:
        from hujin.compliance import names
        from hujin.identity import roles

        names.register_target_types()  # approval requests and deliveries, named and linked

        # The event-deliveries page (dead letters): those who run the platform.
        for role in (roles.OPERATIONS, roles.ADMINISTRATOR):
            roles.register_role_permissions(role, ["core.manage_events"])
        # The close-of-business pages: read-only, for who runs the business day and who reads
        # everything (not core.manage_events: that one retries and discards deliveries).
        for role in (roles.OPERATIONS, roles.AUDITOR, roles.ADMINISTRATOR):
            roles.register_role_permissions(role, ["core.view_cobrun"])
        from django.utils.translation import pgettext_lazy

        from hujin.compliance import cob_names
        from hujin.core.statuses import TONE_INFO, TONE_SUCCESS, status_register

        status_register("running", pgettext_lazy("status", "Running"), TONE_INFO)
        status_register("done", pgettext_lazy("status", "Done"), TONE_SUCCESS)
        cob_names.register()  # the steps' names for people
        from hujin.compliance import navigation

        navigation.register()
