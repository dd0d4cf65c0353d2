"""What goes in and out of the customer's suitability API (/api/v1/me/products/{id}/...)."""

import uuid

from ninja import Schema
from pydantic import ConfigDict, Field


class SuitabilityOut(Schema):
    record_id: uuid.UUID = Field(description="The recorded decision.")
    product_id: uuid.UUID
    outcome: str = Field(description="allowed, warning_required or refused.")
    code: str = Field(description="Why: within_level, above_level, warning_required, ...")
    message: str = Field(description="The same in plain words, in the request's language.")
    customer_level: str = Field(description='C1–C5; "" when never assessed.')
    product_level: str
    policy: str = Field(description="strict or confirm.")
    confirmation_id: uuid.UUID | None = Field(description="The warning confirmation relied on.")


class RiskWarningOut(Schema):
    product_id: uuid.UUID
    customer_level: str
    product_level: str
    language: str
    text: str = Field(description="Show it in full; the confirmation sends back its SHA-256.")
    text_sha256: str


class RiskWarningConfirmIn(Schema):
    model_config = ConfigDict(extra="forbid")

    text_sha256: str = Field(max_length=64, description="The SHA-256 of the text shown.")


class RiskWarningConfirmedOut(Schema):
    confirmation_id: uuid.UUID


class DocumentsAcknowledgeIn(Schema):
    model_config = ConfigDict(extra="forbid")

    document_ids: list[uuid.UUID] = Field(
        max_length=20, description="Every document of the product, as its page lists them."
    )


class DocumentsAcknowledgedOut(Schema):
    acknowledgement_id: uuid.UUID
