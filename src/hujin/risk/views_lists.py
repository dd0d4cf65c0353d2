"""The console's screening-list pages (``risk.view_risk`` to see, ``risk.work_alerts`` to
import):

- "Screening lists": each list with its versions (imported when, by whom, the file's name and
  SHA-256, the entries, how many customers were screened and the hits), and the upload form;
- one version's entries, searched as you type (htmx swaps the results in);
- "Watch-list hits": the alerts of source ``watchlist``, with the score, the masked name and
  its forms that were compared, and the entry it matched.

Each view makes one domain call; a refused import is drawn again with the reason next to the
field it concerns."""

import uuid

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views.decorators.http import require_GET, require_POST

from hujin.core.errors import PermissionDenied as HujinPermissionDenied
from hujin.identity.access import staff_actor, staff_required
from hujin.risk.errors import WatchlistInvalid, WatchlistNotFound, WatchlistUnchanged
from hujin.risk.lists import DEFAULT_NAMES, FILE_MAX_BYTES, watchlist_import
from hujin.risk.lists_selectors import (
    HIT_STATES,
    watchlist_hits,
    watchlist_version_entries,
    watchlists_overview,
)
from hujin.risk.models_lists import INTERNAL, PEP, SANCTIONS
from hujin.risk.permissions import VIEW_RISK, WORK_ALERTS
from hujin.risk.watchlists import CSV_COLUMNS, UN_LIST

KIND_CHOICES = [
    (SANCTIONS, pgettext_lazy("list kind", "Sanctions")),
    (PEP, pgettext_lazy("list kind", "Politically exposed persons")),
    (INTERNAL, pgettext_lazy("list kind", "Internal watch list")),
]
FORMAT_CHOICES = [
    ("un_xml", gettext_lazy("The UN Security Council consolidated list's file")),
    ("csv", gettext_lazy("A table of the list's own (comma-separated)")),
]
# The names Hujin gives the lists it knows, shown in the reader's language.
LIST_NAMES = {UN_LIST: gettext_lazy("UN Security Council consolidated list")}
STATE_LABELS = {
    "open": pgettext_lazy("alert", "Open"),
    "escalated": pgettext_lazy("alert", "Escalated"),
    "dismissed": pgettext_lazy("alert", "Dismissed"),
}
VERSION_STATE_LABELS = {
    "current": pgettext_lazy("list version", "Current"),
    "superseded": pgettext_lazy("list version", "Superseded"),
}
AGREEMENT_LABELS = {
    "agrees": pgettext_lazy("screening", "agrees"),
    "unknown": pgettext_lazy("screening", "not known on both sides"),
}


class ImportForm(forms.Form):
    list_code = forms.CharField(
        label=gettext_lazy("List code"), max_length=64, initial="un_consolidated",
        help_text=gettext_lazy(
            "Lower-case letters, digits, '_', '.' or '-'; a new code makes a new list."
        ),
    )  # fmt: skip
    name = forms.CharField(
        label=gettext_lazy("List name"), max_length=200, required=False,
        help_text=gettext_lazy("For a new list only."),
    )  # fmt: skip
    kind = forms.ChoiceField(label=pgettext_lazy("list kind", "Kind"), choices=KIND_CHOICES)
    format = forms.ChoiceField(label=gettext_lazy("File format"), choices=FORMAT_CHOICES)
    file = forms.FileField(label=gettext_lazy("File"))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > FILE_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 50 MB."))
        return upload


def _list_name(code: str, name: str) -> str:
    """The list's name, in the reader's language when it is the one Hujin gave it."""
    return LIST_NAMES[code] if code in LIST_NAMES and name == DEFAULT_NAMES.get(code) else name


def _actor(request):
    return staff_actor(request.user)


def _lists_page(request, form, status=200):
    try:
        lists = watchlists_overview(actor=_actor(request))
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RISK) from None
    kinds = dict(KIND_CHOICES)
    context = {
        "lists": [(row, _list_name(row.code, row.name), kinds.get(row.kind, row.kind))
                  for row in lists],
        "form": form, "states": VERSION_STATE_LABELS, "csv_columns": CSV_COLUMNS,
    }  # fmt: skip
    return render(request, "risk/lists.html", context, status=status)


@require_GET
@staff_required(permission=VIEW_RISK)
def lists(request):
    form = ImportForm() if request.user.has_perm(WORK_ALERTS) else None
    return _lists_page(request, form)


@require_POST
@staff_required(permission=WORK_ALERTS)
def list_import(request):
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _lists_page(request, form, status=400)
    data = form.cleaned_data
    try:
        imported = watchlist_import(
            actor=_actor(request), list_code=data["list_code"].strip(), kind=data["kind"],
            file_name=data["file"].name, content=data["file"].read(), fmt=data["format"],
            now=timezone.now(), name=data["name"],
        )  # fmt: skip
    except WatchlistUnchanged as exc:
        form.add_error("file", _("This file is version %(n)s of the list already: nothing was "
                                 "imported.") % {"n": exc.details.get("version")})  # fmt: skip
        return _lists_page(request, form, status=409)
    except WatchlistInvalid as exc:
        field = exc.details.get("field", "file")
        message = _("This list file cannot be read: %(reason)s") % {"reason": exc.message}
        form.add_error(field if field in form.fields else "file", message)
        return _lists_page(request, form, status=400)
    except HujinPermissionDenied:
        raise PermissionDenied(WORK_ALERTS) from None
    messages.success(request, _("Version %(n)s of %(code)s imported with %(entries)s entries; "
                                "every customer is screened against it.")
                     % {"n": imported.number, "code": imported.list_code,
                        "entries": imported.entry_count})  # fmt: skip
    return redirect("risk:list_version", imported.version_id)


@require_GET
@staff_required(permission=VIEW_RISK)
def list_version(request, version_id: uuid.UUID):
    query = request.GET.get("q", "")[:100]
    try:
        page = watchlist_version_entries(actor=_actor(request), version_id=version_id,
                                         query=query)  # fmt: skip
    except WatchlistNotFound:
        raise Http404 from None
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RISK) from None
    fragment = request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )
    template = "risk/lists_entries_results.html" if fragment else "risk/lists_version.html"
    context = {"page": page, "kind_label": dict(KIND_CHOICES).get(page.kind, page.kind),
               "list_name": _list_name(page.list_code, page.list_name),
               "states": VERSION_STATE_LABELS}  # fmt: skip
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@require_GET
@staff_required(permission=VIEW_RISK)
def list_hits(request):
    state = request.GET.get("state", "open")
    if state not in (*HIT_STATES, "all"):
        state = "open"
    try:
        hits = watchlist_hits(actor=_actor(request), state="" if state == "all" else state)
    except HujinPermissionDenied:
        raise PermissionDenied(VIEW_RISK) from None
    context = {"hits": hits, "state": state, "state_labels": STATE_LABELS,
               "agreement": AGREEMENT_LABELS}  # fmt: skip
    return render(request, "risk/lists_hits.html", context)
