from django.apps import AppConfig


class PrivacyConfig(AppConfig):
    name = "hujin.privacy"
    label = "privacy"
    verbose_name = "Privacy"
