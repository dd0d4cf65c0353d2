from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "hujin.ledger"
    label = "ledger"
    verbose_name = "Ledger"
