from django.apps import AppConfig


class SuitabilityConfig(AppConfig):
    name = "hujin.suitability"
    label = "suitability"
    verbose_name = "Suitability"

    def ready(self):
        from hujin.identity.roles import register_role_permissions
        from hujin.suitability.permissions import ROLE_PERMISSIONS

        for role, permissions in ROLE_PERMISSIONS.items():
            register_role_permissions(role, permissions)
