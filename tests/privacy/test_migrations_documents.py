"""The documents the data migrations publish: version 1 of each, in both languages."""

import pytest

from hujin.privacy.models import ConsentDocument

pytestmark = pytest.mark.django_db


def test_every_document_is_published_as_version_1():
    assert sorted(ConsentDocument.objects.values_list("kind", "version")) == [
        ("credit_check", 1),
        ("privacy_policy", 1),
        ("service_agreement", 1),
    ]


@pytest.mark.parametrize("kind", ["privacy_policy", "service_agreement", "credit_check"])
def test_each_has_title_body_and_withdrawal_consequence_in_both_languages(kind):
    document = ConsentDocument.objects.get(kind=kind)

    for field in ("title", "body", "withdrawal_consequence"):
        assert getattr(document, f"{field}_en").strip()
        assert getattr(document, f"{field}_zh").strip()
    assert len(document.body_en) > 1000 and len(document.body_zh) > 300


def test_the_privacy_policy_names_the_rights_and_the_answer_time():
    policy = ConsentDocument.objects.get(kind="privacy_policy")

    assert "arts. 44–47" in policy.body_en and "15 days" in policy.body_en
    assert "第四十四条至第四十七条" in policy.body_zh and "15 日" in policy.body_zh
