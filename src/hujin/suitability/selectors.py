"""Suitability's reads. Pages and other modules get plain values, never querysets."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.utils.functional import Promise
from django.utils.translation import get_language

from hujin.core.dates import calendar_date_at
from hujin.core.sql import Dialect, hot_rows
from hujin.suitability.errors import AssessmentNotFound, QuestionnaireUnavailable
from hujin.suitability.levels import (
    LEVEL_DESCRIPTIONS,
    LEVEL_LABELS,
    PRODUCT_LEVEL_LABELS,
    product_levels_allowed,
)
from hujin.suitability.models import Assessment, Option, Question, Questionnaire
from hujin.suitability.services import RETAKES_PER_DAY


def _zh() -> bool:
    return (get_language() or "").lower().startswith("zh")


def _text(obj, field: str) -> str:
    """The Chinese or English text of a bilingual row, following the active language."""
    return getattr(obj, f"{field}_zh" if _zh() else f"{field}_en")


@dataclass(frozen=True, slots=True)
class OptionView:
    id: uuid.UUID
    text: str
    text_en: str
    text_zh: str
    score: int
    caps_level: str


@dataclass(frozen=True, slots=True)
class QuestionView:
    id: uuid.UUID
    code: str
    order: int
    text: str
    text_en: str
    text_zh: str
    options: list[OptionView]


@dataclass(frozen=True, slots=True)
class QuestionnaireView:
    id: uuid.UUID
    version: int
    status: str
    status_label: str
    effective_from: datetime
    title: str
    questions: list[QuestionView]
    max_score: int


@dataclass(frozen=True, slots=True)
class RiskProfile:
    """A customer's assessment, as other modules and pages read it."""

    assessment_id: uuid.UUID
    level: str  # "C1".."C5"
    label: str | Promise  # translated: 保守 / Conservative ...
    description: str | Promise
    score: int
    max_score: int
    score_level: str
    capped_by: tuple[str, ...]
    assessed_at: datetime
    expires_at: datetime
    questionnaire_version: int
    product_levels: tuple[str, ...]  # ("R1", ..., "Rn")
    is_expired: bool

    @property
    def product_level_rows(self) -> list[tuple[str, str | Promise]]:
        return [(level, PRODUCT_LEVEL_LABELS[level]) for level in self.product_levels]


def _questionnaire_view(questionnaire: Questionnaire) -> QuestionnaireView:
    questions = list(Question.objects.filter(questionnaire=questionnaire).order_by("order"))
    by_question: dict[uuid.UUID, list[OptionView]] = {q.id: [] for q in questions}
    for option in Option.objects.filter(question__questionnaire=questionnaire).order_by(
        "question_id", "order"
    ):
        by_question[option.question_id].append(
            OptionView(
                id=option.id,
                text=_text(option, "text"),
                text_en=option.text_en,
                text_zh=option.text_zh,
                score=option.score,
                caps_level=option.caps_level,
            )
        )
    views = [
        QuestionView(
            id=q.id,
            code=q.code,
            order=q.order,
            text=_text(q, "text"),
            text_en=q.text_en,
            text_zh=q.text_zh,
            options=by_question[q.id],
        )
        for q in questions
    ]
    return QuestionnaireView(
        id=questionnaire.id,
        version=questionnaire.version,
        status=questionnaire.status,
        status_label=str(questionnaire.get_status_display()),
        effective_from=questionnaire.effective_from,
        title=_text(questionnaire, "title"),
        questions=views,
        max_score=sum(max((o.score for o in q.options), default=0) for q in views),
    )


def questionnaire_active(*, now: datetime) -> QuestionnaireView:
    """The questionnaire customers answer now. Raises QuestionnaireUnavailable."""
    questionnaire = Questionnaire.objects.filter(
        status=Questionnaire.Status.ACTIVE, effective_from__lte=now
    ).first()
    if questionnaire is None:
        raise QuestionnaireUnavailable()
    return _questionnaire_view(questionnaire)


def questionnaire_list() -> list[QuestionnaireView]:
    """Every version, newest first, with its questions (the console's read-only view)."""
    return [_questionnaire_view(q) for q in Questionnaire.objects.order_by("-version")]


