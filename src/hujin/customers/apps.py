from django.apps import AppConfig


class CustomersConfig(AppConfig):
    name = "hujin.customers"
    label = "customers"
    verbose_name = "Customers"
