"""Customers and payees screened against the lists: at onboarding, on a new version, on a
payee's first transfer; cut by date of birth and nationality; one alert per hit, not repeated."""

import json
import uuid

import pytest

from hujin.core.events import DomainEvent
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.risk import handlers_lists
from hujin.risk.handlers_lists import on_transfer_succeeded
from hujin.risk.lists import watchlist_import
from hujin.risk.lists_screening import (
    party_screen,
    version_loaded,
    version_matches,
    watchlist_version_screen,
    watchlists_rescreen,
)
from hujin.risk.models import Alert
from hujin.risk.models_lists import WatchListHit, WatchListPayee
from hujin.risk.names import Party, list_matches
from tests.risk.lists_helpers import ANALYST, CSV_SAMPLE, UN_SAMPLE, un_changed, verified_customer

pytestmark = pytest.mark.django_db


def _import(content=UN_SAMPLE, *, now, code="un_consolidated", fmt="un_xml"):
    return watchlist_import(actor=ANALYST, list_code=code, kind="sanctions", file_name="list",
                            content=content, fmt=fmt, now=now, queue_screening=False)  # fmt: skip


def _alerts(customer_id=None):
    alerts = Alert.objects.filter(source="watchlist")
    return list(alerts.filter(customer_id=customer_id) if customer_id else alerts)


class TestScreeningOnANewVersion:
    def test_zhang_wei_in_characters_hits_zhang_wei_on_the_un_list(self, now, settings):
        customer = verified_customer("张伟", birth="19680314", now=now, settings=settings)
        imported = _import(now=now)

        report = watchlist_version_screen(version_id=imported.version_id, now=now)

        assert (report.screened, report.hits, report.raised) == (1, 1, 1)
        [alert] = _alerts(customer)
        assert (alert.code, alert.state, alert.score) == ("un_consolidated", "open", 100)
        d = alert.details
        assert d["reference"] == "SMP.001" and d["version"] == 1
        assert d["entry_names"] == ["ZHANG WEI", "Wei Zhang"] and d["listed_name"] == "ZHANG WEI"
        assert d["compared"] == "张*" and d["customer_id"] == str(customer)
        assert d["why_not_cut"] == {"birth": "agrees", "nationality": "agrees"}
        assert "张伟" not in json.dumps(d, ensure_ascii=False)
        assert "compared_forms" not in d  # w******* would tell the given name's initial

    def test_a_different_date_of_birth_rules_the_hit_out(self, now, settings):
        verified_customer("张伟", birth="19900101", now=now, settings=settings)
        imported = _import(now=now)

        report = watchlist_version_screen(version_id=imported.version_id, now=now)

        assert (report.screened, report.hits) == (1, 0) and _alerts() == []

    def test_a_different_nationality_rules_the_hit_out(self, now, settings):
        # A foreigner's card (2023), United States (840), born on the listed day.
        verified_customer("张伟", birth="19680314", foreign="840", now=now, settings=settings)
        imported = _import(now=now)

        assert watchlist_version_screen(version_id=imported.version_id, now=now).hits == 0
        assert _alerts() == []

    def test_a_year_known_alone_matches_any_day_of_it(self, now, settings):
        customer = verified_customer("Ivan Samploff", birth="19710606", foreign="643", now=now,
                                     settings=settings)  # fmt: skip
        imported = _import(now=now)

        watchlist_version_screen(version_id=imported.version_id, now=now)

        [alert] = _alerts(customer)
        assert (
            alert.details["reference"] == "SMP.002" and alert.details["compared"] == "I************"
        )

    def test_other_customers_are_not_hit(self, now, settings):
        verified_customer("王芳", now=now, settings=settings)
        verified_customer("李四", now=now, settings=settings)
        imported = _import(now=now)

        report = watchlist_version_screen(version_id=imported.version_id, now=now)

        assert (report.screened, report.hits) == (2, 0)

    def test_the_version_records_the_screening_with_an_event(self, now, settings):
        verified_customer("张伟", now=now, settings=settings)
        imported = _import(now=now)

        watchlist_version_screen(version_id=imported.version_id, now=now, batch=1)

        version = version_loaded(imported.version_id)
        from hujin.risk.models_lists import WatchListVersion

        row = WatchListVersion.objects.get(id=version.version_id)
        assert (row.screened, row.hits, row.screened_at) == (1, 1, now)
        event = OutboxEvent.objects.get(event_type="risk.watchlist_screened")
        assert event.payload["hits"] == 1
        hit_event = OutboxEvent.objects.get(event_type="risk.watchlist_hit")
        assert "张" not in json.dumps(hit_event.payload, ensure_ascii=False)
        assert AuditEntry.objects.filter(action="risk.watchlist_hit").count() == 1

    def test_the_import_screens_everyone_after_it_commits(
        self, now, settings, django_capture_on_commit_callbacks
    ):
        customer = verified_customer("张伟", now=now, settings=settings)

        with django_capture_on_commit_callbacks(execute=True):
            watchlist_import(
                actor=ANALYST, list_code="un_consolidated", kind="sanctions",
                file_name="list.xml", content=UN_SAMPLE, fmt="un_xml", now=now,
            )  # fmt: skip

        assert len(_alerts(customer)) == 1


