from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "hujin.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        from hujin.identity.roles import register_role_permissions
        from hujin.privacy.parts import register_default_parts
        from hujin.privacy.permissions import ROLE_PERMISSIONS

        for role, permissions in ROLE_PERMISSIONS.items():
            register_role_permissions(role, permissions)
        register_default_parts()
        from hujin.core.reference_data import keep_reference_data
        from hujin.privacy.migrations._seed_documents import seed

        keep_reference_data(self, "ConsentDocument", seed)
