from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "hujin.core"
    label = "core"
    verbose_name = "Core"
