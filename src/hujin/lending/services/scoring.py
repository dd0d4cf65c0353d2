"""The models that score an application: the champion and the challengers in force, read on
every call (a promotion made by another process counts at once), their artefacts kept per
process (``scorecard.cache``: an artefact never changes once registered), and one model's score
of an application's features."""

import uuid
from dataclasses import dataclass

from hujin.core.sql import Dialect, hot_rows
from hujin.lending import types as t
from hujin.lending.models import ScoreModel
from hujin.lending.scorecard.artefact import score as score_with
from hujin.lending.scorecard.cache import ArtefactCache

_artefacts = ArtefactCache()


@dataclass(frozen=True, slots=True)
class InForce:
    id: uuid.UUID
    version: int
    artefact: dict


def _artefacts_load(keys: list) -> dict:
    rows = ScoreModel.objects.filter(id__in=[model_id for model_id, _ in keys]).values_list(
        "id", "version", "artefact"
    )
    return {(model_id, version): artefact for model_id, version, artefact in rows}


def models_in_force() -> tuple[InForce | None, list[InForce]]:
    """The champion (None before the first is registered) and the challengers, newest first:
    which they are is read on every call (a promotion elsewhere counts at once), their
    artefacts come from this process's cache (scorecard.cache)."""
    d = Dialect()
    rows = [(d.uuid_out(model_id), version, role)
            for model_id, version, role in hot_rows(d, _IN_FORCE_SQL, [])]  # fmt: skip
    artefacts = _artefacts.get_many([(i, v) for i, v, _ in rows], load=_artefacts_load)
    champion, challengers = None, []
    for model_id, version, role in rows:
        model = InForce(model_id, version, artefacts[(model_id, version)])
        if role == t.MODEL_CHAMPION:
            champion = model
        else:
            challengers.append(model)
    return champion, challengers


_IN_FORCE_SQL = (
    "SELECT id, version, role FROM lending_scoremodel "
    f"WHERE role IN ('{t.MODEL_CHAMPION}', '{t.MODEL_CHALLENGER}') ORDER BY version DESC"
)


def scored(artefact, features) -> tuple[int, dict, list]:
    result = score_with(artefact, features)
    return result.score, dict(result.points), list(result.reasons)
