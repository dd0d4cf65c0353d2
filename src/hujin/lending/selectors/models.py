"""Reads of the score model registry: the champion, the challengers, every version."""

from hujin.lending import types as t
from hujin.lending.errors import ScoreModelNotFound
from hujin.lending.models import ScoreModel
from hujin.lending.scorecard.types import ScoreModelView


def model_view(model: ScoreModel) -> ScoreModelView:
    return ScoreModelView(
        id=model.id,
        version=model.version,
        name=model.name,
        role=model.role,
        metrics=dict(model.metrics or {}),
        data_summary=dict(model.data_summary or {}),
        characteristics=tuple(c["name"] for c in (model.artefact or {}).get("characteristics", [])),
        trained_by=model.trained_by,
        trained_at=model.trained_at,
        promoted_at=model.promoted_at,
        artefact=model.artefact,
        baseline=dict(model.baseline or {}),
    )


def champion_model() -> ScoreModelView | None:
    """The model that decides applications, or None before the first is registered."""
    model = ScoreModel.objects.filter(role=t.MODEL_CHAMPION).first()
    return None if model is None else model_view(model)


def challenger_models() -> list[ScoreModelView]:
    """The models scored beside the champion (not deciding), newest first."""
    return [model_view(m) for m in ScoreModel.objects.filter(role=t.MODEL_CHALLENGER)]


def models_list() -> list[ScoreModelView]:
    """Every registered version, newest first."""
    return [model_view(m) for m in ScoreModel.objects.all()]


def model_get_by_version(*, version: int) -> ScoreModelView:
    """Raises ScoreModelNotFound."""
    model = ScoreModel.objects.filter(version=version).first()
    if model is None:
        raise ScoreModelNotFound(details={"version": version})
    return model_view(model)
