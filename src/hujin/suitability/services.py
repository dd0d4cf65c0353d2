"""Suitability's writes: a customer submits the risk-tolerance questionnaire.

Rules (docs/modules/suitability.md):
- answers are given to the one active questionnaire version; every question answered, each with
  one of its own options;
- the score maps to C1–C5 by the bands in ``levels``; an option with ``caps_level`` lowers the
  result to at most that level whatever the score (age over 70 -> C2, cannot bear any loss -> C1);
- a result is valid for 12 months (VALIDITY_MONTHS);
- at most RETAKES_PER_DAY submissions per customer per calendar day in the business time zone;
- every submission is a new Assessment: history is never overwritten.
"""

import calendar
import uuid
from collections.abc import Mapping
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Q

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.dates import calendar_date_at
from hujin.core.events import event_emit
from hujin.suitability.errors import (
    AnswerInvalid,
    AnswersIncomplete,
    NotACustomer,
    QuestionnaireIncomplete,
    QuestionnaireManagementDenied,
    QuestionnaireNotDraft,
    QuestionnaireNotFound,
    QuestionnaireUnavailable,
    RetakeLimitReached,
)
from hujin.suitability.levels import level_for_score, level_min
from hujin.suitability.models import Assessment, Option, Question, Questionnaire

VALIDITY_MONTHS = 12
RETAKES_PER_DAY = 3


def add_months(moment: datetime, months: int) -> datetime:
    """Same day and time ``months`` later; the 31st becomes the month's last day."""
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def _active_questionnaire(now: datetime) -> Questionnaire:
    questionnaire = Questionnaire.objects.filter(
        status=Questionnaire.Status.ACTIVE, effective_from__lte=now
    ).first()
    if questionnaire is None:
        raise QuestionnaireUnavailable()
    return questionnaire


def _score(
    questionnaire: Questionnaire, answers: Mapping[str, object]
) -> tuple[dict[str, str], int, int, list[tuple[str, str]]]:
    """Check the answers; return (clean answers, score, max score, [(question code, cap)])."""
    questions = list(Question.objects.filter(questionnaire=questionnaire).order_by("order"))
    options: dict[uuid.UUID, Option] = {
        o.id: o for o in Option.objects.filter(question__questionnaire=questionnaire)
    }
    max_by_question: dict[uuid.UUID, int] = {}
    for option in options.values():
        max_by_question[option.question_id] = max(
            max_by_question.get(option.question_id, 0), option.score
        )
    codes = {q.code for q in questions}
    missing = [q.code for q in questions if not answers.get(q.code)]
    unknown = sorted(str(code)[:40] for code in answers if code not in codes)
    if missing or unknown:
        raise AnswersIncomplete(details={"missing": missing, "unknown": unknown})
    clean: dict[str, str] = {}
    score = 0
    caps: list[tuple[str, str]] = []
    for question in questions:
        raw = answers[question.code]
        try:
            option = options.get(uuid.UUID(str(raw)))
        except ValueError:
            option = None
        if option is None or option.question_id != question.id:
            raise AnswerInvalid(details={"question": question.code})
        clean[question.code] = str(option.id)
        score += option.score
        if option.caps_level:
            caps.append((question.code, option.caps_level))
    return clean, score, sum(max_by_question.values()), caps


