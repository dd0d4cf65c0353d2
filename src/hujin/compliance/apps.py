from django.apps import AppConfig


class ComplianceConfig(AppConfig):
    name = "hujin.compliance"
    label = "compliance"
    verbose_name = "Compliance"
