"""The console's actions on a loan in difficulty (staff), on the loan's page: a collector's note
with an optional promise to pay; a risk analyst's requests, under maker-checker, for a
downgrade, a restructuring or a write-off, which a second person approves in the approvals
inbox.

Each view makes one domain call; the wall clock is read here. Done, the page is shown again
(post, redirect, get); refused, the page comes back with the reason beside the form and
nothing changed."""

import uuid

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from hujin.core.approvals import ApprovalAlreadyPending
from hujin.core.errors import HujinError
from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.core.navigation import url_if_mounted
from hujin.core.statuses import status_get
from hujin.identity.access import staff_required
from hujin.lending import services
from hujin.lending.errors import LoanNotFound, LoanStateInvalid
from hujin.lending.forms_servicing import DowngradeForm, NoteForm, RestructureForm, WriteOffForm
from hujin.lending.permissions import MANAGE_COLLECTIONS, MANAGE_LOANS
from hujin.lending.selectors import console_loans as book
from hujin.lending.selectors.console import CLASSES
from hujin.lending.views_console import actor_of, language, today

VIEW_APPROVALS = "core.view_approvals"
NOT_WORSE = gettext_lazy("Only a class worse than the loan's present one can be asked for.")
# A refusal of the servicing services (ServicingInvalid's field and reason): the form field it
# is shown beside, and its words.
REASONS = {
    ("channel", "unknown"): ("channel", gettext_lazy("Choose how you reached the customer.")),
    ("note", "required"): ("note", gettext_lazy("Write what happened (at most 2,000 characters).")),
    ("promise", "date_and_amount"): (
        "promise_date",
        gettext_lazy("A promise needs both a date and an amount, or neither."),
    ),
    ("promise_amount", "positive"): (
        "promise_amount",
        gettext_lazy("The amount must be more than zero."),
    ),
    ("promise_date", "past"): ("promise_date", gettext_lazy("The promised date is already past.")),
    ("reason", "required"): ("reason", gettext_lazy("Give a reason (at most 1,000 characters).")),
    ("classification", "unknown"): ("to_class", NOT_WORSE),
    ("classification", "not_worse"): ("to_class", NOT_WORSE),
    ("new_term", "range"): ("new_term", gettext_lazy("From 1 to 120 months.")),
}
STATE_REFUSALS = {
    "downgrade": gettext_lazy("Only an active loan can be downgraded."),
    "restructure": gettext_lazy(
        "Only an active loan repaid in monthly instalments can be restructured."
    ),
    "write_off": gettext_lazy("Only an active loan classed as loss can be written off."),
}
ALREADY_ASKED = gettext_lazy("A request of this kind is already waiting for approval on this loan.")


def _class_choices(classes) -> list[tuple[str, str]]:
    return [(c, str(status_get(c).label) if status_get(c) else c) for c in classes]


def loan_page(request, loan_id: uuid.UUID, *, status: int = 200, **forms):
    """The loan's page (views_console_risk.loan) with the forms the viewer may use
    (``forms``: a refused one, bound, to show again)."""
    try:
        page = book.loan_page(actor=actor_of(request), loan_id=loan_id, language=language(),
                              on=today())  # fmt: skip
    except LoanNotFound:
        raise Http404("no such loan") from None
    loan = page.loan
    downgrade = forms.get("downgrade_form") or DowngradeForm()
    downgrade.fields["to_class"].choices = _class_choices(page.actions.downgrade_to)  # shown
    context = {
        "page": page, "loan": loan, "actions": page.actions,
        "may_note": request.user.has_perm(MANAGE_COLLECTIONS),
        "may_request": request.user.has_perm(MANAGE_LOANS),
        "note_form": forms.get("note_form") or NoteForm(),
        "downgrade_form": downgrade,
        "restructure_form": forms.get("restructure_form")
        or RestructureForm(initial={"new_term": loan.term}),
        "write_off_form": forms.get("write_off_form") or WriteOffForm(),
        "approvals_url": (url_if_mounted("compliance:approvals") or "")
        if request.user.has_perm(VIEW_APPROVALS) else "",
    }  # fmt: skip
    return render(request, "lending/console/loan.html", context, status=status)


