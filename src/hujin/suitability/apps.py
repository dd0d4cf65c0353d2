from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SuitabilityConfig(AppConfig):
    name = "hujin.suitability"
    label = "suitability"
    verbose_name = "Suitability"

    def ready(self):
        from hujin.identity.roles import register_role_permissions
        from hujin.suitability.permissions import ROLE_PERMISSIONS

        for role, permissions in ROLE_PERMISSIONS.items():
            register_role_permissions(role, permissions)
        post_migrate.connect(_reference_data_present, sender=self)


def _reference_data_present(sender, using="default", apps=None, **kwargs):
    """The default questionnaire ships with a data migration; a database flush (tests, a reset)
    deletes it, and Django runs post_migrate after a flush too: put it back when it is missing."""
    from hujin.suitability.migrations import _seed_v1

    if apps is None:  # a flush sends the signal without the migration state
        from django.apps import apps
    model = apps.get_model("suitability", "Questionnaire")
    if not model.objects.using(using).exists():
        _seed_v1.seed(apps, None)
