"""Wealth's rows (private to the app): suitability decisions and the special risk warnings
customers confirmed."""

from django.db import models
from django.db.models import Q

from hujin.core.ids import new_id
from hujin.wealth.suitability import ALLOWED, POLICIES, REFUSED, WARNING_REQUIRED

OUTCOMES = (ALLOWED, WARNING_REQUIRED, REFUSED)


class RiskWarningConfirmation(models.Model):
    """A customer's explicit confirmation of the special risk warning for buying a product
    above their risk tolerance (policy ``confirm``), kept as a sales recording would be: the
    exact text shown, in the language shown, its SHA-256, when, from where. Good for that
    product and that assessment until ``expires_at``; an order uses it once (``used_at``)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    assessment_id = models.UUIDField()
    customer_level = models.CharField(max_length=2)
    product_level = models.CharField(max_length=2)
    language = models.CharField(max_length=16)
    text = models.TextField()
    text_sha256 = models.CharField(max_length=64)
    confirmed_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    ip = models.CharField(max_length=45, blank=True, default="")
    request_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        default_permissions = ()
        ordering = ["-confirmed_at"]
        indexes = [
            models.Index(fields=["customer", "product", "expires_at"], name="wealth_warning_valid")
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_at__gt=models.F("confirmed_at")), name="wealth_warning_expiry"
            )
        ]

    def __str__(self) -> str:
        return f"risk warning {self.id}"


class SuitabilityRecord(models.Model):
    """One suitability decision: who, which product, both levels, the policy, the outcome and
    its reason, and the warning confirmation it relied on."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    assessment_id = models.UUIDField(null=True, blank=True)
    customer_level = models.CharField(max_length=2, blank=True, default="")  # "" never assessed
    product_level = models.CharField(max_length=2)
    policy = models.CharField(max_length=8, choices=[(p, p) for p in POLICIES])
    outcome = models.CharField(max_length=24, choices=[(o, o) for o in OUTCOMES])
    code = models.CharField(max_length=32)
    confirmation = models.ForeignKey(
        RiskWarningConfirmation, on_delete=models.PROTECT, null=True, blank=True,
        related_name="decisions",
    )  # fmt: skip
    decided_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["-decided_at"]
        indexes = [models.Index(fields=["customer", "decided_at"], name="wealth_suitability_cust")]
        constraints = [
            models.CheckConstraint(condition=Q(outcome__in=OUTCOMES), name="wealth_outcome_known"),
            models.CheckConstraint(condition=Q(policy__in=POLICIES), name="wealth_policy_known"),
        ]

    def __str__(self) -> str:
        return f"suitability {self.id}"


class DocumentsAcknowledgement(models.Model):
    """A customer's acknowledgement, before buying, that they read a product's documents (the
    prospectus, the risk disclosure, the contract): which ones, by id — a document replaced
    later is another id —, when, from where. Good for ``expires_at`` and one order
    (``used_at``)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    documents = models.JSONField()  # [{"id", "kind", "file_name"}], as they were acknowledged
    acknowledged_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    ip = models.CharField(max_length=45, blank=True, default="")
    request_id = models.CharField(max_length=64, blank=True, default="")

    class Meta:
        default_permissions = ()
        ordering = ["-acknowledged_at"]
        indexes = [
            models.Index(fields=["customer", "product", "expires_at"], name="wealth_ack_valid")
        ]

    def __str__(self) -> str:
        return f"documents acknowledged {self.id}"
