"""Demo data for suitability and privacy: risk assessments for the demo customers, and a couple
of personal-data requests so the compliance worklist has something to show.

Two steps for ``hujin.demo.loader.STEPS`` (after the customers step):
``demo_suitability_step`` and ``demo_privacy_step``. Both are idempotent.
"""

from datetime import timedelta

from hujin.demo.loader import DemoContext
from hujin.identity.access import customer_actor
from hujin.identity.models import User
from hujin.privacy.models import DataSubjectRequest
from hujin.privacy.services import data_request_create
from hujin.suitability.migrations._seed_v1 import QUESTIONS, option_id
from hujin.suitability.models import Assessment
from hujin.suitability.services import assessment_submit

# Option numbers (from 1) per question code of questionnaire v1, one dict per demo profile.
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


def _answers(profile: dict[str, int]) -> dict[str, str]:
    return {code: str(option_id(code, profile[code])) for code, *_ in QUESTIONS}


def _customers() -> list[User]:
    return list(
        User.objects.filter(kind=User.Kind.CUSTOMER, is_active=True).order_by("date_joined", "id")
    )


def demo_suitability_step(ctx: DemoContext) -> None:
    """Every active demo customer without an assessment gets one, profiles in turn."""
    names = list(PROFILES)
    assessed = 0
    for index, user in enumerate(_customers()):
        if Assessment.objects.filter(user=user).exists():
            continue
        profile = PROFILES[names[index % len(names)]]
        assessment_submit(
            user_id=user.pk,
            answers=_answers(profile),
            actor=customer_actor(user),
            now=ctx.now - timedelta(days=30),
        )
        assessed += 1
    if assessed:
        ctx.report.notes.append(f"Risk assessments: {assessed} demo customers assessed.")


def demo_privacy_step(ctx: DemoContext) -> None:
    """One correction request (overdue) and one fresh deletion request, from demo customers."""
    customers = _customers()
    if len(customers) < 2 or DataSubjectRequest.objects.exclude(kind="access").exists():
        return
    first, second = customers[0], customers[1]
    data_request_create(
        user_id=first.pk,
        kind="correction",
        field="address",
        details="My address changed: I moved to Pudong, Shanghai in January.",
        actor=customer_actor(first),
        now=ctx.now - timedelta(days=16),
    )
    data_request_create(
        user_id=second.pk,
        kind="deletion",
        details="I no longer use Hujin.",
        actor=customer_actor(second),
        now=ctx.now - timedelta(days=2),
    )
    ctx.report.notes.append(
        "Personal-data requests: 2 waiting in the console (/privacy/requests/)."
    )
