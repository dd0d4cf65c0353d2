import pytest
from django.test import override_settings

from tests.identity.conftest import sms_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def mfa_done(staff_client):
    session = staff_client.session
    session["mfa_verified"] = True
    session.save()
    return staff_client


class TestDevSmsPage:
    def test_staff_read_the_codes_with_the_number_masked(self, client, mfa_done):
        client.post("/auth/signup/", {"mobile": "13600005678", "terms": "on"})

        content = mfa_done.get("/auth/dev/sms/").content.decode()

        assert sms_code("+8613600005678", "signup") in content
        assert "136****5678" in content
        assert "13600005678" not in content

    def test_customers_get_the_403_page(self, client, customer_user):
        client.force_login(customer_user)

        assert client.get("/auth/dev/sms/").status_code == 403

    def test_there_is_no_such_page_in_production(self, mfa_done):
        with override_settings(PROD=True):
            assert mfa_done.get("/auth/dev/sms/").status_code == 404