def _refused(form, exc: HujinError, step: str) -> None:
    """Put the service's refusal beside the field it is about, or on the form."""
    details = exc.details or {}
    field, message = REASONS.get((str(details.get("field")), str(details.get("reason"))),
                                 ("", exc.message))  # fmt: skip
    if isinstance(exc, LoanStateInvalid):
        message = STATE_REFUSALS.get(step, exc.message)
    elif isinstance(exc, ApprovalAlreadyPending):
        message = ALREADY_ASKED
    form.add_error(field if field in form.fields else None, str(message))


def _done(request, loan_id, anchor: str, message: str):
    messages.success(request, message)
    return redirect(f"{reverse('lending:console_loan', args=[loan_id])}#{anchor}")


def _call(form, step: str, call) -> bool:
    """Run ``call`` for a valid ``form``; True when it went through."""
    if not form.is_valid():
        return False
    try:
        call(form.cleaned_data)
    except LoanNotFound:
        raise Http404("no such loan") from None
    except HujinPermissionDenied:
        raise PermissionDenied(step) from None
    except HujinError as exc:
        _refused(form, exc, step)
        return False
    return True


@require_POST
@staff_required(permission=MANAGE_COLLECTIONS)
def note_add(request, loan_id: uuid.UUID):
    form = NoteForm(request.POST)
    now = timezone.now()

    def call(d):
        services.collection_note_add(
            actor=actor_of(request), loan_id=loan_id, channel=d["channel"], note=d["note"],
            now=now, promise_date=d["promise_date"],
            promise_amount_minor=form.promise_amount_minor(),
        )  # fmt: skip

    if _call(form, "note", call):
        return _done(request, loan_id, "notes", _("The note is saved."))
    return loan_page(request, loan_id, status=400, note_form=form)


def _ask(request, loan_id, form, step: str, call):
    """A maker-checker request from ``form``: asked (back to the loan page), or the page again
    with the refusal next to the form (``<step>_form``)."""
    if _call(form, step, call):
        return _done(request, loan_id, "servicing",
                     _("Asked: the request waits for another person's approval."))  # fmt: skip
    return loan_page(request, loan_id, status=400, **{f"{step}_form": form})


@require_POST
@staff_required(permission=MANAGE_LOANS)
def downgrade_request(request, loan_id: uuid.UUID):
    # Any class the service knows is accepted here, so that a class no longer worse than the
    # loan's is refused by the rule, in its words.
    form = DowngradeForm(request.POST, classes=_class_choices(CLASSES[1:]))

    def call(d):
        services.downgrade_request(actor=actor_of(request), loan_id=loan_id,
                                   to_class=d["to_class"], reason=d["reason"],
                                   now=timezone.now())  # fmt: skip

    return _ask(request, loan_id, form, "downgrade", call)


@require_POST
@staff_required(permission=MANAGE_LOANS)
def restructure_request(request, loan_id: uuid.UUID):
    form = RestructureForm(request.POST)

    def call(d):
        services.restructure_request(actor=actor_of(request), loan_id=loan_id,
                                     new_term=d["new_term"], reason=d["reason"],
                                     now=timezone.now())  # fmt: skip

    return _ask(request, loan_id, form, "restructure", call)


@require_POST
@staff_required(permission=MANAGE_LOANS)
def write_off_request(request, loan_id: uuid.UUID):
    form = WriteOffForm(request.POST)

    def call(d):
        services.write_off_request(actor=actor_of(request), loan_id=loan_id,
                                   reason=d["reason"], now=timezone.now())  # fmt: skip

    return _ask(request, loan_id, form, "write_off", call)
