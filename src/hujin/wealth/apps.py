from django.apps import AppConfig


class WealthConfig(AppConfig):
    name = "hujin.wealth"
    label = "wealth"
    verbose_name = "Wealth"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from hujin.core.personal_data import register_personal_data
        from hujin.wealth import personal_data

        register_personal_data(
            "wealth",
            export=personal_data.wealth_export,
            anonymise=personal_data.wealth_anonymise,
            retention=personal_data.RETENTION,
        )
        from hujin.wealth import navigation

        navigation.register()

        from hujin.core.cob import register_cob_step
        from hujin.core.cob_labels import cob_step_label_register
        from hujin.wealth import cob

        for name, func in cob.STEPS.items():
            register_cob_step(name=name, order=cob.ORDER[name], func=func)
            cob_step_label_register(name, cob.STEP_LABELS[name])

        from hujin.identity.roles import register_role_permissions
        from hujin.wealth.permissions import ROLE_PERMISSIONS

        for role, permissions in ROLE_PERMISSIONS.items():
            register_role_permissions(role, permissions)
