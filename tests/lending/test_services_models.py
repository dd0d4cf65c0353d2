"""The score model registry: the first model registered is the champion, later ones are
challengers; promoting swaps the roles in one step; the champion is never retired. Every change
is audited, with its event."""

import copy
import uuid
from datetime import timedelta
from types import SimpleNamespace

import pytest

from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.lending import events
from hujin.lending.errors import ScoreModelInvalid, ScoreModelNotFound, ScoreModelStateInvalid
from hujin.lending.models import ScoreModel
from hujin.lending.permissions import MANAGE_MODELS, VIEW_LENDING
from hujin.lending.selectors import (
    challenger_models,
    champion_model,
    model_get_by_version,
    models_list,
)
from hujin.lending.services import model_promote, model_register, model_retire

pytestmark = pytest.mark.django_db

ARTEFACT = {
    "format": 1,
    "scaling": {"pdo": 20, "odds": 50, "base_score": 600},
    "base_points": 500,
    "unseen_category": "missing",
    "characteristics": [
        {"name": "age", "kind": "numeric", "splits": [25.0, 40.0],
         "points": [0, 20, 30, 10], "best_points": 30, "shares": [0.2, 0.5, 0.3, 0.0]},
    ],
    "score_bands": {"edges": [520, 540], "shares": [0.3, 0.4, 0.3]},
}  # fmt: skip
METRICS = {"auc": 0.81, "ks": 0.45, "gini": 0.62, "cv_auc": 0.77, "logistic_auc": 0.80}
SUMMARY = {"rows": 20_000, "bad_rate": 0.1, "source": "synthetic", "target": "bad", "seed": 42}


@pytest.fixture
def analyst() -> Actor:
    return Actor(kind="staff", id="401", label="risk", scopes=frozenset({MANAGE_MODELS}))


def _trained(auc: float = 0.81):
    return SimpleNamespace(artefact=copy.deepcopy(ARTEFACT), metrics={**METRICS, "auc": auc})


def _register(actor, now, name="scorecard", auc=0.81):
    return model_register(actor=actor, name=name, trained=_trained(auc), data_summary=SUMMARY,
                          now=now)  # fmt: skip


def _roles() -> dict[int, str]:
    return dict(ScoreModel.objects.values_list("version", "role"))


class TestRegister:
    def test_the_first_model_becomes_the_champion(self, analyst, now):
        model = _register(analyst, now)

        assert (model.version, model.role) == (1, "champion")
        assert model.promoted_at == now
        assert model.metrics["auc"] == 0.81
        assert model.characteristics == ("age",)
        assert model.trained_by == analyst.id

    def test_later_models_are_challengers_with_the_next_version(self, analyst, now):
        _register(analyst, now)
        second = _register(analyst, now + timedelta(hours=1), name="retrained")

        assert (second.version, second.role) == (2, "challenger")
        assert second.promoted_at is None
        assert _roles() == {1: "champion", 2: "challenger"}

    def test_stores_the_artefact_the_data_summary_and_the_training_distributions(
        self, analyst, now
    ):
        model = _register(analyst, now)
        row = ScoreModel.objects.get(pk=model.id)

        assert row.artefact == ARTEFACT
        assert row.data_summary == SUMMARY
        assert row.baseline == {"score": [0.3, 0.4, 0.3], "age": [0.2, 0.5, 0.3, 0.0]}

    def test_is_audited_with_its_event(self, analyst, now):
        model = _register(analyst, now)

        entry = AuditEntry.objects.get(action="lending.model_register")
        assert entry.target_id == str(model.id)
        event = OutboxEvent.objects.get(event_type=events.MODEL_REGISTERED)
        assert event.payload == {"model_id": str(model.id), "version": 1, "role": "champion"}

    def test_needs_the_manage_models_scope(self, now):
        viewer = Actor(kind="staff", id="402", scopes=frozenset({VIEW_LENDING}))

        with pytest.raises(PermissionDenied):
            _register(viewer, now)
        assert not ScoreModel.objects.exists()

    @pytest.mark.parametrize("name", ["", "   ", "x" * 101])
    def test_needs_a_name(self, analyst, now, name):
        with pytest.raises(ScoreModelInvalid):
            _register(analyst, now, name=name)

    def test_needs_an_artefact_and_the_hold_out_figures(self, analyst, now):
        incomplete = SimpleNamespace(artefact=ARTEFACT, metrics={"auc": 0.8})

        with pytest.raises(ScoreModelInvalid):
            model_register(actor=analyst, name="x", trained=incomplete, data_summary={}, now=now)
        assert not AuditEntry.objects.filter(action="lending.model_register").exists()


