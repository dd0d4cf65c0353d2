"""The suitability gate for the customer's app, mounted at /api/v1/me/products behind the
customer's access token: the decision on buying a product (recorded), the special risk warning
and its confirmation. Each endpoint makes one service or selector call as that customer; the
wall clock is read here."""

import uuid
from dataclasses import asdict

from django.utils import timezone
from ninja import Router, Status

from hujin.core.api_errors import error_responses
from hujin.wealth import selectors, services
from hujin.wealth.errors import WarningNotNeeded
from hujin.wealth.schemas import (
    DocumentsAcknowledgedOut,
    DocumentsAcknowledgeIn,
    RiskWarningConfirmedOut,
    RiskWarningConfirmIn,
    RiskWarningOut,
    SuitabilityOut,
)

router = Router()


@router.post(
    "products/{product_id}/suitability", response={200: SuitabilityOut, **error_responses(404)},
    operation_id="me_products_suitability", summary="May I buy this product?",
)  # fmt: skip
def suitability(request, product_id: uuid.UUID):
    """Decide, and record, whether the customer may buy the product now: ``allowed``,
    ``warning_required`` (policy confirm: confirm the special risk warning first) or
    ``refused``, with the reason in plain words."""
    decision = services.suitability_check(actor=request.actor, product_id=product_id,
                                          now=timezone.now())  # fmt: skip
    return {**asdict(decision), "message": str(decision.message)}


@router.get(
    "products/{product_id}/risk-warning",
    response={200: RiskWarningOut, **error_responses(404, 409)},
    operation_id="me_products_risk_warning", summary="The special risk warning",
)  # fmt: skip
def risk_warning(request, product_id: uuid.UUID):
    """The warning to show in full before buying a product above the customer's risk level,
    in the request's language (409 ``risk_warning_not_needed`` when there is none)."""
    warning = selectors.risk_warning(actor=request.actor, product_id=product_id,
                                     now=timezone.now())  # fmt: skip
    if warning is None:
        raise WarningNotNeeded()
    return {key: value for key, value in asdict(warning).items() if key != "assessment_id"}


@router.post(
    "products/{product_id}/risk-warning/confirmations",
    response={201: RiskWarningConfirmedOut, **error_responses(404, 409)},
    operation_id="me_products_risk_warning_confirm", summary="Confirm the special risk warning",
)  # fmt: skip
def risk_warning_confirm(request, product_id: uuid.UUID, body: RiskWarningConfirmIn):
    """Record that the customer read and confirmed the warning whose text has this SHA-256
    (409 ``risk_warning_changed`` when it is not the text shown now)."""
    confirmation_id = services.risk_warning_confirm(
        actor=request.actor, product_id=product_id, text_sha256=body.text_sha256,
        now=timezone.now(),
    )  # fmt: skip
    return Status(201, {"confirmation_id": confirmation_id})


@router.post(
    "products/{product_id}/documents/acknowledgements",
    response={201: DocumentsAcknowledgedOut, **error_responses(404, 409)},
    operation_id="me_products_documents_acknowledge", summary="I have read the documents",
)  # fmt: skip
def documents_acknowledge(request, product_id: uuid.UUID, body: DocumentsAcknowledgeIn):
    """Record that the customer read the product's documents before buying: every one it has
    now (409 ``product_documents_changed`` otherwise, with the current ids)."""
    acknowledgement_id = services.documents_acknowledge(
        actor=request.actor, product_id=product_id, document_ids=body.document_ids,
        now=timezone.now(),
    )  # fmt: skip
    return Status(201, {"acknowledgement_id": acknowledgement_id})
