"""Suitability pages: the customer's questionnaire, result and history; the console's list of
questionnaire versions. Each view makes one domain call."""

import uuid

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from hujin.core.errors import HujinError
from hujin.identity.access import customer_actor, customer_required, staff_required
from hujin.suitability import selectors, services
from hujin.suitability.errors import AssessmentNotFound, QuestionnaireUnavailable
from hujin.suitability.levels import PRODUCT_LEVEL_LABELS, PRODUCT_LEVELS
from hujin.suitability.permissions import VIEW_QUESTIONNAIRES

FIELD_PREFIX = "q_"


def _form_rows(questionnaire, chosen: dict[str, str]) -> list[dict]:
    """Questions with their options, each option marked when it is the chosen one."""
    return [
        {
            "question": q,
            "field": FIELD_PREFIX + q.code,
            "options": [
                {"option": o, "checked": chosen.get(q.code) == str(o.id)} for o in q.options
            ],
            "missing": False,
        }
        for q in questionnaire.questions
    ]


@customer_required
@require_http_methods(["GET", "POST"])
def questionnaire(request):
    now = timezone.now()
    try:
        current = selectors.questionnaire_active(now=now)
    except QuestionnaireUnavailable as exc:
        return render(request, "suitability/unavailable.html", {"message": exc.message}, status=503)
    chosen: dict[str, str] = {}
    error = None
    missing: list[str] = []
    if request.method == "POST":
        chosen = {
            key.removeprefix(FIELD_PREFIX): value
            for key, value in request.POST.items()
            if key.startswith(FIELD_PREFIX)
        }
        try:
            assessment = services.assessment_submit(
                user_id=request.user.pk,
                answers=chosen,
                actor=customer_actor(request.user),
                now=now,
            )
        except HujinError as exc:
            error = exc.message
            missing = list(exc.details.get("missing", []))
        else:
            messages.success(request, _("Thank you. Your risk tolerance has been assessed."))
            return redirect("suitability:result", assessment_id=assessment.id)
    rows = _form_rows(current, chosen)
    for row in rows:
        row["missing"] = row["question"].code in missing
    context = {
        "questionnaire": current,
        "rows": rows,
        "error": error,
        "latest": selectors.risk_profile_latest(user_id=request.user.pk, now=now),
        "retakes_left": selectors.retakes_left_today(user_id=request.user.pk, now=now),
        "retakes_per_day": services.RETAKES_PER_DAY,
    }
    return render(request, "suitability/questionnaire.html", context, status=400 if error else 200)


@customer_required
def result(request, assessment_id: uuid.UUID):
    now = timezone.now()
    try:
        profile = selectors.assessment_get_for_user(
            user_id=request.user.pk, assessment_id=assessment_id, now=now
        )
    except AssessmentNotFound:
        raise Http404("no such assessment") from None
    allowed = set(profile.product_levels)
    context = {
        "profile": profile,
        "product_rows": [
            {"level": level, "label": PRODUCT_LEVEL_LABELS[level], "allowed": level in allowed}
            for level in PRODUCT_LEVELS
        ],
    }
    return render(request, "suitability/result.html", context)


@customer_required
def history(request):
    now = timezone.now()
    rows = selectors.assessment_history(user_id=request.user.pk, now=now)
    return render(request, "suitability/history.html", {"rows": rows})


@staff_required(permission=VIEW_QUESTIONNAIRES)
def questionnaire_versions(request):
    return render(
        request,
        "suitability/console_questionnaires.html",
        {"questionnaires": selectors.questionnaire_list()},
    )
