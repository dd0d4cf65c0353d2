import pytest

pytestmark = pytest.mark.django_db


class TestSecurityHeaders:
    @pytest.mark.parametrize(
        "path", ["/auth/signin/", "/auth/signup/", "/auth/reset/", "/auth/login/"]
    )
    def test_log_in_and_sign_up_pages_refuse_framing_and_inline_script(self, client, path):
        response = client.get(path)

        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
        assert "script-src 'self'" in response["Content-Security-Policy"]
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"

    @pytest.mark.parametrize(
        "path", ["/auth/signin/", "/auth/signup/", "/auth/reset/", "/auth/login/"]
    )
    def test_every_form_carries_a_csrf_token(self, client, path):
        assert 'name="csrfmiddlewaretoken"' in client.get(path).content.decode()

    def test_a_post_without_the_csrf_token_is_refused(self, registered_customer):
        from django.test import Client

        strict = Client(enforce_csrf_checks=True)

        response = strict.post("/auth/signin/", {"mobile": "13812345678", "password": "x"})

        assert response.status_code == 403

    def test_production_settings_turn_on_hsts(self, monkeypatch):
        import importlib
        import sys

        monkeypatch.setenv("HUJIN_ENV", "prod")
        monkeypatch.setenv("SECRET_KEY", "p" * 60)
        monkeypatch.setenv("HUJIN_DATA_KEYS", "k1:" + "A" * 43 + "=")
        monkeypatch.setenv("HUJIN_INDEX_KEY", "B" * 43 + "=")
        monkeypatch.setenv("DEBUG", "0")
        monkeypatch.setenv("ALLOWED_HOSTS", "hujin.example")
        saved = sys.modules.pop("hujin.config.settings")
        try:
            prod = importlib.import_module("hujin.config.settings")
            assert prod.SECURE_HSTS_SECONDS >= 31536000
            assert prod.SESSION_COOKIE_SECURE and prod.CSRF_COOKIE_SECURE
        finally:
            sys.modules["hujin.config.settings"] = saved
