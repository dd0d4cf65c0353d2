"""Reference rows an app ships with a data migration (the default questionnaire, the consent
documents) must exist whenever the app's tables do.

A database flush (tests between transactional cases, a reset) deletes them, and Django sends
``post_migrate`` after a flush as after a migration: ``keep_reference_data`` puts them back then,
when the model has no row at all.
"""

from collections.abc import Callable

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def keep_reference_data(app_config: AppConfig, model_name: str, seed: Callable) -> None:
    """Call from ``AppConfig.ready()``; ``seed(apps, schema_editor)`` is the data migration's."""

    def present(sender, using="default", apps=None, **kwargs):
        if apps is None:  # a flush sends the signal without the migration state
            from django.apps import apps
        if not apps.get_model(app_config.label, model_name).objects.using(using).exists():
            seed(apps, None)

    post_migrate.connect(present, sender=app_config, weak=False)
