"""Sign-up's first step asks the visitor to agree to the service agreement and the privacy
policy (the documents privacy publishes, linked); the new customer's acceptance of exactly those
versions is recorded with the login. The code step's "send a new code" button carries the seconds
the server's resend limit still holds."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from hujin.identity.models import OtpChallenge, User
from hujin.privacy.models import ConsentDocument, ConsentRecord
from hujin.privacy.selectors import consents_outstanding
from tests.identity.test_pages_signup import choose_password, type_the_code

pytestmark = pytest.mark.django_db

SIGNUP = "/auth/signup/"


def current(kind: str) -> ConsentDocument:
    return ConsentDocument.objects.filter(kind=kind).order_by("-version").first()


def agree_and_send(client, mobile="136 0000 5678"):
    return client.post(SIGNUP, {"mobile": mobile, "terms": "on"})


class TestTheAgreementBox:
    def test_links_the_current_service_agreement_and_privacy_policy(self, client):
        page = client.get(SIGNUP).content.decode()

        assert 'type="checkbox" name="terms"' in page
        assert f'href="/privacy/documents/{current("service_agreement").id}/"' in page
        assert f'href="/privacy/documents/{current("privacy_policy").id}/"' in page
        text = re.sub(r"<[^>]+>", "", page)
        assert "I have read and agree to the Service agreement and the Privacy policy." in text

    def test_is_in_chinese_for_a_chinese_browser(self, client):
        page = client.get(SIGNUP, headers={"accept-language": "zh-hans"}).content.decode()

        text = re.sub(r"<[^>]+>", "", page)
        assert "我已阅读并同意《服务协议》和《隐私政策》。" in text

    def test_without_it_the_first_step_is_refused_with_a_clear_error_and_no_code_is_sent(
        self, client
    ):
        response = client.post(SIGNUP, {"mobile": "136 0000 5678"})

        assert response.status_code == 200
        assert (
            "To open an account, please read and agree to the service agreement and the "
            "privacy policy." in response.content.decode()
        )
        assert not OtpChallenge.objects.exists()
        assert "identity_signup" not in client.session


class TestTheNewCustomersConsents:
    def test_are_recorded_for_the_versions_shown_once_the_login_exists(self, client):
        agree_and_send(client)
        type_the_code(client)

        assert choose_password(client)["Location"] == "/me/"

        user = User.objects.get(kind=User.Kind.CUSTOMER)
        records = ConsentRecord.objects.filter(user=user)
        assert {r.document_id for r in records} == {
            current("service_agreement").id,
            current("privacy_policy").id,
        }
        assert {r.channel for r in records} == {"web"}
        assert consents_outstanding(user_id=user.pk) == []

    def test_survive_asking_for_a_new_code(self, client, monkeypatch):
        agree_and_send(client)
        later = timezone.now() + timedelta(seconds=61)
        monkeypatch.setattr(timezone, "now", lambda: later)
        client.post("/auth/signup/resend/")
        type_the_code(client)

        choose_password(client)

        assert consents_outstanding(user_id=User.objects.get(kind=User.Kind.CUSTOMER).pk) == []

    def test_a_document_updated_meanwhile_sends_the_visitor_back_to_agree_again(self, client):
        agree_and_send(client)
        type_the_code(client)
        old = current("privacy_policy")
        ConsentDocument.objects.create(
            kind="privacy_policy", version=old.version + 1, title_en="Privacy policy",
            title_zh="隐私政策", body_en="New.", body_zh="新。",
            effective_from=datetime(2026, 1, 1, tzinfo=UTC), withdrawable=old.withdrawable,
        )  # fmt: skip

        response = choose_password(client)

        assert response["Location"] == SIGNUP
        assert not User.objects.filter(kind=User.Kind.CUSTOMER).exists()
        assert "The agreements were updated" in client.get(SIGNUP).content.decode()


class TestTheResendCountdown:
    def test_the_button_carries_the_seconds_the_server_still_refuses_a_new_code(self, client):
        agree_and_send(client)

        page = client.get("/auth/signup/verify/").content.decode()

        wait = int(re.search(r'data-resend-wait="(\d+)"', page).group(1))
        assert 55 <= wait <= 60
        assert 'data-resend-label="Send again in {seconds} s"' in page

    def test_the_button_waits_no_longer_once_the_minute_is_over(self, client, monkeypatch):
        agree_and_send(client)
        later = timezone.now() + timedelta(seconds=61)
        monkeypatch.setattr(timezone, "now", lambda: later)

        page = client.get("/auth/signup/verify/").content.decode()

        assert 'data-resend-wait="0"' in page
