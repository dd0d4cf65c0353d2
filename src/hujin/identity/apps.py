from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "hujin.identity"
    label = "identity"
    verbose_name = "Identity"

    def ready(self):
        from hujin.identity import checks  # noqa: F401 -- registers the start-up checks

        _register_personal_data()
        from hujin.identity import navigation

        navigation.register()


def _register_personal_data() -> None:
    from hujin.core.personal_data import register_personal_data
    from hujin.identity import personal_data

    register_personal_data(
        "identity",
        export=personal_data.identity_export,
        anonymise=personal_data.user_anonymise,
        retention=personal_data.RETENTION,
    )
