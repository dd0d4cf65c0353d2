"""The console's pages over the rule store:

- "Risk rules" (``risk.view_risk``): every rule with its name in the page's language, its code,
  what it does, its score and what is in force (live vN, shadow vM, what waits for a checker);
- a rule's page: what is live and what is tried in shadow, each condition in a monospace block,
  what the shadow version would have fired on, and every version with who wrote and who decided
  it; an analyst (``risk.edit_rules``) proposes a version for shadow or live, or a retirement;
- the editor: a new rule, or a rule's next version prefilled from its latest; the condition is
  checked as it is typed (htmx), its error shown under it with the line, the column and the
  name probably meant.

Putting in force is decided in the approvals inbox by another person. Each view makes one
domain call; a refusal is said next to the field it names."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from hujin.core.approvals import ApprovalAlreadyPending, ApprovalReasonRequired
from hujin.core.errors import InvalidInput
from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.core.navigation import url_if_mounted
from hujin.identity.access import staff_actor, staff_required
from hujin.risk import selectors, services
from hujin.risk.errors import (
    ExpressionInvalid,
    RuleInvalid,
    RuleNotFound,
    RuleStateInvalid,
)
from hujin.risk.expressions import expression_parse
from hujin.risk.forms_rules import RuleForm, condition_error_text, condition_problem, refused
from hujin.risk.permissions import EDIT_RULES, VIEW_RISK
from hujin.risk.rulebook_names import OUTCOMES, state_key, target_words

FIELDS = ("name_en", "name_zh", "condition", "outcome", "score", "reason_en", "reason_zh",
          "source", "note")  # fmt: skip


PROPOSED = {
    "shadow": gettext_lazy("Proposed for shadow: it waits for another analyst's approval in the "
                           "approvals inbox."),
    "live": gettext_lazy("Proposed live: it waits for another analyst's approval in the "
                         "approvals inbox."),
}  # fmt: skip


def _zh() -> bool:
    return (get_language() or "").startswith("zh")


def _in_language(row, field: str) -> str:
    return getattr(row, f"{field}_zh" if _zh() else f"{field}_en")


VIEW_APPROVALS = "core.view_approvals"


def _approval_url(approval_id: str, may_open: bool) -> str:
    if not approval_id or not may_open:
        return ""
    return url_if_mounted("compliance:approval_detail", [approval_id]) or ""


def _version(row, may_open_approvals: bool = False) -> dict:
    return {
        "v": row, "name": _in_language(row, "name"), "reason": _in_language(row, "reason"),
        "outcome_label": OUTCOMES.get(row.outcome, row.outcome), "state": state_key(row.state),
        "waiting": target_words(row.proposed_state) if row.proposed_state else "",
        "approval_url": _approval_url(row.approval_id, may_open_approvals),
    }  # fmt: skip


def _actor(request):
    return staff_actor(request.user)


@require_GET
@staff_required(permission=VIEW_RISK)
def rules(request):
    try:
        rows = selectors.rule_list(actor=_actor(request))
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RISK) from None
    listed = [
        {"r": row, "name": _in_language(row, "name"),
         "outcome_label": OUTCOMES.get(row.outcome, row.outcome),
         "waiting": [(number, target_words(target)) for number, target in row.waiting]}
        for row in rows
    ]  # fmt: skip
    may_edit = request.user.has_perm(EDIT_RULES)
    return render(request, "risk/rules.html", {"rules": listed, "may_edit": may_edit})


def _history(request, code: str):
    try:
        return selectors.rule_history(actor=_actor(request), code=code)
    except RuleNotFound:
        raise Http404("no such rule") from None
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RISK) from None


def _rule_page(request, history, *, errors=None, status=200):
    shadow = None
    if history.shadow is not None:
        shadow = selectors.shadow_results(actor=_actor(request), version_id=history.shadow.id)
    may_propose_draft = history.may_edit and history.latest.state == "draft"
    may_propose_shadow = (history.may_edit and history.shadow is not None
                          and not history.shadow.proposed_state)  # fmt: skip
    may_retire = history.may_edit and any(
        v is not None and not v.proposed_state for v in (history.live, history.shadow)
    )
    context = {
        "h": history, "latest": _version(history.latest),
        "may_move": may_propose_draft or may_propose_shadow or may_retire,
        "live": _version(history.live) if history.live else None,
        "shadow": _version(history.shadow) if history.shadow else None,
        "shadow_results": shadow,
        "versions": [_version(v, request.user.has_perm(VIEW_APPROVALS)) for v in history.versions],
        "errors": errors or {},
    }  # fmt: skip
    return render(request, "risk/rule.html", context, status=status)


@require_GET
@staff_required(permission=VIEW_RISK)
def rule(request, code: str):
    return _rule_page(request, _history(request, code))


def _written(request, form, code: str, *, new: bool = False):
    """Write the version the form holds; None (and the refusal on the form) when refused."""
    data = form.cleaned_data
    try:
        return services.rule_version_write(
            actor=_actor(request), code=code, now=timezone.now(), new=new,
            **{f: data[f] for f in FIELDS},
        )  # fmt: skip
    except HujinPermissionDenied:
        raise PermissionDenied(EDIT_RULES) from None
    except ExpressionInvalid as error:
        problem = condition_problem(error, data["condition"])
        form.add_error("condition", condition_error_text(problem))
        form.condition_problem = problem  # the line with a caret, under the field
    except RuleInvalid as error:
        refused(form, error)
    return None


def _editor(request, form, *, history=None, status=200):
    return render(request, "risk/rule_edit.html", {"form": form, "h": history}, status=status)


@require_http_methods(["GET", "POST"])
@staff_required(permission=EDIT_RULES)
def rule_new(request):
    form = RuleForm(request.POST or None, new=True)
    if request.method == "POST" and form.is_valid():
        version = _written(request, form, form.cleaned_data["code"].strip(), new=True)
        if version is not None:
            messages.success(
                request,
                _(
                    "Version %(n)d is written as a draft. Propose it for "
                    "shadow or live when it is ready."
                )
                % {"n": version.number},
            )
            return redirect("risk:rule", code=version.code)
    return _editor(request, form, status=400 if form.is_bound else 200)


@require_http_methods(["GET", "POST"])
@staff_required(permission=EDIT_RULES)
def rule_write(request, code: str):
    history = _history(request, code)
    form = RuleForm(request.POST) if request.method == "POST" else RuleForm.of(history.latest)
    if request.method == "POST" and form.is_valid():
        version = _written(request, form, history.code)
        if version is not None:
            messages.success(
                request,
                _(
                    "Version %(n)d is written as a draft. Propose it for "
                    "shadow or live when it is ready."
                )
                % {"n": version.number},
            )
            return redirect("risk:rule", code=version.code)
    return _editor(request, form, history=history, status=400 if form.is_bound else 200)


@require_POST
@staff_required(permission=EDIT_RULES)
def condition_check(request):
    """The condition checked as it is typed: its error with where it is, or what it reads."""
    text = request.POST.get("condition", "")
    problem, parsed = None, None
    try:
        parsed = expression_parse(text) if text.strip() else None
    except ExpressionInvalid as error:
        problem = condition_problem(error, text)
        problem["text"] = condition_error_text(problem)
    context = {
        "problem": problem,
        "names": sorted(parsed.names) if parsed else [],
        "aggregates": [a.label for a in parsed.aggregates] if parsed else [],
        "empty": not text.strip(),
    }  # fmt: skip
    return render(request, "risk/_condition_check.html", context)


def _move_refused(request, history, field: str, message: str, **more):
    return _rule_page(request, history, errors={field: message, **more}, status=400)


@require_POST
@staff_required(permission=EDIT_RULES)
def rule_propose(request, code: str):
    history = _history(request, code)
    target, reason = request.POST.get("target", ""), request.POST.get("reason", "")
    version_id = request.POST.get("version", "")
    if version_id not in {v.id for v in history.versions}:
        raise Http404("no such version of this rule")
    try:
        services.rule_version_propose(actor=_actor(request), version_id=version_id,
                                      target=target, reason=reason, now=timezone.now())  # fmt: skip
    except HujinPermissionDenied:
        raise PermissionDenied(EDIT_RULES) from None
    except ApprovalReasonRequired:
        return _move_refused(request, history, "propose",
                             _("Write why: the checker reads it before deciding."),
                             propose_version=version_id)  # fmt: skip
    except (RuleStateInvalid, ApprovalAlreadyPending, RuleInvalid, InvalidInput) as error:
        return _move_refused(request, history, "propose", str(error.message),
                             propose_version=version_id)  # fmt: skip
    messages.success(request, PROPOSED[target])
    return redirect("risk:rule", code=history.code)


@require_POST
@staff_required(permission=EDIT_RULES)
def rule_retire(request, code: str):
    history = _history(request, code)
    state, reason = request.POST.get("state", ""), request.POST.get("reason", "")
    field = f"retire_{state}" if state in ("live", "shadow") else "retire_live"
    try:
        services.rule_retire(actor=_actor(request), code=history.code, state=state,
                             reason=reason, now=timezone.now())  # fmt: skip
    except HujinPermissionDenied:
        raise PermissionDenied(EDIT_RULES) from None
    except ApprovalReasonRequired:
        return _move_refused(request, history, field,
                             _("Write why: the checker reads it before deciding."))  # fmt: skip
    except (RuleStateInvalid, ApprovalAlreadyPending, RuleInvalid, RuleNotFound,
            InvalidInput) as error:  # fmt: skip
        return _move_refused(request, history, field, str(error.message))
    messages.success(request, _("Retirement proposed: the rule stays in force until another "
                                "analyst approves it in the approvals inbox."))  # fmt: skip
    return redirect("risk:rule", code=history.code)
