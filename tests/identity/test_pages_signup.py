import pytest
from django.contrib.sessions.models import Session

from hujin.identity.models import SecurityEvent, User, UserSession
from tests.identity.conftest import CUSTOMER_MOBILE, sms_code

pytestmark = pytest.mark.django_db

MOBILE = "+8613600005678"
PASSWORD = "ginkgo-terrace-lamp-31"


def sign_up_to_the_code(client, mobile="136 0000 5678"):
    return client.post("/auth/signup/", {"mobile": mobile, "terms": "on"})


def type_the_code(client, mobile=MOBILE):
    return client.post("/auth/signup/verify/", {"code": sms_code(mobile, "signup")})


def choose_password(client, password=PASSWORD, again=None):
    return client.post(
        "/auth/signup/password/",
        {"password1": password, "password2": password if again is None else again},
    )


class TestSignupPages:
    def test_the_first_page_asks_for_a_mobile_number(self, client):
        response = client.get("/auth/signup/")

        content = response.content.decode()
        assert response.status_code == 200
        assert 'name="mobile"' in content
        assert "Send code" in content
        assert 'autocomplete="tel-national"' in content

    def test_the_whole_journey_creates_the_customer_and_logs_them_in(self, client):
        response = sign_up_to_the_code(client)
        assert response["Location"] == "/auth/signup/verify/"
        page = client.get("/auth/signup/verify/").content.decode()
        assert "136****5678" in page and "13600005678" not in page

        response = type_the_code(client)
        assert response["Location"] == "/auth/signup/password/"

        response = choose_password(client)
        assert response.status_code == 302
        assert response["Location"] == "/me/"
        user = User.objects.get(kind=User.Kind.CUSTOMER)
        assert user.mobile == MOBILE
        assert client.session["_auth_user_id"] == str(user.pk)
        assert UserSession.objects.filter(user=user).count() == 1
        # The first session sets the baseline: no "new device" alarm for it.
        assert not SecurityEvent.objects.exists()

    def test_the_pages_in_chinese(self, client):
        client.cookies["django_language"] = "zh-hans"
        page = client.get("/auth/signup/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()

        assert "发送验证码" in page
        assert "手机号码" in page

    def test_an_invalid_number_is_shown_on_the_form_and_changes_nothing(self, client):
        response = sign_up_to_the_code(client, mobile="12345")

        assert response.status_code == 200
        assert "Enter a valid mainland China mobile number" in response.content.decode()
        assert "identity_signup" not in client.session

    def test_asking_again_within_a_minute_says_how_long_to_wait(self, client):
        sign_up_to_the_code(client)

        response = sign_up_to_the_code(client)

        assert response.status_code == 429
        assert "You can ask for another in" in response.content.decode()

    def test_a_wrong_code_is_explained_on_the_page(self, client):
        sign_up_to_the_code(client)
        code = sms_code(MOBILE, "signup")

        response = client.post(
            "/auth/signup/verify/", {"code": "000000" if code != "000000" else "111111"}
        )

        assert response.status_code == 200
        assert "That code is not right" in response.content.decode()

    def test_the_password_page_needs_a_verified_code(self, client):
        sign_up_to_the_code(client)

        assert client.get("/auth/signup/password/")["Location"] == "/auth/signup/"

    def test_the_code_page_needs_a_number_first(self, client):
        assert client.get("/auth/signup/verify/")["Location"] == "/auth/signup/"

    def test_a_weak_password_is_explained_and_the_customer_can_try_again(self, client):
        sign_up_to_the_code(client)
        type_the_code(client)

        response = choose_password(client, password="13600005678a")
        assert response.status_code == 200
        assert "cannot contain your mobile number" in response.content.decode()
        response = choose_password(client, password=PASSWORD, again="different-one-22")
        assert "The two passwords are not the same." in response.content.decode()

        assert choose_password(client).status_code == 302

    def test_a_registered_number_is_sent_to_log_in_after_the_code(
        self, client, registered_customer
    ):
        client.post("/auth/signup/", {"mobile": CUSTOMER_MOBILE, "terms": "on"})

        response = type_the_code(client, mobile=CUSTOMER_MOBILE)

        assert response["Location"] == "/auth/signin/"
        page = client.get("/auth/signin/").content.decode()
        assert "already has an account" in page

    def test_a_new_code_can_be_asked_for_from_the_code_page(self, client, monkeypatch):
        from datetime import timedelta

        from django.utils import timezone

        sign_up_to_the_code(client)
        later = timezone.now() + timedelta(seconds=61)
        monkeypatch.setattr(timezone, "now", lambda: later)

        response = client.post("/auth/signup/resend/")

        assert response["Location"] == "/auth/signup/verify/"
        assert "We sent a new code" in client.get("/auth/signup/verify/").content.decode()
        assert type_the_code(client)["Location"] == "/auth/signup/password/"

    def test_the_session_data_does_not_hold_the_number_in_clear(self, client):
        sign_up_to_the_code(client)

        stored = [str(s.get_decoded()) for s in Session.objects.all()]
        assert stored and "identity_signup" in stored[0]
        assert not any("13600005678" in data for data in stored)

    def test_a_logged_in_customer_visiting_sign_up_goes_to_the_portal(
        self, client, registered_customer
    ):
        client.force_login(registered_customer)

        assert client.get("/auth/signup/")["Location"] == "/me/"
