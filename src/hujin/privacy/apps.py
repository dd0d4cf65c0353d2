from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PrivacyConfig(AppConfig):
    name = "hujin.privacy"
    label = "privacy"
    verbose_name = "Privacy"

    def ready(self):
        from hujin.identity.roles import register_role_permissions
        from hujin.privacy.parts import register_default_parts
        from hujin.privacy.permissions import ROLE_PERMISSIONS

        for role, permissions in ROLE_PERMISSIONS.items():
            register_role_permissions(role, permissions)
        register_default_parts()
        post_migrate.connect(_reference_data_present, sender=self)


def _reference_data_present(sender, using="default", apps=None, **kwargs):
    """The default consentdocument ships with a data migration; a database flush (tests, a reset)
    deletes it, and Django runs post_migrate after a flush too: put it back when it is missing."""
    from hujin.privacy.migrations import _seed_documents

    if apps is None:  # a flush sends the signal without the migration state
        from django.apps import apps
    model = apps.get_model("privacy", "ConsentDocument")
    if not model.objects.using(using).exists():
        _seed_documents.seed(apps, None)
