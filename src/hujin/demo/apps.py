from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "hujin.demo"
    label = "demo"
    verbose_name = "Demo data"
