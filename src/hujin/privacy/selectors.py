"""Privacy's reads. Pages and other modules get plain values, never querysets."""

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Max
from django.utils.translation import get_language

from hujin.core.actors import Actor
from hujin.core.masking import mask
from hujin.core.personal_data import withdrawal_guards
from hujin.core.sql import Dialect, hot_rows
from hujin.privacy.errors import ConsentDocumentNotFound, DataRequestNotFound
from hujin.privacy.models import ConsentDocument, ConsentRecord, DataSubjectRequest
from hujin.privacy.services.requests import CORRECTION_FIELDS, require_request_handler

KINDS = tuple(ConsentDocument.Kind.values)
# The consents every customer gives to use Hujin at all; the others (the credit report
# authorisation) are asked for by the service that needs them, when it is used.
REQUIRED_KINDS = (ConsentDocument.Kind.PRIVACY_POLICY, ConsentDocument.Kind.SERVICE_AGREEMENT)
KIND_LABELS = dict(ConsentDocument.Kind.choices)  # kind -> its translated name


def _zh() -> bool:
    return (get_language() or "").lower().startswith("zh")


def _text(obj, field: str) -> str:
    return getattr(obj, f"{field}_zh" if _zh() else f"{field}_en")


def _current_versions() -> dict[str, int]:
    rows = ConsentDocument.objects.values("kind").annotate(latest=Max("version"))
    return {row["kind"]: row["latest"] for row in rows}


def consents_outstanding(*, user_id: uuid.UUID | str) -> list[str]:
    """The required document kinds (``["privacy_policy", "service_agreement"]``) whose current
    version the customer has not accepted, or has withdrawn; in KINDS order."""
    current = _current_versions()
    accepted = set(
        ConsentRecord.objects.filter(user_id=user_id, withdrawn_at__isnull=True).values_list(
            "document__kind", "document__version"
        )
    )
    return [
        kind
        for kind in KINDS
        if kind in REQUIRED_KINDS and kind in current and (kind, current[kind]) not in accepted
    ]


def consent_standing(*, user_id: uuid.UUID | str, kind: str) -> uuid.UUID | None:
    """The id of the customer's standing acceptance of the current version of ``kind``."""
    d = Dialect()
    rows = hot_rows(d, _STANDING_SQL, [d.uuid_in(uuid.UUID(str(user_id))), kind, kind])
    return d.uuid_out(rows[0][0]) if rows else None


# One statement (a credit decision reads it): the current version is the newest of the kind's.
_STANDING_SQL = (
    "SELECT r.id FROM privacy_consentrecord r "
    "JOIN privacy_consentdocument doc ON doc.id = r.document_id "
    "WHERE r.user_id = %s AND r.withdrawn_at IS NULL AND doc.kind = %s AND doc.version = "
    "(SELECT MAX(version) FROM privacy_consentdocument WHERE kind = %s) LIMIT 1"
)


@dataclass(frozen=True, slots=True)
class DocumentView:
    id: uuid.UUID
    kind: str
    kind_label: str
    version: int
    title: str
    body: str
    effective_from: datetime
    withdrawable: bool
    withdrawal_consequence: str


@dataclass(frozen=True, slots=True)
class ConsentView:
    """One kind of document, as the customer's consent page shows it."""

    document: DocumentView  # the current version
    accepted_at: datetime | None  # of the current version, if standing
    accepted_version: int | None  # the latest version ever accepted and not withdrawn
    withdrawn_at: datetime | None  # when the latest acceptance was withdrawn
    outstanding: bool
    can_withdraw: bool
    withdraw_blocked_reason: str


def _document_view(document: ConsentDocument) -> DocumentView:
    return DocumentView(
        id=document.id,
        kind=document.kind,
        kind_label=str(document.get_kind_display()),
        version=document.version,
        title=_text(document, "title"),
        body=_text(document, "body"),
        effective_from=document.effective_from,
        withdrawable=document.withdrawable,
        withdrawal_consequence=_text(document, "withdrawal_consequence"),
    )


def consent_overview(*, user_id: uuid.UUID | str) -> list[ConsentView]:
    """The current version of every required kind, and of any other kind the customer gave,
    with the customer's standing on it."""
    views = []
    for kind in KINDS:
        document = ConsentDocument.objects.filter(kind=kind).order_by("-version").first()
        if document is None:
            continue
        records = list(
            ConsentRecord.objects.select_related("document")
            .filter(user_id=user_id, document__kind=kind)
            .order_by("-accepted_at", "-id")
        )
        if kind not in REQUIRED_KINDS and not records:
            continue
        standing = [r for r in records if r.withdrawn_at is None]
        current = next((r for r in standing if r.document_id == document.id), None)
        reasons = [r for r in (g(user_id=user_id) for g in withdrawal_guards(kind)) if r]
        views.append(
            ConsentView(
                document=_document_view(document),
                accepted_at=current.accepted_at if current else None,
                accepted_version=max((r.document.version for r in standing), default=None),
                withdrawn_at=records[0].withdrawn_at if records and not standing else None,
                outstanding=current is None,
                can_withdraw=bool(standing) and document.withdrawable and not reasons,
                withdraw_blocked_reason=" ".join(str(r) for r in reasons),
            )
        )
    return views


