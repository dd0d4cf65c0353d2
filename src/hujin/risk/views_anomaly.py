"""The console's anomaly model page (``risk.view_risk`` to see, ``risk.edit_rules`` to propose a
version for activation; a checker holding ``risk.approve_rules`` approves it in the approvals
inbox): the versions with their figures, and the latest business date's top anomalies with the
features that made each customer's day unusual. Each view makes one domain call."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from hujin.core.approvals import ApprovalReasonRequired
from hujin.core.errors import InvalidInput
from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.core.navigation import url_if_mounted
from hujin.identity.access import staff_actor, staff_required
from hujin.risk.anomaly_registry import anomaly_model_activate_propose
from hujin.risk.anomaly_selectors import anomaly_model_page
from hujin.risk.errors import (
    AnomalyArtefactInvalid,
    AnomalyModelNotFound,
    AnomalyModelStateInvalid,
)
from hujin.risk.permissions import EDIT_RULES, VIEW_RISK


def _page(request, *, error="", error_version=None, status=200):
    try:
        page = anomaly_model_page(actor=staff_actor(request.user))
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RISK) from None
    context = {"page": page, "error": error, "error_version": error_version,
               "approvals_url": url_if_mounted("compliance:approvals") or ""}  # fmt: skip
    return render(request, "risk/models.html", context, status=status)


@require_GET
@staff_required(permission=VIEW_RISK)
def models(request):
    return _page(request)


@require_POST
@staff_required(permission=EDIT_RULES)
def model_propose(request, model_id: uuid.UUID):
    version = request.POST.get("version", "")
    try:
        anomaly_model_activate_propose(actor=staff_actor(request.user), model_id=model_id,
                                       reason=request.POST.get("reason", ""),
                                       now=timezone.now())  # fmt: skip
    except HujinPermissionDenied:
        raise PermissionDenied(EDIT_RULES) from None
    except AnomalyModelNotFound:
        return _page(request, error=_("There is no such model version."), status=404)
    except ApprovalReasonRequired:
        return _page(request, error=_("Say why this version should be the active one."),
                     error_version=version, status=400)  # fmt: skip
    except AnomalyModelStateInvalid:
        return _page(request, error=_("This version is not a candidate, or already waits for a "
                                      "checker."), error_version=version, status=409)  # fmt: skip
    except AnomalyArtefactInvalid:
        return _page(request, error=_("This version's artefact is not the one registered: it "
                                      "cannot be activated."), error_version=version,
                     status=409)  # fmt: skip
    except InvalidInput as exc:
        return _page(request, error=str(exc.message), error_version=version, status=400)
    messages.success(request, _("Proposed: another analyst approves it in the approvals inbox."))
    return redirect("risk:models")
