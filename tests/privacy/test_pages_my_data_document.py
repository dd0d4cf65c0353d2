"""'Download my data' as a page to read: the same export as the JSON file, in sections and in the
customer's language, downloaded as hujin-my-data-<date>.html and audited like the JSON."""

import re

import pytest
from django.utils import timezone

from hujin.core.dates import business_time_zone
from hujin.core.models import AuditEntry
from hujin.customers.services import kyc_submit
from hujin.privacy.models import DataSubjectRequest
from hujin.privacy.services import consent_accept
from hujin.suitability.services import assessment_submit
from tests.customers.conftest import resident_id
from tests.privacy.test_pages_privacy import ZH, text
from tests.suitability.conftest import answers

pytestmark = pytest.mark.django_db

DOWNLOAD = "/privacy/my-data/download/"
NUMBER = resident_id("330106", "19920202", "468")
SECTIONS = ("profile", "verification", "risk", "consents", "requests", "sessions", "security")


@pytest.fixture
def known_customer(customer, customer_actor, privacy_policy_v1, settings):
    """The customer with a mobile number, a verification, a risk assessment and a consent."""
    settings.HUJIN_IDENTITY_PROVIDER = "hujin.customers.providers.ManualReviewProvider"
    now = timezone.now()
    customer.mobile = "+8613912345678"
    customer.save()
    kyc_submit(user_id=customer.pk, document_type="resident_id", document_number=NUMBER,
               legal_name="张伟", actor=customer_actor, now=now)  # fmt: skip
    assessment_submit(user_id=customer.pk, answers=answers(), actor=customer_actor, now=now)
    consent_accept(user_id=customer.pk, document_id=privacy_policy_v1, channel="web",
                   ip="203.0.113.7", actor=customer_actor, now=now)  # fmt: skip
    return customer


def download(client, **headers):
    response = client.post(DOWNLOAD, {"format": "html"}, headers=headers)
    assert response.status_code == 200
    return response


class TestTheReadableDownload:
    def test_is_an_html_file_named_by_the_day(self, customer_client, known_customer):
        response = download(customer_client)

        day = timezone.localtime(timezone.now(), business_time_zone()).date()
        assert response["Content-Type"] == "text/html; charset=utf-8"
        assert response["Content-Disposition"] == (
            f'attachment; filename="hujin-my-data-{day:%Y-%m-%d}.html"'
        )

    def test_carries_its_stylesheet_and_fetches_nothing_when_opened_later(
        self, customer_client, known_customer
    ):
        html = download(customer_client).content.decode()

        assert "<style>" in html and ".amount" in html
        assert "<link" not in html and "http://" not in html.split("<body")[0]

    def test_has_every_section_and_the_data_in_them(self, customer_client, known_customer):
        response = download(customer_client)

        html = response.content.decode()
        for section in SECTIONS:
            assert f'<section id="{section}"' in html
        page = text(response)
        assert "Profile" in page and "Identity verification" in page and "Risk profile" in page
        assert "Consents" in page and "Login devices" in page
        assert "张伟" in page and "Mainland resident identity card" in page
        assert "Privacy policy" in page and "203.0.113.7" in page
        assert 'data-status="needs_review"' in html
        assert "<script" not in html and "style=" not in html

    def test_shows_the_customers_own_data_as_the_json_does(self, customer_client, known_customer):
        json_data = customer_client.post(DOWNLOAD).json()
        page = text(download(customer_client))

        application = json_data["parts"]["customers"]["verification_applications"][0]
        assert application["document_number"] == NUMBER  # unmasked for the customer...
        assert NUMBER in page  # ...and so in the page
        assert json_data["parts"]["identity"]["mobile"] in page

    def test_shows_moments_in_the_business_time_zone(self, customer_client, known_customer):
        page = text(download(customer_client))

        assert re.search(r"Accepted.*\d{4}-\d{2}-\d{2} \d{2}:\d{2}", page)
        assert "+00:00" not in page

    def test_is_audited_like_the_json_download(self, customer_client, known_customer):
        download(customer_client)

        assert AuditEntry.objects.filter(action="privacy.data_exported").count() == 1
        access = DataSubjectRequest.objects.get(user=known_customer, kind="access")
        assert access.status == "completed"

    def test_is_in_chinese_for_a_chinese_browser(self, customer_client, known_customer):
        page = text(download(customer_client, **ZH))

        assert "我的数据" in page and "个人资料" in page and "风险测评" in page
        assert "登录设备" in page and "居民身份证" in page
        assert "Risk profile" not in page

    def test_needs_post(self, customer_client):
        assert customer_client.get(DOWNLOAD, {"format": "html"}).status_code == 405


def test_the_my_data_page_offers_both_files(customer_client):
    html = customer_client.get("/privacy/my-data/").content.decode()

    assert 'name="format" value="html"' in html and 'name="format" value="json"' in html