class TestOneAlertPerHit:
    def test_screening_again_raises_nothing_new(self, now, settings):
        customer = verified_customer("张伟", now=now, settings=settings)
        imported = _import(now=now)
        watchlist_version_screen(version_id=imported.version_id, now=now)

        [again] = watchlists_rescreen(now=now)

        assert (again.hits, again.raised) == (1, 0)
        assert len(_alerts(customer)) == 1

    def test_an_open_alert_is_not_raised_again_by_a_new_version(self, now, settings):
        customer = verified_customer("张伟", now=now, settings=settings)
        first = _import(now=now)
        watchlist_version_screen(version_id=first.version_id, now=now)
        second = _import(un_changed(), now=now)

        assert watchlist_version_screen(version_id=second.version_id, now=now).raised == 0
        assert len(_alerts(customer)) == 1

    def test_a_false_positive_stays_dismissed_on_its_version_and_comes_back_on_the_next(
        self, now, settings
    ):
        customer = verified_customer("张伟", now=now, settings=settings)
        first = _import(now=now)
        watchlist_version_screen(version_id=first.version_id, now=now)
        Alert.objects.filter(customer_id=customer).update(state="dismissed", triage_reason="FP")

        assert watchlists_rescreen(now=now)[0].raised == 0
        second = _import(un_changed(), now=now)
        assert watchlist_version_screen(version_id=second.version_id, now=now).raised == 1

        states = sorted(a.state for a in _alerts(customer))
        assert states == ["dismissed", "open"]
        assert WatchListHit.objects.filter(customer_id=customer).count() == 2

    def test_two_lists_hit_separately(self, now, settings):
        customer = verified_customer("李明", birth="19750802", now=now, settings=settings)
        _import(now=now)
        _import(CSV_SAMPLE, code="internal_watch", fmt="csv", now=now)

        reports = watchlists_rescreen(now=now)

        assert [r.raised for r in reports] == [1, 0]  # internal_watch, un_consolidated
        assert [a.code for a in _alerts(customer)] == ["internal_watch"]


class TestPartyScreen:
    def test_a_party_given_by_hand(self, now):
        _import(now=now)
        who = uuid.uuid4()

        hits = party_screen(
            party={"name": "Zhang, Wei", "date_of_birth": "1968-03-14", "nationality": "cn"},
            subject={"customer_id": who, "role": "customer"}, now=now,
        )  # fmt: skip
        again = party_screen(party={"name": "张伟"}, subject={"customer_id": who}, now=now)

        assert [(h.reference, h.raised) for h in hits] == [("SMP.001", True)]
        assert [(h.reference, h.raised, h.alert_id) for h in again] == [("SMP.001", False, None)]
        assert len(_alerts(who)) == 1

    def test_nothing_without_a_current_list(self, now):
        assert party_screen(party={"name": "张伟"}, subject={"customer_id": uuid.uuid4()},
                            now=now) == []  # fmt: skip

    def test_the_fast_path_finds_what_comparing_every_entry_finds(self, now):
        loaded = version_loaded(_import(now=now).version_id)
        for name in ["张伟", "Wei Zhang", "Zhang Wie", "Ivan Samplof", "单天笑", "Example Shell",
                     "Nobody Atall", "ZHANG", "Li Ming"]:  # fmt: skip
            party = Party(name)
            assert version_matches(loaded, party) == list_matches(party, loaded.entries), name


