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
        from hujin.core.reference_data import keep_reference_data
        from hujin.suitability.migrations._seed_v1 import seed

        keep_reference_data(self, "Questionnaire", seed)
        _register_personal_data()
        from hujin.suitability import navigation

        navigation.register()


def _register_personal_data() -> None:
    from hujin.core.personal_data import register_personal_data
    from hujin.suitability import personal_data

    register_personal_data(
        "suitability",
        export=personal_data.suitability_export,
        anonymise=personal_data.suitability_anonymise,
        retention=personal_data.RETENTION,
    )
