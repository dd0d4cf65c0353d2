import re
from pathlib import Path

import pytest

import hujin
from hujin.web.middleware import CONTENT_SECURITY_POLICY

pytestmark = pytest.mark.django_db

TEMPLATES = sorted(Path(hujin.__file__).parent.glob("*/templates/**/*.html"))


class TestContentSecurityPolicyHeader:
    def test_forbids_inline_script_and_style_and_framing(self):
        assert CONTENT_SECURITY_POLICY == (
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            "frame-ancestors 'none'"
        )

    @pytest.mark.parametrize("path", ["/", "/auth/login/", "/auth/api-keys/", "/nowhere/"])
    def test_is_sent_with_console_pages(self, staff_client, path):
        response = staff_client.get(path)

        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY

    def test_is_sent_with_api_responses(self, client):
        response = client.get("/api/v1/openapi.json")

        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY

    def test_the_api_docs_page_runs_under_it_without_inline_script(self, client):
        response = client.get("/api/v1/docs")

        assert response.status_code == 200
        assert response["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", response.content.decode(), re.S)
        for attributes, body in scripts:
            # A JSON data block is not executed, so the policy allows it.
            assert "src=" in attributes or 'type="application/json"' in attributes
            assert "src=" not in attributes or not body.strip()


# Documents made to be downloaded and opened from the disk, where no policy applies and no
# server may be asked for a stylesheet: they carry their stylesheet inside (and no script).
DOWNLOADED_DOCUMENTS = {"my_data_document.html"}


class TestTemplatesNeedNoInlineScriptOrStyle:
    """The policy blocks inline code, so no template may rely on it."""

    @pytest.mark.parametrize("template", TEMPLATES, ids=lambda p: str(p.relative_to(p.parents[2])))
    def test_has_no_inline_script_style_or_event_handler(self, template):
        source = template.read_text(encoding="utf-8")

        for attributes, body in re.findall(r"<script([^>]*)>(.*?)</script>", source, re.S):
            assert "src=" in attributes and not body.strip(), "inline <script>"
        if template.name not in DOWNLOADED_DOCUMENTS:
            assert not re.search(r"<style[\s>]", source), "<style> element"
        assert not re.search(r"\sstyle\s*=", source), 'style="" attribute'
        assert not re.search(r"\son[a-z]+\s*=", source), "on*= event handler"
        assert "hx-on" not in source, "hx-on needs eval, which the policy forbids"
