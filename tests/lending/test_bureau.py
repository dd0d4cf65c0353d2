"""The credit bureau adapter and its local stand-in: deterministic per person, thin files,
outages, latency through an injected sleep, and the configured bureau."""

from datetime import UTC, datetime, timedelta
from hashlib import sha256
from statistics import mean

import pytest

from hujin.lending.bureau import (
    FIELDS,
    BureauReport,
    SimulatedCreditBureau,
    bureau,
)
from hujin.lending.errors import BureauUnavailable
from hujin.lending.scorecard.generate import applicants

NOW = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)


def _person(i: int) -> str:
    return sha256(f"person-{i}".encode()).hexdigest()


def _reports(n: int, simulated=None) -> list[BureauReport]:
    simulated = simulated or SimulatedCreditBureau()
    return [
        simulated.report(customer_ref=str(i), id_number_hash=_person(i), now=NOW) for i in range(n)
    ]


class TestDeterminism:
    def test_the_same_person_always_gets_the_same_figures(self):
        simulated = SimulatedCreditBureau()
        first = simulated.report(customer_ref="c-1", id_number_hash=_person(1), now=NOW)
        later = simulated.report(
            customer_ref="c-1", id_number_hash=_person(1), now=NOW + timedelta(days=30)
        )

        assert first.features() == later.features()
        assert first.file_found == later.file_found
        assert later.fetched_at == NOW + timedelta(days=30)

    def test_different_people_get_different_figures(self):
        reports = _reports(50)

        assert len({tuple(r.features().items()) for r in reports}) > 20

    def test_each_enquiry_has_a_reference_of_the_simulator(self):
        report = _reports(1)[0]

        assert report.reference.startswith("SIM-")
        assert report.fetched_at == NOW


class TestReports:
    def test_about_five_percent_are_thin_files_without_any_field(self):
        reports = _reports(2_000)
        thin = [r for r in reports if not r.file_found]

        assert 0.03 <= len(thin) / len(reports) <= 0.07
        assert all(set(r.features().values()) == {None} for r in thin)

    def test_a_found_file_has_plausible_figures(self):
        found = [r for r in _reports(500) if r.file_found]

        for r in found:
            assert r.bureau_inquiries_6m >= 0 and r.bureau_delinquencies_24m >= 0
            assert r.bureau_open_accounts >= 0
            if r.bureau_open_accounts == 0:
                assert r.bureau_utilisation is None
            else:
                assert 0 <= r.bureau_utilisation <= 1

    def test_the_features_are_the_scorecards_bureau_characteristics(self):
        assert tuple(_reports(1)[0].features()) == FIELDS

    def test_the_reports_look_like_the_training_population(self):
        found = [r for r in _reports(4_000) if r.file_found]
        frame = applicants(20_000, seed=1).dropna(subset=["bureau_inquiries_6m"])

        for name in ("bureau_inquiries_6m", "bureau_open_accounts", "bureau_delinquencies_24m"):
            ours = mean(getattr(r, name) for r in found)
            assert ours == pytest.approx(frame[name].mean(), rel=0.12), name
        utilisation = [r.bureau_utilisation for r in found if r.bureau_utilisation is not None]
        assert mean(utilisation) == pytest.approx(frame["bureau_utilisation"].mean(), abs=0.03)


class TestOutagesAndLatency:
    def test_a_failing_person_raises_bureau_unavailable_every_time(self):
        simulated = SimulatedCreditBureau(failure_rate=0.3)
        failing = next(i for i in range(100) if simulated.fails_for(_person(i)))

        for _ in range(2):
            with pytest.raises(BureauUnavailable):
                simulated.report(customer_ref="c", id_number_hash=_person(failing), now=NOW)

    def test_the_failure_rate_is_the_share_of_people_who_fail(self):
        simulated = SimulatedCreditBureau(failure_rate=0.3)
        failing = sum(simulated.fails_for(_person(i)) for i in range(2_000))

        assert 0.26 <= failing / 2_000 <= 0.34

    def test_without_a_failure_rate_nobody_fails(self):
        assert len(_reports(300, SimulatedCreditBureau(failure_rate=0))) == 300

    def test_the_latency_goes_to_the_injected_sleep(self):
        waits = []
        simulated = SimulatedCreditBureau(latency_s=0.05, sleep=waits.append)

        _reports(3, simulated)

        assert waits == [0.05, 0.05, 0.05]

    def test_the_knobs_can_come_from_settings(self, settings):
        settings.HUJIN_SIMULATED_BUREAU = {"failure_rate": 1.0, "latency_s": 0.2}

        simulated = SimulatedCreditBureau()

        assert (simulated.failure_rate, simulated.latency_s) == (1.0, 0.2)
        with pytest.raises(BureauUnavailable):
            simulated.report(customer_ref="c", id_number_hash=_person(1), now=NOW)


class _Agency:
    name = "agency"

    def report(self, *, customer_ref, id_number_hash, now):  # pragma: no cover - not called
        raise BureauUnavailable()


class TestConfiguredBureau:
    def test_is_the_simulated_one_by_default(self, settings):
        if hasattr(settings, "HUJIN_CREDIT_BUREAU"):
            del settings.HUJIN_CREDIT_BUREAU

        assert isinstance(bureau(), SimulatedCreditBureau)

    def test_is_the_class_the_setting_names(self, settings):
        settings.HUJIN_CREDIT_BUREAU = f"{__name__}._Agency"

        assert isinstance(bureau(), _Agency)