class TestHooks:
    def test_a_customer_is_screened_when_verified(self, now, settings):
        _import(now=now)

        customer = verified_customer("张伟", now=now, settings=settings)

        [alert] = _alerts(customer)
        assert alert.details["role"] == "customer"

    def test_a_payee_is_screened_on_the_first_transfer_only(self, now, settings):
        payer = verified_customer("王芳", now=now, settings=settings)
        payee = verified_customer("张伟", now=now, settings=settings)  # before the list
        _import(now=now)

        def transfer():
            on_transfer_succeeded(DomainEvent(
                id=1, event_id=uuid.uuid4(), aggregate_type="payments.payment",
                aggregate_id="p", event_type="payments.transfer_succeeded",
                payload={"customer_id": str(payer), "payee_customer_id": str(payee)},
                occurred_at=now, attempts=0,
            ))  # fmt: skip

        transfer()
        Alert.objects.filter(customer_id=payer).update(state="dismissed")
        _import(un_changed(), now=now)  # a screening now would raise the dismissed hit again
        transfer()  # a second transfer: the payee is known, not screened again

        [alert] = _alerts(payer)
        assert alert.details["role"] == "payee" and alert.details["party_id"] == str(payee)
        assert alert.details["compared"] == "张*"

    def test_a_payee_whose_screening_failed_is_screened_when_the_event_comes_again(
        self, now, settings, monkeypatch
    ):
        payer = verified_customer("王芳", now=now, settings=settings)
        payee = verified_customer("张伟", now=now, settings=settings)  # before the list
        _import(now=now)
        event = DomainEvent(
            id=1, event_id=uuid.uuid4(), aggregate_type="payments.payment", aggregate_id="p",
            event_type="payments.transfer_succeeded",
            payload={"customer_id": str(payer), "payee_customer_id": str(payee)},
            occurred_at=now, attempts=0,
        )  # fmt: skip

        def screening_down(**kwargs):
            raise RuntimeError("screening down")

        with monkeypatch.context() as patched:
            patched.setattr(handlers_lists, "party_screen", screening_down)
            with pytest.raises(RuntimeError):
                on_transfer_succeeded(event)
        assert not WatchListPayee.objects.exists()  # rolled back with the failed screening
        on_transfer_succeeded(event)  # delivered again

        [alert] = _alerts(payer)
        assert alert.details["role"] == "payee" and alert.details["party_id"] == str(payee)
        assert WatchListPayee.objects.filter(customer_id=payer, payee_id=payee).exists()


class TestWhatTheScreeningReadsOfCustomers:
    @pytest.mark.parametrize(("document_type", "number", "nationality"), [
        ("resident_id", "110105196803141234", "CN"),
        ("hmt_residence_permit", "810000196803141234", "HK"),
        ("hmt_residence_permit", "830000196803141234", "TW"),
        ("foreign_permanent_residence", "911840196803141231", "US"),
        ("foreign_permanent_residence", "USA110681231234", "US"),
        ("foreign_permanent_residence", "ZZZ110681231234", ""),
        ("uscc", "91110000600037341D", ""),
    ])  # fmt: skip
    def test_the_nationality_is_read_from_the_document(self, document_type, number, nationality):
        from hujin.customers.for_risk import _nationality

        assert _nationality(document_type, number) == nationality

    def test_only_verified_customers_with_a_name_in_batches_by_id(self, now, settings):
        from hujin.customers.selectors import customers_screening_facts

        ids = sorted(
            verified_customer(n, now=now, settings=settings) for n in ("甲一", "乙二", "丙三")
        )

        first = customers_screening_facts(limit=2)
        rest = customers_screening_facts(after=first[-1].customer_id, limit=2)

        assert [f.customer_id for f in first + rest] == ids
        assert {f.nationality for f in first + rest} == {"CN"}
        assert first[0].birth_date.isoformat() == "1968-03-14"
