from django.apps import AppConfig


class SuitabilityConfig(AppConfig):
    name = "hujin.suitability"
    label = "suitability"
    verbose_name = "Suitability"
