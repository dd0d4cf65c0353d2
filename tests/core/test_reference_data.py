"""Reference rows shipped by data migrations come back after a flush (post_migrate)."""

from django.core.management.sql import emit_post_migrate_signal

from hujin.privacy.models import ConsentDocument
from hujin.suitability.models import Questionnaire


def test_a_flush_that_removed_the_reference_rows_is_followed_by_their_return(db):
    Questionnaire.objects.all().delete()
    ConsentDocument.objects.all().delete()

    emit_post_migrate_signal(0, False, "default")

    assert Questionnaire.objects.filter(status="active").count() == 1
    assert set(ConsentDocument.objects.values_list("kind", flat=True)) == {
        "privacy_policy",
        "service_agreement",
    }
