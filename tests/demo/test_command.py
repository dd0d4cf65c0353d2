"""`hujin demo load` prints the addresses of the server the demo runs on."""

from io import StringIO

import pytest
from django.core.management import call_command

from hujin.demo.loader import demo_base_url

pytestmark = pytest.mark.django_db

PATHS = ["/", "/auth/signin/", "/auth/dev/sms/", "/compliance/approvals/", "/api/v1/docs"]


@pytest.fixture
def load(settings, tmp_path):
    settings.VAR_DIR = tmp_path

    def run(*args: str) -> str:
        out = StringIO()
        call_command("demo", "load", *args, stdout=out)
        return out.getvalue()

    return run


class TestTheAddressesPrinted:
    def test_are_on_the_address_given(self, load):
        text = load("--addr", "demo.example:9000")

        for path in PATHS:
            assert f"http://demo.example:9000{path}" in text
        assert "127.0.0.1:8000" not in text

    def test_come_from_the_environment_without_an_option(self, load, monkeypatch):
        monkeypatch.setenv("HUJIN_DEMO_ADDR", "127.0.0.1:8123")

        text = load()

        assert "http://127.0.0.1:8123/auth/signin/" in text
        assert "127.0.0.1:8000" not in text

    def test_are_on_127_0_0_1_port_8000_by_default(self, load, monkeypatch):
        monkeypatch.delenv("HUJIN_DEMO_ADDR", raising=False)

        text = load()

        for path in PATHS:
            assert f"http://127.0.0.1:8000{path}" in text


@pytest.mark.parametrize(
    ("addr", "base_url"),
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("8001", "http://127.0.0.1:8001"),
        ("0.0.0.0:8000", "http://0.0.0.0:8000"),
        ("https://demo.example/", "https://demo.example"),
    ],
)
def test_an_address_as_hujin_serve_takes_it_becomes_a_base_url(addr, base_url):
    assert demo_base_url(addr) == base_url
