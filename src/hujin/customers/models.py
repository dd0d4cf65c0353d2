"""Customers, their real-name verification applications and enterprise details.

Personal data (names, document numbers) is encrypted at rest; each has a keyed blind index beside
it for exact-match search. One verified application per document number is a database rule.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.core.crypto import EncryptedTextField
from hujin.core.ids import new_id
from hujin.customers import documents


class CustomerType(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    ENTERPRISE = "enterprise", _("Enterprise")


class CustomerStatus(models.TextChoices):
    ACTIVE = "active", pgettext_lazy("customer status", "Active")
    FROZEN = "frozen", pgettext_lazy("customer status", "Frozen")
    CLOSED = "closed", pgettext_lazy("customer status", "Closed")


class KycStatus(models.TextChoices):
    UNVERIFIED = "unverified", pgettext_lazy("verification", "Not verified")
    PENDING = "pending", pgettext_lazy("verification", "Under review")
    VERIFIED = "verified", pgettext_lazy("verification", "Verified")
    REJECTED = "rejected", pgettext_lazy("verification", "Rejected")


class DocumentType(models.TextChoices):
    RESIDENT_ID = documents.RESIDENT_ID, _("Mainland resident identity card")
    HMT_PERMIT = (
        documents.HMT_PERMIT,
        _("Residence permit for Hong Kong, Macao and Taiwan residents"),
    )
    FOREIGN_PERMANENT = documents.FOREIGN_PERMANENT, _("Foreign permanent resident ID card")
    USCC = documents.USCC, _("Unified Social Credit Code")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", pgettext_lazy("verification", "Submitted")
    NEEDS_REVIEW = "needs_review", pgettext_lazy("verification", "Waiting for review")
    VERIFIED = "verified", pgettext_lazy("verification", "Verified")
    REJECTED = "rejected", pgettext_lazy("verification", "Rejected")


class Customer(models.Model):
    """A customer of Hujin: one per customer login (identity User of kind "customer")."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="customer"
    )
    type = models.CharField(
        max_length=16, choices=CustomerType.choices, default=CustomerType.INDIVIDUAL
    )
    status = models.CharField(
        max_length=16, choices=CustomerStatus.choices, default=CustomerStatus.ACTIVE
    )
    legal_name = EncryptedTextField(blank=True, default="")
    name_index = models.CharField(max_length=64, blank=True, default="", db_index=True)
    kyc_status = models.CharField(
        max_length=16, choices=KycStatus.choices, default=KycStatus.UNVERIFIED
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    wallet_account_id = models.UUIDField(null=True, blank=True, unique=True)
    wallet_opened_at = models.DateTimeField(null=True, blank=True)
    status_reason = models.CharField(max_length=500, blank=True, default="")
    status_changed_at = models.DateTimeField(null=True, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        permissions = [
            ("view_customers", _("Can see customers (masked)")),
            ("view_personal_data", _("Can see customers' personal data unmasked")),
            ("review_kyc", _("Can approve or reject real-name verifications")),
            ("request_freeze", _("Can ask for a customer to be frozen or unfrozen")),
            ("approve_freeze", _("Can approve freezing or unfreezing a customer")),
            ("close_customer", _("Can close a customer")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(kyc_status="verified", verified_at__isnull=False)
                | ~Q(kyc_status="verified"),
                name="customers_customer_verified_has_time",
            ),
            models.CheckConstraint(
                condition=Q(wallet_account_id__isnull=True) | Q(kyc_status="verified"),
                name="customers_customer_wallet_only_when_verified",
            ),
        ]

    def __str__(self) -> str:
        return f"customer {self.id}"


class KycApplication(models.Model):
    """One real-name verification attempt: a person's document (KYC) or an enterprise's USCC
    (KYB, with ``EnterpriseDetails``)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    customer = models.ForeignKey(Customer, on_delete=models.PROTECT, related_name="applications")
    kind = models.CharField(max_length=16, choices=CustomerType.choices)
    document_type = models.CharField(max_length=32, choices=DocumentType.choices)
    document_number = EncryptedTextField()
    document_index = models.CharField(max_length=64, db_index=True)
    legal_name = EncryptedTextField()
    name_index = models.CharField(max_length=64, db_index=True)
    birth_date = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    provider = models.CharField(max_length=64)
    provider_decision = models.CharField(max_length=16, blank=True, default="")
    provider_reason = models.CharField(max_length=300, blank=True, default="")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewer_label = models.CharField(max_length=150, blank=True, default="")
    review_reason = models.CharField(max_length=500, blank=True, default="")
    overridden = models.BooleanField(default=False)
    submitted_at = models.DateTimeField()
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-submitted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["document_index"],
                condition=Q(status="verified"),
                name="customers_one_verified_per_document",
            ),
            models.UniqueConstraint(
                fields=["customer"],
                condition=Q(status__in=["submitted", "needs_review", "verified"]),
                name="customers_one_open_application_per_customer",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["submitted", "needs_review"]) | Q(decided_at__isnull=False),
                name="customers_application_decided_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"application {self.id}"


class EnterpriseDetails(models.Model):
    """The enterprise side of a KYB application: its legal representative and operators.

    The company name and USCC are the application's ``legal_name`` and ``document_number``.
    """

    application = models.OneToOneField(
        KycApplication, on_delete=models.PROTECT, primary_key=True, related_name="enterprise"
    )
    representative_name = EncryptedTextField()
    representative_document_type = models.CharField(max_length=32, choices=DocumentType.choices)
    representative_document_number = EncryptedTextField()
    representative_document_index = models.CharField(max_length=64, db_index=True)
    # The verified individual customer holding that document, when there is one; otherwise the
    # compliance officer verifies the representative as part of the KYB review.
    representative_customer = models.ForeignKey(
        Customer, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    operators = models.ManyToManyField(Customer, related_name="operated_enterprises", blank=True)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"enterprise details of {self.application_id}"
