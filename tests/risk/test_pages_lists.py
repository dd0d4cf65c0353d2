"""The console's screening-list pages, in English and Chinese: the lists with their versions,
the upload form for who may import, a version's entries searched however a name is written,
the watch-list hits with the masked name compared; refused to customers and to staff without
the permission."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hujin.risk.lists import watchlist_import
from hujin.risk.lists_screening import watchlist_version_screen
from hujin.risk.models_lists import WatchListVersion
from tests.risk.lists_helpers import ANALYST, UN_SAMPLE, un_changed, verified_customer

LISTS, HITS = "/risk/lists/", "/risk/lists/hits/"

pytestmark = pytest.mark.django_db


def _main(response) -> str:
    html = response.content.decode()
    main = html[html.index("<main") : html.index("</main>")]
    assert 'style="' not in main and not re.search(r"<script>(?!\s*$)", main)
    return main


def _get(client, url, language="en", **headers) -> str:
    response = client.get(url, headers={"accept-language": language, **headers})
    assert response.status_code == 200, response.status_code
    return _main(response)


def _imported(now, content=UN_SAMPLE):
    return watchlist_import(actor=ANALYST, list_code="un_consolidated", kind="sanctions",
                            file_name="consolidated.xml", content=content, fmt="un_xml", now=now,
                            queue_screening=False)  # fmt: skip


def _upload(client, content=UN_SAMPLE, fmt="un_xml", code="un_consolidated", language="en"):
    return client.post("/risk/lists/import/", {
        "list_code": code, "name": "", "kind": "sanctions", "format": fmt,
        "file": SimpleUploadedFile("consolidated.xml", content, content_type="text/xml"),
    }, headers={"accept-language": language})  # fmt: skip


class TestListsPage:
    def test_shows_each_version_with_who_imported_it_the_entries_and_the_sha256(
        self, role_client, now
    ):
        analyst = role_client("risk_analyst")
        first = _imported(now)
        _imported(now, un_changed())

        main = _get(analyst, LISTS)

        assert "UN Security Council consolidated list" in main and "analyst" in main
        assert 'data-version="1"' in main and 'data-version="2"' in main
        assert "Superseded" in main and "Current" in main
        assert first.sha256[:8] in main and f"/risk/lists/versions/{first.version_id}/" in main
        assert 'data-testid="list-import-form"' in main

    def test_read_in_chinese(self, role_client, now):
        from tests.web.test_translations_pages import english_words

        _imported(now)

        main = _get(role_client("risk_analyst"), LISTS, language="zh-hans")

        assert "筛查名单" in main and "导入名单文件" in main and "当前" in main and "制裁" in main
        assert "联合国安理会综合制裁名单" in main
        assert english_words(main) == ["analyst"]  # who imported it: data
        assert english_words(_get(role_client("auditor"), HITS, language="zh-hans")) == []

    def test_an_auditor_reads_without_the_upload_form(self, role_client, now):
        auditor = role_client("auditor")
        _imported(now)

        main = _get(auditor, LISTS)

        assert 'data-testid="list-import-form"' not in main
        assert _upload(auditor).status_code == 403
        assert WatchListVersion.objects.count() == 1

    def test_are_refused_to_customers_and_to_staff_without_the_permission(
        self, role_client, customer_client, now
    ):
        version = _imported(now)
        for client in (customer_client, role_client("product_manager")):
            for url in (LISTS, HITS, f"/risk/lists/versions/{version.version_id}/"):
                assert client.get(url).status_code == 403, url
            assert _upload(client).status_code == 403
        assert WatchListVersion.objects.count() == 1


class TestUpload:
    def test_imports_the_file_and_shows_its_entries(
        self, role_client, django_capture_on_commit_callbacks
    ):
        analyst = role_client("risk_analyst")

        with django_capture_on_commit_callbacks(execute=True):
            response = _upload(analyst)

        version = WatchListVersion.objects.get()
        assert response.status_code == 302
        assert response["Location"] == f"/risk/lists/versions/{version.id}/"
        assert version.screened_at is not None  # the screening ran after the commit
        main = _get(analyst, response["Location"])
        assert "SMP.001" in main and "ZHANG WEI" in main and "1968-03-14" in main

    def test_the_same_file_again_is_refused_next_to_the_file(self, role_client, now):
        analyst = role_client("risk_analyst")
        _imported(now)

        response = _upload(analyst)

        assert response.status_code == 409
        assert "is version 1 of the list already" in _main(response)
        assert WatchListVersion.objects.count() == 1

    def test_a_malformed_file_is_refused_with_the_reason(self, role_client):
        response = _upload(role_client("risk_analyst"), content=b"<CONSOLIDATED_LIST><oops>")

        assert response.status_code == 400
        assert "This list file cannot be read" in _main(response)
        assert WatchListVersion.objects.count() == 0

    def test_a_malformed_file_is_refused_with_the_reason_in_chinese(self, role_client):
        csv = b"reference,name,aliases,birth_date,nationality\nA,X,,,\nA,Y,,,\n"

        response = _upload(role_client("risk_analyst"), content=csv, fmt="csv", language="zh-hans")

        assert response.status_code == 400
        assert "无法读取该名单文件：第 3 行：参考号 A 出现了两次。" in _main(response)


class TestVersionPage:
    def test_a_search_in_characters_finds_the_name_in_pinyin(self, role_client, now):
        analyst = role_client("auditor")
        version = _imported(now)
        url = f"/risk/lists/versions/{version.version_id}/"

        main = _get(analyst, f"{url}?q=张伟")

        assert 'data-reference="SMP.001"' in main and 'data-reference="SMP.002"' not in main

    def test_htmx_gets_the_results_alone(self, role_client, now):
        version = _imported(now)
        url = f"/risk/lists/versions/{version.version_id}/?q=SMP.002"

        response = role_client("auditor").get(url, headers={"HX-Request": "true"})

        html = response.content.decode()
        assert html.startswith('<div id="entry-results"') and "<main" not in html
        assert 'data-reference="SMP.002"' in html and 'data-reference="SMP.001"' not in html

    def test_in_chinese_and_unknown_version_is_404(self, role_client, now):
        analyst = role_client("auditor")
        version = _imported(now)

        main = _get(analyst, f"/risk/lists/versions/{version.version_id}/", language="zh-hans")

        assert "条目" in main and "搜索" in main
        missing = "/risk/lists/versions/00000000-0000-0000-0000-000000000000/"
        assert analyst.get(missing).status_code == 404


class TestHitsPage:
    def test_shows_the_score_the_masked_name_and_the_entry(self, role_client, now, settings):
        customer = verified_customer("张伟", now=now, settings=settings)
        watchlist_version_screen(version_id=_imported(now).version_id, now=now)

        main = _get(role_client("compliance_officer"), HITS)

        assert "张*" in main and "张伟" not in main
        assert "z********" not in main  # a masked pinyin form tells what 张* hides
        assert "SMP.001" in main and "ZHANG WEI" in main and "zhang wei" in main
        assert str(customer) in main and "<strong>100</strong>" in main
        assert "Open the customer" in main and "…" not in main  # a link, not a cut id

    def test_read_in_chinese(self, role_client, now, settings):
        verified_customer("张伟", now=now, settings=settings)
        watchlist_version_screen(version_id=_imported(now).version_id, now=now)

        main = _get(role_client("compliance_officer"), HITS, language="zh-hans")

        assert "名单命中" in main and "出生日期" in main and "一致" in main

    def test_nothing_to_show(self, role_client):
        assert "No watch-list hits" in _get(role_client("auditor"), f"{HITS}?state=dismissed")
