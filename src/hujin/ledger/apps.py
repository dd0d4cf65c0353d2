from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "hujin.ledger"
    label = "ledger"
    verbose_name = "Ledger"

    def ready(self) -> None:
        from hujin.ledger.page_names import register_target_types

        register_target_types()  # the audit trail and approvals name the ledger's objects
        from hujin.core.cob import register_cob_step
        from hujin.ledger import tasks

        register_cob_step(name="ledger.expire_pending", order=100, func=tasks.cob_expire_pending)
        from hujin.ledger import navigation

        navigation.register()