def consent_document_get(*, document_id: uuid.UUID | str) -> DocumentView:
    """Any version of a document (published text is public). Raises ConsentDocumentNotFound."""
    try:
        document = ConsentDocument.objects.filter(pk=uuid.UUID(str(document_id))).first()
    except ValueError:
        document = None
    if document is None:
        raise ConsentDocumentNotFound()
    return _document_view(document)


@dataclass(frozen=True, slots=True)
class RequestView:
    id: uuid.UUID
    kind: str
    kind_label: str
    field: str
    field_label: str
    details: str
    status: str
    status_label: str
    created_at: datetime
    due_at: datetime
    closed_at: datetime | None
    resolution: str
    handled_by_label: str
    is_overdue: bool
    user_id: uuid.UUID
    customer_label: str  # masked: staff see who, not the data


def _customer_label(user) -> str:
    mobile = getattr(user, "mobile", "")
    return mask("mobile", mobile) if mobile else user.get_username()


def _request_view(request: DataSubjectRequest, *, now: datetime) -> RequestView:
    open_ = request.status in (
        DataSubjectRequest.Status.OPEN,
        DataSubjectRequest.Status.IN_PROGRESS,
    )
    return RequestView(
        id=request.id,
        kind=request.kind,
        kind_label=str(request.get_kind_display()),
        field=request.field,
        field_label=str(CORRECTION_FIELDS.get(request.field, "")),
        details=request.details,
        status=request.status,
        status_label=str(request.get_status_display()),
        created_at=request.created_at,
        due_at=request.due_at,
        closed_at=request.closed_at,
        resolution=request.resolution,
        handled_by_label=request.handled_by_label,
        is_overdue=open_ and request.due_at <= now,
        user_id=request.user_id,
        customer_label=_customer_label(request.user),
    )


def data_requests_for_user(*, user_id: uuid.UUID | str, now: datetime) -> list[RequestView]:
    """The customer's own requests, newest first."""
    rows = (
        DataSubjectRequest.objects.select_related("user")
        .filter(user_id=user_id)
        .order_by("-created_at", "-id")
    )
    return [_request_view(r, now=now) for r in rows]


def data_request_for_user(
    *, user_id: uuid.UUID | str, request_id: uuid.UUID | str, now: datetime
) -> RequestView:
    """One of the customer's own requests. Raises DataRequestNotFound for anyone else's."""
    try:
        request_id = uuid.UUID(str(request_id))
    except ValueError:
        raise DataRequestNotFound() from None
    request = (
        DataSubjectRequest.objects.select_related("user")
        .filter(pk=request_id, user_id=user_id)
        .first()
    )
    if request is None:
        raise DataRequestNotFound()
    return _request_view(request, now=now)


WORKLIST_LIMIT = 200


def data_request_worklist(
    *,
    actor: Actor,
    now: datetime,
    status: str = "",
    kind: str = "",
    overdue_only: bool = False,
) -> list[RequestView]:
    """Requests for handlers, soonest due first. Without a status filter: the ones still open
    (open and in progress). Access downloads are closed at once and appear only when asked for.
    Raises PermissionDenied."""
    require_request_handler(actor)
    rows = DataSubjectRequest.objects.select_related("user")
    if status in DataSubjectRequest.Status.values:
        rows = rows.filter(status=status)
    else:
        rows = rows.filter(
            status__in=[DataSubjectRequest.Status.OPEN, DataSubjectRequest.Status.IN_PROGRESS]
        )
    if kind in DataSubjectRequest.Kind.values:
        rows = rows.filter(kind=kind)
    if overdue_only:
        rows = rows.filter(
            due_at__lte=now,
            status__in=[DataSubjectRequest.Status.OPEN, DataSubjectRequest.Status.IN_PROGRESS],
        )
    return [_request_view(r, now=now) for r in rows.order_by("due_at", "id")[:WORKLIST_LIMIT]]


def data_request_for_handler(
    *, actor: Actor, request_id: uuid.UUID | str, now: datetime
) -> RequestView:
    """One request for a handler. Raises PermissionDenied, DataRequestNotFound."""
    require_request_handler(actor)
    try:
        request_id = uuid.UUID(str(request_id))
    except ValueError:
        raise DataRequestNotFound() from None
    request = DataSubjectRequest.objects.select_related("user").filter(pk=request_id).first()
    if request is None:
        raise DataRequestNotFound()
    return _request_view(request, now=now)


def consent_document_current(*, kind: str) -> DocumentView:
    """The current version of ``kind``. Raises ConsentDocumentNotFound."""
    document = ConsentDocument.objects.filter(kind=kind).order_by("-version").first()
    if document is None:
        raise ConsentDocumentNotFound()
    return _document_view(document)
