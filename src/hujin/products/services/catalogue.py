"""Product managers create and edit products (drafts only) and attach their documents.

Every write is one transaction with its audit entry and event; a refused input changes
nothing."""

import hashlib
import re
import uuid
from datetime import datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction

from hujin.core.actors import Actor, require_scope
from hujin.core.money import MAX_MINOR
from hujin.products import events
from hujin.products import types as t
from hujin.products.errors import (
    DocumentInvalid,
    ProductCodeTaken,
    ProductInvalid,
    ProductNotEditable,
    ShortHoldingFeeTooLow,
)
from hujin.products.fees import (
    RATE_PLACES,
    redemption_rows,
    redemption_tiers_parse,
    subscription_rows,
    subscription_tiers_parse,
)
from hujin.products.models import Product, ProductDocument
from hujin.products.permissions import MANAGE_PRODUCTS
from hujin.products.services._common import maker_add, product_locked, record, step_add

CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,31}$")
MAX_DAYS = 30  # T+n settlement and confirmation: at most a month
_KIND_FIELDS = {
    t.KIND_MMF: ("fast_redemption_quota_minor", "redemption_days"),
    t.KIND_FIXED_TERM: (
        "raise_start_date",
        "raise_end_date",
        "min_raise_minor",
        "max_size_minor",
        "value_date",
        "maturity_date",
        "expected_rate",
    ),
    t.KIND_NAV_FUND: (
        "subtype",
        "cutoff_time",
        "confirm_days",
        "redemption_days",
        "subscription_fees",
        "redemption_fees",
    ),
}
_ALL_KIND_FIELDS = {f for fields in _KIND_FIELDS.values() for f in fields}


def _bad(field: str) -> ProductInvalid:
    return ProductInvalid(details={"field": field})


def _amount(value, field: str, *, optional: bool = False, zero: bool = False) -> int | None:
    if value is None and optional:
        return None
    if type(value) is not int or not (0 if zero else 1) <= value <= MAX_MINOR:
        raise _bad(field)
    return value


def _text(value, field: str, limit: int, *, required: bool = True) -> str:
    text = (value or "").strip()
    if (required and not text) or len(text) > limit:
        raise _bad(field)
    return text


def _days(value, field: str) -> int:
    if type(value) is not int or not 0 <= value <= MAX_DAYS:
        raise _bad(field)
    return value


def draft_validated(draft: t.ProductDraft) -> dict:
    """The model's field values of a valid draft (a NAV fund has a redemption-fee schedule).
    Raises ProductInvalid (``details.field``), ScheduleInvalid, ShortHoldingFeeTooLow (also for
    a NAV fund without a redemption-fee schedule)."""
    code = (draft.code or "").strip().upper()
    if not CODE_RE.match(code):
        raise _bad("code")
    if draft.kind not in t.KINDS:
        raise _bad("kind")
    if draft.risk_level not in t.RISK_LEVELS:
        raise _bad("risk_level")
    if draft.currency != "CNY":
        raise _bad("currency")
    values = {
        "code": code,
        "kind": draft.kind,
        "risk_level": draft.risk_level,
        "currency": "CNY",
        "name_zh": _text(draft.name_zh, "name_zh", 100),
        "name_en": _text(draft.name_en, "name_en", 100),
        "issuer": _text(draft.issuer, "issuer", 100),
        "description_zh": _text(draft.description_zh, "description_zh", 4000, required=False),
        "description_en": _text(draft.description_en, "description_en", 4000, required=False),
        "min_amount_minor": _amount(draft.min_amount_minor, "min_amount_minor"),
        "increment_minor": _amount(draft.increment_minor, "increment_minor"),
        "per_customer_cap_minor": _amount(
            draft.per_customer_cap_minor, "per_customer_cap_minor", optional=True
        ),
        "cooling_off": bool(draft.cooling_off),
    }
    cap = values["per_customer_cap_minor"]
    if cap is not None and cap < values["min_amount_minor"]:
        raise _bad("per_customer_cap_minor")
    values.update(dict.fromkeys(_ALL_KIND_FIELDS))
    values["subtype"], values["subscription_fees"], values["redemption_fees"] = "", [], []
    values.update(_kind_values(draft))
    return values


