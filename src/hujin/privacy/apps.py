from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "hujin.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        from hujin.identity.roles import register_role_permissions
        from hujin.privacy.permissions import ROLE_PERMISSIONS

        for role, permissions in ROLE_PERMISSIONS.items():
            register_role_permissions(role, permissions)
        _register_personal_data()
        from hujin.privacy import navigation

        navigation.register()
        from hujin.core.reference_data import keep_reference_data
        from hujin.privacy.migrations._seed_documents import seed

        keep_reference_data(self, "ConsentDocument", seed)


def _register_personal_data() -> None:
    from hujin.core.personal_data import register_personal_data
    from hujin.privacy import personal_data

    register_personal_data(
        "privacy",
        export=personal_data.privacy_export,
        anonymise=personal_data.privacy_anonymise,
        retention=personal_data.RETENTION,
    )
