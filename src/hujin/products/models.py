"""The product catalogue (private to the app): products with their kind's parameters, their
documents, the admission history and the NAV / income published per business date.

Money in integer fen, rates and NAVs in Decimal; the invariants are CHECK constraints."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from hujin.core.ids import new_id
from hujin.products import types as t


def document_storage() -> FileSystemStorage:
    """Documents live under the var dir the project keeps its state in (HUJIN_VAR_DIR):
    ``<var>/media/products/<product id>/<kind>-<document id>.pdf``."""
    return FileSystemStorage(location=str(settings.VAR_DIR / "media" / "products"))


def _document_path(instance, filename: str) -> str:
    return f"{instance.product_id}/{instance.kind}-{instance.id}.pdf"


class Product(models.Model):
    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.CharField(max_length=32, unique=True)
    kind = models.CharField(max_length=16, choices=[(k, k) for k in t.KINDS])
    subtype = models.CharField(max_length=16, blank=True, default="")
    name_zh = models.CharField(max_length=100)
    name_en = models.CharField(max_length=100)
    issuer = models.CharField(max_length=100)
    risk_level = models.CharField(max_length=2, choices=[(r, r) for r in t.RISK_LEVELS])
    currency = models.CharField(max_length=3, default="CNY")
    min_amount_minor = models.BigIntegerField()
    increment_minor = models.BigIntegerField()
    per_customer_cap_minor = models.BigIntegerField(null=True, blank=True)
    cooling_off = models.BooleanField(default=False)
    description_zh = models.TextField(blank=True, default="")
    description_en = models.TextField(blank=True, default="")
    # money-market fund
    fast_redemption_quota_minor = models.BigIntegerField(null=True, blank=True)
    # fixed-term wealth product
    raise_start_date = models.DateField(null=True, blank=True)
    raise_end_date = models.DateField(null=True, blank=True)
    min_raise_minor = models.BigIntegerField(null=True, blank=True)
    max_size_minor = models.BigIntegerField(null=True, blank=True)
    value_date = models.DateField(null=True, blank=True)
    maturity_date = models.DateField(null=True, blank=True)
    expected_rate = models.DecimalField(max_digits=7, decimal_places=6, null=True, blank=True)
    # NAV fund
    cutoff_time = models.TimeField(null=True, blank=True, default=None)
    confirm_days = models.PositiveSmallIntegerField(null=True, blank=True)
    redemption_days = models.PositiveSmallIntegerField(null=True, blank=True)
    # [[from_minor, rate | null, fixed_minor | null], ...] and [[from_days, rate], ...]: rates as
    # decimal strings, validated by the services (hujin.products.fees).
    subscription_fees = models.JSONField(default=list, blank=True)
    redemption_fees = models.JSONField(default=list, blank=True)
    # admission
    state = models.CharField(
        max_length=16, default=t.STATE_DRAFT, choices=[(s, s) for s in t.STATES]
    )
    on_sale_from = models.DateField(null=True, blank=True)
    created_by = models.CharField(max_length=64)  # the maker: staff user id
    submitted_by = models.CharField(max_length=64, blank=True, default="")
    approved_by = models.CharField(max_length=64, blank=True, default="")
    # Every staff user id that created, edited, attached a document to or submitted it, kept
    # across a return to draft: none of them may approve it (maker-checker).
    makers = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["code"]
        permissions = [
            ("view_products", _("Can see the product catalogue and its admission")),
            ("manage_products", _("Can create, edit, submit, put on sale and suspend products")),
            ("review_products", _("Can review products for admission: approve or return")),
            ("publish_nav", _("Can publish NAVs and money-market income")),
        ]
        indexes = [models.Index(fields=["state", "kind"], name="products_state_kind")]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=t.KINDS), name="products_kind"),
            models.CheckConstraint(condition=Q(state__in=t.STATES), name="products_state"),
            models.CheckConstraint(
                condition=Q(risk_level__in=t.RISK_LEVELS), name="products_risk_level"
            ),
            models.CheckConstraint(
                condition=Q(min_amount_minor__gt=0, increment_minor__gt=0)
                & (
                    Q(per_customer_cap_minor__isnull=True)
                    | Q(per_customer_cap_minor__gte=F("min_amount_minor"))
                ),
                name="products_amounts",
            ),
            models.CheckConstraint(
                condition=~Q(kind=t.KIND_NAV_FUND) | Q(subtype__in=t.SUBTYPES),
                name="products_nav_subtype",
            ),
            models.CheckConstraint(
                condition=~Q(kind=t.KIND_FIXED_TERM)
                | Q(
                    raise_start_date__lte=F("raise_end_date"),
                    raise_end_date__lt=F("value_date"),
                    value_date__lt=F("maturity_date"),
                    expected_rate__gte=0,
                    expected_rate__lt=1,
                    min_raise_minor__gt=0,
                    max_size_minor__gte=F("min_raise_minor"),
                ),
                name="products_fixed_term_dates",
            ),
            models.CheckConstraint(
                condition=~Q(kind=t.KIND_MMF) | Q(fast_redemption_quota_minor__gte=0),
                name="products_mmf_quota",
            ),
        ]

    def __str__(self) -> str:
        return self.code


class ProductDocument(models.Model):
    """A PDF attached to a product: one of each kind (a new upload replaces the old one)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=24, choices=[(k, k) for k in t.DOCUMENT_KINDS])
    file = models.FileField(storage=document_storage, upload_to=_document_path, max_length=200)
    file_name = models.CharField(max_length=200)
    size_bytes = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["product", "kind"], name="products_document_kind"),
            models.CheckConstraint(
                condition=Q(size_bytes__gt=0, size_bytes__lte=t.DOCUMENT_MAX_BYTES),
                name="products_document_size",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.kind}"


class AdmissionStep(models.Model):
    """One step of a product's admission, as its history shows it: who did what, when, why."""

    id = models.BigAutoField(primary_key=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="steps")
    action = models.CharField(max_length=24)
    from_state = models.CharField(max_length=16, blank=True, default="")
    to_state = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=64)
    actor_label = models.CharField(max_length=150)
    note = models.TextField(blank=True, default="")
    checklist = models.JSONField(default=dict, blank=True)  # {item: note} at a review
    occurred_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["occurred_at", "id"]

    def __str__(self) -> str:
        return f"{self.product_id} {self.action}"


class NavPoint(models.Model):
    """A business date's publication for one product: NAV per unit (4 decimals) and cumulative
    NAV for a NAV fund; income per 10,000 units (4 decimals) and 7-day annualised yield (a
    rate, 6 decimals) for a money-market fund."""

    id = models.BigAutoField(primary_key=True)
    product = models.ForeignKey(Product, on_delete=models.PROTECT, related_name="nav_points")
    business_date = models.DateField()
    nav = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    cumulative_nav = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    income_per_10k = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    yield_7d = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    jump_confirmed = models.BooleanField(default=False)
    published_by = models.CharField(max_length=64)
    published_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["product", "business_date"]
        constraints = [
            models.UniqueConstraint(fields=["product", "business_date"], name="products_nav_day"),
            models.CheckConstraint(
                condition=(Q(nav__isnull=True) | Q(nav__gt=0))
                & (Q(cumulative_nav__isnull=True) | Q(cumulative_nav__gt=0))
                & (Q(nav__isnull=False) | Q(income_per_10k__isnull=False)),
                name="products_nav_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.business_date}"