def _kind_values(draft: t.ProductDraft) -> dict:
    if draft.kind == t.KIND_MMF:
        quota = draft.fast_redemption_quota_minor
        return {
            "fast_redemption_quota_minor": t.MMF_FAST_REDEMPTION_QUOTA_MINOR
            if quota is None
            else _amount(quota, "fast_redemption_quota_minor", zero=True),
            "redemption_days": 1,  # normal redemption T+1
        }
    if draft.kind == t.KIND_FIXED_TERM:
        start, end = draft.raise_start_date, draft.raise_end_date
        value_date, maturity = draft.value_date, draft.maturity_date
        for field in ("raise_start_date", "raise_end_date", "value_date", "maturity_date"):
            if getattr(draft, field) is None:
                raise _bad(field)
        if end < start:
            raise _bad("raise_end_date")
        if not end < value_date:
            raise _bad("value_date")
        if not value_date < maturity:
            raise _bad("maturity_date")
        minimum = _amount(draft.min_raise_minor, "min_raise_minor")
        maximum = _amount(draft.max_size_minor, "max_size_minor")
        if maximum < minimum:
            raise _bad("max_size_minor")
        rate = draft.expected_rate
        if (
            not isinstance(rate, Decimal)
            or not rate.is_finite()
            or not 0 <= rate < 1
            or (rate != rate.quantize(RATE_PLACES))
        ):
            raise _bad("expected_rate")
        return {
            "raise_start_date": start,
            "raise_end_date": end,
            "min_raise_minor": minimum,
            "max_size_minor": maximum,
            "value_date": value_date,
            "maturity_date": maturity,
            "expected_rate": rate,
        }
    if draft.subtype not in t.SUBTYPES:
        raise _bad("subtype")
    default_days = (
        t.REDEMPTION_DAYS_BOND if draft.subtype == t.SUBTYPE_BOND else (t.REDEMPTION_DAYS_OTHER)
    )
    days = draft.redemption_days
    if not draft.redemption_fees:
        # No schedule would let units held under 7 days out for free (art. 23, see fees).
        raise ShortHoldingFeeTooLow(details={"field": "redemption_fees"})
    return {
        "subtype": draft.subtype,
        "cutoff_time": draft.cutoff_time or t.NAV_CUTOFF,
        "confirm_days": 1
        if draft.confirm_days is None
        else _days(draft.confirm_days, "confirm_days"),
        "redemption_days": default_days if days is None else _days(days, "redemption_days"),
        "subscription_fees": subscription_rows(
            subscription_tiers_parse(subscription_rows(draft.subscription_fees))
        ),
        "redemption_fees": redemption_rows(
            redemption_tiers_parse(redemption_rows(draft.redemption_fees))
        ),
    }


def _snapshot(values: dict) -> dict:
    return {
        k: (str(v) if v is not None and not isinstance(v, (int, bool, str, list)) else v)
        for k, v in values.items()
    }


def product_create(*, actor: Actor, draft: t.ProductDraft, now: datetime) -> Product:
    """Create a product as a draft (the actor is its maker).
    Raises PermissionDenied, ProductInvalid, ScheduleInvalid, ShortHoldingFeeTooLow,
    ProductCodeTaken."""
    require_scope(actor, MANAGE_PRODUCTS)
    values = draft_validated(draft)
    try:
        with transaction.atomic():
            product = Product.objects.create(
                **values,
                state=t.STATE_DRAFT,
                created_by=actor.id,
                makers=[actor.id],
                created_at=now,
                updated_at=now,
            )
            step_add(product=product, action="create", from_state="", actor=actor, now=now)
            record(
                actor=actor,
                product=product,
                action="product_create",
                event_type=events.PRODUCT_CREATED,
                now=now,
                after=_snapshot(values),
                payload={"kind": product.kind},
            )
    except IntegrityError:
        if Product.objects.filter(code=values["code"]).exists():
            raise ProductCodeTaken(details={"field": "code"}) from None
        raise
    return product


