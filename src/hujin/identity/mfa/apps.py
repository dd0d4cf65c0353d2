from django.apps import AppConfig


class MfaConfig(AppConfig):
    name = "hujin.identity.mfa"
    label = "mfa"
    verbose_name = "Multi-factor authentication"