class TestPromote:
    def test_swaps_the_champion_and_the_challenger(self, analyst, now):
        first = _register(analyst, now)
        second = _register(analyst, now)
        later = now + timedelta(days=1)

        promoted = model_promote(actor=analyst, model_id=second.id, now=later)

        assert (promoted.role, promoted.promoted_at) == ("champion", later)
        assert _roles() == {1: "challenger", 2: "champion"}
        assert champion_model().id == second.id
        assert [m.id for m in challenger_models()] == [first.id]

    def test_is_audited_with_its_event_naming_the_previous_champion(self, analyst, now):
        first = _register(analyst, now)
        second = _register(analyst, now)

        model_promote(actor=analyst, model_id=second.id, now=now)

        actions = set(AuditEntry.objects.values_list("action", flat=True))
        assert {"lending.model_promote", "lending.model_demote"} <= actions
        event = OutboxEvent.objects.get(event_type=events.MODEL_PROMOTED)
        assert event.payload == {"model_id": str(second.id), "version": 2,
                                 "previous_champion_id": str(first.id)}  # fmt: skip

    def test_the_champion_cannot_be_promoted_again(self, analyst, now):
        first = _register(analyst, now)

        with pytest.raises(ScoreModelStateInvalid):
            model_promote(actor=analyst, model_id=first.id, now=now)

    def test_a_retired_model_cannot_be_promoted(self, analyst, now):
        _register(analyst, now)
        second = _register(analyst, now)
        model_retire(actor=analyst, model_id=second.id, now=now)

        with pytest.raises(ScoreModelStateInvalid):
            model_promote(actor=analyst, model_id=second.id, now=now)
        assert _roles() == {1: "champion", 2: "retired"}

    @pytest.mark.parametrize("model_id", [uuid.uuid4(), "not-an-id"])
    def test_an_unknown_model_is_not_found(self, analyst, now, model_id):
        with pytest.raises(ScoreModelNotFound):
            model_promote(actor=analyst, model_id=model_id, now=now)

    def test_needs_the_manage_models_scope(self, analyst, now):
        _register(analyst, now)
        second = _register(analyst, now)
        viewer = Actor(kind="staff", id="402", scopes=frozenset({VIEW_LENDING}))

        with pytest.raises(PermissionDenied):
            model_promote(actor=viewer, model_id=second.id, now=now)
        assert _roles() == {1: "champion", 2: "challenger"}


class TestRetire:
    def test_retires_a_challenger_with_its_audit_entry_and_event(self, analyst, now):
        _register(analyst, now)
        second = _register(analyst, now)

        retired = model_retire(actor=analyst, model_id=second.id, now=now)

        assert retired.role == "retired"
        assert challenger_models() == []
        assert AuditEntry.objects.filter(action="lending.model_retire").count() == 1
        assert OutboxEvent.objects.filter(event_type=events.MODEL_RETIRED).count() == 1

    def test_the_champion_is_never_retired(self, analyst, now):
        first = _register(analyst, now)

        with pytest.raises(ScoreModelStateInvalid) as caught:
            model_retire(actor=analyst, model_id=first.id, now=now)

        assert caught.value.details == {"role": "champion"}
        assert _roles() == {1: "champion"}


class TestSelectors:
    def test_there_is_no_champion_before_the_first_model(self):
        assert champion_model() is None
        assert models_list() == []

    def test_every_version_is_listed_newest_first(self, analyst, now):
        for _ in range(3):
            _register(analyst, now)

        assert [m.version for m in models_list()] == [3, 2, 1]
        assert [m.version for m in challenger_models()] == [3, 2]
        assert model_get_by_version(version=2).role == "challenger"

    def test_an_unknown_version_is_not_found(self):
        with pytest.raises(ScoreModelNotFound):
            model_get_by_version(version=9)