def product_update(
    *, actor: Actor, product_id: uuid.UUID, draft: t.ProductDraft, now: datetime
) -> Product:
    """Change a draft's parameters (a product past draft cannot be edited: a product on sale
    is suspended or closed instead). The kind is kept; the actor becomes one of its makers.
    Raises PermissionDenied, ProductNotFound, ProductNotEditable, ProductInvalid,
    ScheduleInvalid, ProductCodeTaken."""
    require_scope(actor, MANAGE_PRODUCTS)
    values = draft_validated(draft)
    try:
        with transaction.atomic():
            product = product_locked(product_id)
            if product.state != t.STATE_DRAFT:
                raise ProductNotEditable(details={"state": product.state})
            if values["kind"] != product.kind:
                raise _bad("kind")
            if Product.objects.filter(code=values["code"]).exclude(pk=product.pk).exists():
                raise ProductCodeTaken(details={"field": "code"})
            before = _snapshot({k: getattr(product, k) for k in values})
            changed = [k for k, v in _snapshot(values).items() if before.get(k) != v]
            for field, value in values.items():
                setattr(product, field, value)
            maker_add(product, actor)
            product.updated_at = now
            product.save()
            record(
                actor=actor,
                product=product,
                action="product_update",
                event_type=events.PRODUCT_UPDATED,
                now=now,
                before={k: before[k] for k in changed},
                after={k: _snapshot(values)[k] for k in changed},
                payload={"fields": changed},
            )
    except IntegrityError:
        # Another product took the code a moment ago (the unique index decided).
        if Product.objects.filter(code=values["code"]).exclude(pk=product_id).exists():
            raise ProductCodeTaken(details={"field": "code"}) from None
        raise
    return product


def document_attach(
    *,
    actor: Actor,
    product_id: uuid.UUID,
    kind: str,
    file_name: str,
    content: bytes,
    now: datetime,
) -> ProductDocument:
    """Attach (or replace) a draft's prospectus, risk disclosure or contract: a PDF of at most
    5 MB; the actor becomes one of the product's makers.
    Raises PermissionDenied, ProductNotFound, ProductNotEditable, DocumentInvalid."""
    require_scope(actor, MANAGE_PRODUCTS)
    if kind not in t.DOCUMENT_KINDS:
        raise DocumentInvalid(details={"field": "kind"})
    if not isinstance(content, bytes) or not 0 < len(content) <= t.DOCUMENT_MAX_BYTES:
        raise DocumentInvalid(details={"field": "file", "reason": "size"})
    if not content.startswith(b"%PDF-"):
        raise DocumentInvalid(details={"field": "file", "reason": "not_pdf"})
    name = re.sub(r"[^\w.\- ]+", "_", (file_name or "document.pdf").strip())[-120:] or "doc.pdf"
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        product = product_locked(product_id)
        if product.state != t.STATE_DRAFT:
            raise ProductNotEditable(details={"state": product.state})
        old = ProductDocument.objects.filter(product=product, kind=kind).first()
        before = {"file_name": old.file_name, "sha256": old.sha256} if old else None
        if old is not None:
            old.delete()  # the file stays on disk: the audit trail names its hash
        document = ProductDocument(
            product=product,
            kind=kind,
            file_name=name,
            size_bytes=len(content),
            sha256=digest,
            uploaded_by=actor.id,
            uploaded_at=now,
        )
        document.file.save(name, ContentFile(content), save=False)
        document.save()
        if maker_add(product, actor):
            product.save(update_fields=["makers"])
        record(
            actor=actor,
            product=product,
            action="document_attach",
            event_type=events.DOCUMENT_ATTACHED,
            now=now,
            before=before,
            after={"kind": kind, "file_name": name, "sha256": digest},
            payload={"document_id": str(document.id), "kind": kind},
        )
    return document


def draft_of(product: Product) -> t.ProductDraft:
    """A product's parameters as a draft (the edit form starts from it)."""
    fields = {f for f in t.ProductDraft.__dataclass_fields__}
    values = {
        f: getattr(product, f) for f in fields if f not in ("subscription_fees", "redemption_fees")
    }
    values["subscription_fees"] = subscription_tiers_parse(product.subscription_fees)
    values["redemption_fees"] = redemption_tiers_parse(product.redemption_fees)
    return t.ProductDraft(**values)
