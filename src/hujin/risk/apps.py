from django.apps import AppConfig


class RiskConfig(AppConfig):
    name = "hujin.risk"
    label = "risk"
    verbose_name = "Risk and AML monitoring"

    def ready(self) -> None:
        from hujin.identity.roles import register_role_permissions
        from hujin.risk.permissions import ROLE_PERMISSIONS

        for role, permissions in ROLE_PERMISSIONS.items():
            register_role_permissions(role, permissions)
