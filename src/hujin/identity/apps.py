from django.apps import AppConfig


class IdentityConfig(AppConfig):
    name = "hujin.identity"
    label = "identity"
    verbose_name = "Identity"
