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