def _profile(assessment: Assessment, *, now: datetime) -> RiskProfile:
    return RiskProfile(
        assessment_id=assessment.id,
        level=assessment.level,
        label=LEVEL_LABELS[assessment.level],
        description=LEVEL_DESCRIPTIONS[assessment.level],
        score=assessment.score,
        max_score=assessment.max_score,
        score_level=assessment.score_level,
        capped_by=tuple(assessment.capped_by),
        assessed_at=assessment.assessed_at,
        expires_at=assessment.expires_at,
        questionnaire_version=assessment.questionnaire.version,
        product_levels=product_levels_allowed(assessment.level),
        is_expired=assessment.expires_at <= now,
    )


def risk_profile_current(*, user_id: uuid.UUID | str, now: datetime) -> RiskProfile | None:
    """The customer's latest assessment if still valid at ``now``; None when never assessed or
    when the latest one has expired (an expired result allows nothing)."""
    latest = (
        Assessment.objects.select_related("questionnaire")
        .filter(user_id=user_id)
        .order_by("-assessed_at", "-id")
        .first()
    )
    if latest is None or latest.expires_at <= now:
        return None
    return _profile(latest, now=now)


def risk_level_current(*, user_id: uuid.UUID | str, now: datetime) -> str | None:
    """The level (``"C1"``..``"C5"``) of ``risk_profile_current``, read alone in one plain
    statement: what a credit decision reads of the customer's risk assessment."""
    d = Dialect()
    rows = hot_rows(d, _LATEST_SQL, [d.uuid_in(uuid.UUID(str(user_id)))])
    if not rows or d.datetime_out(rows[0][1]) <= now:
        return None
    return rows[0][0]


_LATEST_SQL = (
    "SELECT level, expires_at FROM suitability_assessment WHERE user_id = %s "
    "ORDER BY assessed_at DESC, id DESC LIMIT 1"
)


def risk_profile_latest(*, user_id: uuid.UUID | str, now: datetime) -> RiskProfile | None:
    """The latest assessment even if expired (``is_expired`` says so); None when never assessed."""
    latest = (
        Assessment.objects.select_related("questionnaire")
        .filter(user_id=user_id)
        .order_by("-assessed_at", "-id")
        .first()
    )
    return _profile(latest, now=now) if latest is not None else None


def assessment_history(*, user_id: uuid.UUID | str, now: datetime) -> list[RiskProfile]:
    """All of the customer's assessments, newest first."""
    rows = (
        Assessment.objects.select_related("questionnaire")
        .filter(user_id=user_id)
        .order_by("-assessed_at", "-id")
    )
    return [_profile(a, now=now) for a in rows]


def assessment_get_for_user(
    *, user_id: uuid.UUID | str, assessment_id: uuid.UUID | str, now: datetime
) -> RiskProfile:
    """One of the customer's own assessments. Raises AssessmentNotFound for anyone else's."""
    try:
        assessment_id = uuid.UUID(str(assessment_id))
    except ValueError:
        raise AssessmentNotFound() from None
    assessment = (
        Assessment.objects.select_related("questionnaire")
        .filter(pk=assessment_id, user_id=user_id)
        .first()
    )
    if assessment is None:
        raise AssessmentNotFound()
    return _profile(assessment, now=now)


def retakes_left_today(*, user_id: uuid.UUID | str, now: datetime) -> int:
    taken = Assessment.objects.filter(user_id=user_id, assessed_on=calendar_date_at(now)).count()
    return max(0, RETAKES_PER_DAY - taken)


def assessment_export(*, user_id: uuid.UUID | str) -> dict:
    """Everything suitability holds about a customer, for their PIPL data download."""
    rows = list(
        Assessment.objects.select_related("questionnaire")
        .filter(user_id=user_id)
        .order_by("assessed_at", "id")
    )
    option_ids = {oid for a in rows for oid in a.answers.values()}
    options = {
        str(o.id): o for o in Option.objects.select_related("question").filter(id__in=option_ids)
    }
    return {
        "assessments": [
            {
                "id": str(a.id),
                "questionnaire_version": a.questionnaire.version,
                "assessed_at": a.assessed_at.isoformat(),
                "expires_at": a.expires_at.isoformat(),
                "score": a.score,
                "max_score": a.max_score,
                "level": a.level,
                "score_level": a.score_level,
                "capped_by": list(a.capped_by),
                "answers": [
                    {
                        "question": code,
                        "question_text": options[oid].question.text_en if oid in options else "",
                        "question_text_zh": options[oid].question.text_zh if oid in options else "",
                        "answer": options[oid].text_en if oid in options else "",
                        "answer_zh": options[oid].text_zh if oid in options else "",
                        "score": options[oid].score if oid in options else None,
                    }
                    for code, oid in a.answers.items()
                ],
            }
            for a in rows
        ]
    }