def assessment_submit(
    *, user_id: uuid.UUID | str, answers: Mapping[str, object], actor: Actor, now: datetime
) -> Assessment:
    """Score ``answers`` ({question code: option id}) to a level and record a new assessment.

    Raises NotACustomer, QuestionnaireUnavailable, AnswersIncomplete, AnswerInvalid,
    RetakeLimitReached. Emits ``suitability.assessed``.
    """
    User = get_user_model()
    with transaction.atomic():
        # Locking the customer serialises their submissions, so the daily limit holds even
        # when two arrive at once on different app servers.
        user = User.objects.select_for_update(no_key=True).filter(pk=user_id).first()
        if user is None or getattr(user, "kind", None) != "customer" or not user.is_active:
            raise NotACustomer()
        questionnaire = _active_questionnaire(now)
        clean, score, max_score, caps = _score(questionnaire, answers)
        assessed_on = calendar_date_at(now)
        taken_today = Assessment.objects.filter(user=user, assessed_on=assessed_on).count()
        if taken_today >= RETAKES_PER_DAY:
            raise RetakeLimitReached(
                str(RetakeLimitReached.message) % {"limit": RETAKES_PER_DAY},
                details={"limit": RETAKES_PER_DAY, "date": assessed_on.isoformat()},
            )
        score_level = level_for_score(score=score, max_score=max_score)
        level = score_level
        for _code, cap in caps:
            level = level_min(level, cap)
        assessment = Assessment.objects.create(
            user=user,
            questionnaire=questionnaire,
            answers=clean,
            score=score,
            max_score=max_score,
            score_level=score_level,
            level=level,
            capped_by=sorted(code for code, cap in caps if cap == level and level != score_level),
            assessed_at=now,
            assessed_on=assessed_on,
            expires_at=add_months(now, VALIDITY_MONTHS),
        )
        summary = {
            "questionnaire_version": questionnaire.version,
            "score": score,
            "max_score": max_score,
            "level": level,
            "score_level": score_level,
            "capped_by": assessment.capped_by,
            "expires_at": assessment.expires_at.isoformat(),
        }
        audit_record(
            actor=actor,
            action="suitability.assessed",
            target_type="risk_assessment",
            target_id=str(assessment.id),
            occurred_at=now,
            after={"user_id": str(user.pk), **summary},
        )
        event_emit(
            aggregate_type="risk_profile",
            aggregate_id=str(user.pk),
            event_type="suitability.assessed",
            payload={"user_id": str(user.pk), "assessment_id": str(assessment.id), **summary},
            occurred_at=now,
        )
    return assessment


def _check_complete(questionnaire: Questionnaire) -> None:
    questions = list(
        Question.objects.filter(questionnaire=questionnaire).prefetch_related("options")
    )
    texts = [questionnaire.title_en, questionnaire.title_zh]
    if not questions:
        raise QuestionnaireIncomplete(details={"questions": 0})
    for question in questions:
        options = list(question.options.all())
        if len(options) < 2:
            raise QuestionnaireIncomplete(details={"question": question.code})
        texts += [question.text_en, question.text_zh]
        texts += [text for o in options for text in (o.text_en, o.text_zh)]
    if not all(text.strip() for text in texts) or not any(
        o.score for q in questions for o in q.options.all()
    ):
        raise QuestionnaireIncomplete(details={"texts": "missing"})


def questionnaire_activate(
    *, questionnaire_id: uuid.UUID | str, actor: Actor, now: datetime
) -> Questionnaire:
    """Make a draft version the one customers answer from ``now``; the active one retires.

    Past assessments keep their version and stay valid until they expire. Questionnaires are
    versioned data shipped by data migrations, so only the system activates one. Raises
    QuestionnaireManagementDenied, QuestionnaireNotFound, QuestionnaireNotDraft,
    QuestionnaireIncomplete. Emits ``suitability.questionnaire_activated``.
    """
    if actor.kind != "system":
        raise QuestionnaireManagementDenied()
    try:
        questionnaire_id = uuid.UUID(str(questionnaire_id))
    except ValueError:
        raise QuestionnaireNotFound() from None
    with transaction.atomic():
        rows = list(
            Questionnaire.objects.select_for_update()
            .filter(Q(pk=questionnaire_id) | Q(status=Questionnaire.Status.ACTIVE))
            .order_by("pk")
        )
        target = next((q for q in rows if q.pk == questionnaire_id), None)
        if target is None:
            raise QuestionnaireNotFound()
        if target.status != Questionnaire.Status.DRAFT:
            raise QuestionnaireNotDraft(details={"status": target.status})
        _check_complete(target)
        retired = [q for q in rows if q.status == Questionnaire.Status.ACTIVE]
        for old in retired:
            old.status = Questionnaire.Status.RETIRED
            old.save(update_fields=["status"])
        target.status = Questionnaire.Status.ACTIVE
        target.effective_from = now
        target.save(update_fields=["status", "effective_from"])
        summary = {
            "version": target.version,
            "retired_versions": [q.version for q in retired],
            "effective_from": now.isoformat(),
        }
        audit_record(
            actor=actor,
            action="suitability.questionnaire_activated",
            target_type="risk_questionnaire",
            target_id=str(target.id),
            occurred_at=now,
            before={"status": "draft"},
            after={"status": "active", **summary},
        )
        event_emit(
            aggregate_type="risk_questionnaire",
            aggregate_id=str(target.id),
            event_type="suitability.questionnaire_activated",
            payload=summary,
            occurred_at=now,
        )
    return target
