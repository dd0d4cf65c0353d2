"""Console: staff members and their roles; asking for a role change (maker-checker)."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hujin.core.errors import HujinError
from hujin.identity import role_grants
from hujin.identity.access import staff_actor, staff_required
from hujin.identity.roles import ROLE_LABELS


class RoleChangeForm(forms.Form):
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=())
    grant = forms.TypedChoiceField(
        label=gettext_lazy("Change"),
        choices=[("1", gettext_lazy("Grant")), ("0", gettext_lazy("Revoke"))],
        coerce=lambda value: value == "1",
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=500)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = list(ROLE_LABELS.items())


@staff_required(permission=role_grants.VIEW_STAFF)
def staff_list(request):
    actor = staff_actor(request.user)
    context = {
        "rows": role_grants.staff_rows(actor=actor),
        "can_request": actor.has_scope(role_grants.MANAGE_STAFF),
        "form": RoleChangeForm(),
    }
    return render(request, "identity/staff/list.html", context)


@staff_required(permission=role_grants.MANAGE_STAFF)
@require_POST
def role_change_request(request, user_id):
    form = RoleChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role and a change, and give a reason."))
        return redirect("identity:staff")
    try:
        role_grants.role_change_request(
            actor=staff_actor(request.user),
            user_id=str(user_id),
            role=form.cleaned_data["role"],
            grant=form.cleaned_data["grant"],
            reason=form.cleaned_data["reason"],
            now=timezone.now(),
        )
    except HujinError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("Role change requested. Another authorised staff member must approve it.")
        )
    return redirect("identity:staff")
