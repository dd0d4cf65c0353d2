from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hujin.web"
    label = "web"
    verbose_name = "Web shell"
