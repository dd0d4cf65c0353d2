"""Demo data for suitability and privacy: risk assessments for the demo customers, and a couple
of personal-data requests so the compliance worklist has something to show.

Two steps for ``hujin.demo.loader.STEPS`` (after the customers step):
``demo_suitability_step`` and ``demo_privacy_step``. Both are idempotent.
"""

import uuid
from datetime import datetime, timedelta

from hujin.core.actors import Actor
from hujin.demo.loader import DemoContext
from hujin.identity.selectors import customer_actor_get, customer_login_ids
from hujin.privacy.selectors import data_requests_for_user
from hujin.privacy.services import data_request_create
from hujin.suitability.selectors import questionnaire_active, risk_profile_latest
from hujin.suitability.services import assessment_submit

# Option numbers (from 1, in the order shown) per question code of questionnaire v1, one dict per
# demo profile.
PROFILES = {
    # 8+4+4+3+4+4+3+4+7+8 = 49 -> C3 Balanced
    "balanced": {
        "age": 1,
        "annual_income": 2,
        "investable_assets": 2,
        "experience": 2,
        "knowledge": 2,
        "horizon": 2,
        "loss_tolerance": 2,
        "purpose": 2,
        "income_stability": 3,
        "asset_share": 3,
    },
    # 10+7+7+8+7+10+8+7+10+8 = 82 -> C5 Aggressive
    "aggressive": {
        "age": 2,
        "annual_income": 3,
        "investable_assets": 3,
        "experience": 4,
        "knowledge": 3,
        "horizon": 4,
        "loss_tolerance": 4,
        "purpose": 3,
        "income_stability": 4,
        "asset_share": 3,
    },
    # 6+4+4+3+4+4+0(cap C1)+1+7+8 -> C1 Conservative (cannot bear any loss)
    "conservative": {
        "age": 3,
        "annual_income": 2,
        "investable_assets": 2,
        "experience": 2,
        "knowledge": 2,
        "horizon": 2,
        "loss_tolerance": 1,
        "purpose": 1,
        "income_stability": 3,
        "asset_share": 3,
    },
}


def _answers(profile: dict[str, int], *, now: datetime) -> dict[str, str]:
    """The option ids of the questionnaire in force at ``now`` that ``profile`` picks."""
    questions = questionnaire_active(now=now).questions
    return {q.code: str(q.options[profile[q.code] - 1].id) for q in questions}


def _customers(actor: Actor) -> list[tuple[uuid.UUID, Actor]]:
    """Every active customer login, oldest first, with the Actor each acts as."""
    return [
        (user_id, customer_actor_get(actor=actor, user_id=user_id))
        for user_id in customer_login_ids(actor=actor)
    ]


def demo_suitability_step(ctx: DemoContext) -> None:
    """Every active demo customer without an assessment gets one, profiles in turn (taken this
    morning: after the latest of them signed up)."""
    names = list(PROFILES)
    assessed = 0
    when = ctx.now - timedelta(hours=6)
    for index, (user_id, actor) in enumerate(_customers(ctx.actor)):
        if risk_profile_latest(user_id=user_id, now=ctx.now) is not None:
            continue
        profile = PROFILES[names[index % len(names)]]
        assessment_submit(
            user_id=user_id, answers=_answers(profile, now=when), actor=actor, now=when
        )
        assessed += 1
    if assessed:
        ctx.report.notes.append(f"Risk assessments: {assessed} demo customers assessed.")


def demo_privacy_step(ctx: DemoContext) -> None:
    """One correction request (overdue) and one fresh deletion request, from demo customers."""
    customers = _customers(ctx.actor)
    if len(customers) < 2:
        return
    if not _has_requests([user_id for user_id, _ in customers[:2]], ctx.now):
        (first, first_actor), (second, second_actor) = customers[0], customers[1]
        data_request_create(
            user_id=first,
            kind="correction",
            field="address",
            details="I have moved to Pudong, Shanghai · 我已搬到上海浦东",
            actor=first_actor,
            now=ctx.now - timedelta(days=16),
        )
        data_request_create(
            user_id=second,
            kind="deletion",
            details="I no longer use Hujin · 我不再使用互金",
            actor=second_actor,
            now=ctx.now - timedelta(days=2),
        )
    ctx.report.notes.append(
        f"Personal-data requests (a correction, a deletion): {ctx.report.url('/privacy/requests/')}"
    )


def _has_requests(user_ids: list[uuid.UUID], now: datetime) -> bool:
    """Whether these customers already made a request other than a data download (the step ran)."""
    return any(
        request.kind != "access"
        for user_id in user_ids
        for request in data_requests_for_user(user_id=user_id, now=now)
    )
