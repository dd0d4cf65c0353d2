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
        from hujin.compliance import navigation

        navigation.register()
