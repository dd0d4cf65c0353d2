from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "hujin.identity"
    label = "identity"
    verbose_name = "Identity"

    def ready(self):
        from hujin.identity import checks  # noqa: F401 -- registers the start-up checks
