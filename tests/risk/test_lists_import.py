"""Importing a screening list's file as a version: versions numbered, the current one
superseded, the same file refused, a malformed file refused with nothing written."""

import hashlib

import pytest
from django.utils import translation

from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.risk.errors import WatchlistInvalid, WatchlistUnchanged
from hujin.risk.lists import watchlist_import
from hujin.risk.models_lists import WatchList, WatchListEntry, WatchListVersion
from tests.risk.lists_helpers import ANALYST, CSV_SAMPLE, READER, UN_SAMPLE, un_changed

pytestmark = pytest.mark.django_db


def _import(content=UN_SAMPLE, *, code="un_consolidated", fmt="un_xml", now, actor=ANALYST,
            kind="sanctions"):  # fmt: skip
    return watchlist_import(actor=actor, list_code=code, kind=kind, file_name=f"{code}.{fmt}",
                            content=content, fmt=fmt, now=now)  # fmt: skip


def _written() -> tuple[int, int, int, int]:
    return (WatchList.objects.count(), WatchListVersion.objects.count(),
            WatchListEntry.objects.count(),
            AuditEntry.objects.filter(action="risk.watchlist_import").count())  # fmt: skip


class TestWatchlistImport:
    def test_the_first_import_is_version_1_with_every_entry_and_the_files_sha256(self, now):
        imported = _import(now=now)

        version = WatchListVersion.objects.get(id=imported.version_id)
        assert (version.number, version.state, version.format) == (1, "current", "un_xml")
        assert version.sha256 == hashlib.sha256(UN_SAMPLE).hexdigest() == imported.sha256
        assert version.entry_count == imported.entry_count == version.entries.count() == 4
        assert version.imported_by_label == "analyst" and version.file_name.endswith(".un_xml")
        zhang = version.entries.get(reference="SMP.001")
        assert zhang.names == ["ZHANG WEI", "Wei Zhang"]
        assert zhang.birth_dates == ["1968-03-14"] and zhang.nationalities == ["CN"]
        assert version.watchlist.name == "UN Security Council consolidated list"

    def test_writes_an_audit_entry_and_an_event_in_the_same_transaction(self, now):
        imported = _import(now=now)

        entry = AuditEntry.objects.get(action="risk.watchlist_import")
        assert entry.target_id == str(imported.version_id)
        assert entry.after["entries"] == 4 and entry.after["sha256"] == imported.sha256
        event = OutboxEvent.objects.get(event_type="risk.watchlist_imported")
        assert event.payload["number"] == 1 and event.payload["superseded_version_id"] == ""

    def test_a_new_file_is_the_next_version_and_supersedes_the_current_one(self, now):
        first = _import(now=now)
        second = _import(un_changed(), now=now)

        assert second.number == 2 and second.superseded_version_id == first.version_id
        states = dict(WatchListVersion.objects.values_list("number", "state"))
        assert states == {1: "superseded", 2: "current"}
        assert WatchListVersion.objects.get(number=1).entries.count() == 4  # kept as it was
        assert WatchListVersion.objects.get(number=2).entries.count() == 5

    def test_the_current_versions_file_again_is_refused_and_nothing_is_written(self, now):
        _import(now=now)
        before = _written()

        with pytest.raises(WatchlistUnchanged) as refused:
            _import(now=now)

        assert refused.value.details["version"] == 1
        assert _written() == before

    def test_a_superseded_versions_file_may_come_back_as_a_new_version(self, now):
        _import(now=now)
        _import(un_changed(), now=now)

        assert _import(now=now).number == 3

    @pytest.mark.parametrize(("content", "fmt"), [
        (b"<CONSOLIDATED_LIST><INDIVIDUALS><INDIVIDUAL>", "un_xml"),
        (b"<OTHER_LIST/>", "un_xml"),
        (b"reference,name\nX,Someone\n", "csv"),
        (b"reference,name,aliases,birth_date,nationality\nA,Someone,,1970-13-01,\n", "csv"),
        (b"\xff\xfe not utf-8", "csv"),
        (b"", "csv"),
    ])  # fmt: skip
    def test_a_malformed_file_is_refused_and_nothing_is_written(self, now, content, fmt):
        _import(now=now)
        before = _written()

        with pytest.raises(WatchlistInvalid):
            _import(content, fmt=fmt, now=now)
        with pytest.raises(WatchlistInvalid):
            _import(content, code="brand_new", fmt=fmt, now=now)

        assert _written() == before
        assert not WatchList.objects.filter(code="brand_new").exists()

    def test_a_file_naming_one_reference_twice_is_refused(self, now):
        twice = UN_SAMPLE.replace(b"<REFERENCE_NUMBER>SMP.002<", b"<REFERENCE_NUMBER>SMP.001<")

        with pytest.raises(WatchlistInvalid):
            _import(twice, now=now)

        assert _written() == (0, 0, 0, 0)

    def test_a_csv_list_is_its_own_list(self, now):
        _import(now=now)
        imported = _import(CSV_SAMPLE, code="internal_watch", fmt="csv", kind="internal", now=now)

        assert imported.number == 1 and imported.entry_count == 2
        assert WatchList.objects.get(code="internal_watch").kind == "internal"

    def test_a_list_keeps_its_kind(self, now):
        _import(now=now)

        with pytest.raises(WatchlistInvalid) as refused:
            _import(un_changed(), kind="pep", now=now)

        assert refused.value.details == {"field": "kind"}

    @pytest.mark.parametrize(("content", "fmt", "kind", "english", "chinese"), [
        (b"reference,name,aliases,birth_date,nationality\n,Nobody,,,\n", "csv", "sanctions",
         "Line 2: a reference and a name are needed.", "第 2 行：需要参考号和名称。"),
        (b"reference,name,aliases,birth_date,nationality\nA,X,,,ZZ;QQ\n", "csv", "sanctions",
         "Line 2: ZZ, QQ are not ISO country codes.", "第 2 行：ZZ, QQ 不是 ISO 国家代码。"),
        (b"reference,name,aliases,birth_date,nationality\nA,X,,1970-13-01,\n", "csv",
         "sanctions", "Line 2: '1970-13-01' is not a date (YYYY-MM-DD).",
         "第 2 行：'1970-13-01' 不是日期（YYYY-MM-DD）。"),
        (UN_SAMPLE, "un_xml", "pep", "The list un_consolidated is a sanctions list, not pep.",
         "名单 un_consolidated 的类型是 sanctions，不是 pep。"),
        (UN_SAMPLE, "un_xml", "friends", "The kind is one of sanctions, pep, internal.",
         "类型须为以下之一：sanctions, pep, internal。"),
    ])  # fmt: skip
    def test_why_a_file_is_refused_is_said_in_the_readers_language(
        self, now, content, fmt, kind, english, chinese
    ):
        _import(now=now)
        for language, expected in (("en", english), ("zh-hans", chinese)):
            with translation.override(language), pytest.raises(WatchlistInvalid) as refused:
                _import(content, fmt=fmt, kind=kind, now=now)

            assert refused.value.message == expected, language

    @pytest.mark.parametrize("code", ["", "UPPER", "spaces here", "x" * 65, "../etc"])
    def test_a_list_code_outside_the_pattern_is_refused(self, now, code):
        with pytest.raises(WatchlistInvalid):
            _import(code=code, now=now)

    def test_needs_the_permission_to_work_alerts(self, now):
        with pytest.raises(PermissionDenied):
            _import(now=now, actor=READER)
        with pytest.raises(PermissionDenied):
            _import(now=now, actor=Actor(kind="customer", id="c", label="c"))

        assert _written() == (0, 0, 0, 0)


class TestInTheAuditTrail:
    def test_a_version_is_named_and_linked_for_who_may_see_it(self, now):
        from hujin.risk.lists_navigation import version_targets

        imported = _import(now=now)

        [link] = version_targets(READER, [str(imported.version_id), "not-an-id"]).values()
        assert link.name == "un_consolidated v1"
        assert link.url == f"/risk/lists/versions/{imported.version_id}/"
        hidden = version_targets(Actor(kind="staff", id="1"), [str(imported.version_id)])
        assert hidden[str(imported.version_id)].url == ""
