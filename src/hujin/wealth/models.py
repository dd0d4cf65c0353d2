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


class Holding(models.Model):
    """A customer's holding of one product. The units themselves are a ledger account in the
    product's unit (``account_id``, ``U:<code>``): they move only by ledger transfers, with the
    ledger's guarantees. This row keeps what the ledger cannot: the cost of the units held."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    account_id = models.UUIDField(unique=True)
    cost_minor = models.BigIntegerField(default=0)  # paid for the units held, fees included
    # What redemptions and payouts brought in above the cost of the units they took.
    realised_minor = models.BigIntegerField(default=0)
    opened_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["customer", "product"], name="wealth_holding_one"),
            models.CheckConstraint(condition=Q(cost_minor__gte=0), name="wealth_holding_cost"),
        ]

    def __str__(self) -> str:
        return f"holding {self.id}"


class Order(models.Model):
    """A subscription or a redemption, from submission to confirmation (or failure, or
    cancellation). Its money and units are held by pending ledger transfers whose ids derive
    from the order's id (``accounts.order_transfer_id``) and posted or voided at the end."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    customer = models.ForeignKey("customers.Customer", on_delete=models.PROTECT, related_name="+")
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    holding = models.ForeignKey(Holding, on_delete=models.PROTECT, related_name="orders")
    kind = models.CharField(max_length=16)  # subscribe | redeem | maturity (a payout)
    state = models.CharField(max_length=16)  # submitted | confirmed | failed | cancelled
    idempotency_key = models.CharField(max_length=64)
    fast = models.BooleanField(default=False)  # a money-market fund's fast redemption
    # A subscription: what the customer pays, the fee in it and the net that buys units.
    amount_minor = models.BigIntegerField(default=0)
    fee_minor = models.BigIntegerField(default=0)
    net_minor = models.BigIntegerField(default=0)
    # Units asked to redeem, or bought once confirmed (hundredths of a unit).
    units_minor = models.BigIntegerField(default=0)
    nav = models.DecimalField(max_digits=12, decimal_places=4, null=True, blank=True)
    payout_minor = models.BigIntegerField(default=0)  # a redemption: what reached the wallet
    trade_date = models.DateField()  # the business date whose NAV prices it
    confirm_on = models.DateField()  # the business date whose close of business confirms it
    cooling_off_until = models.DateTimeField(null=True, blank=True)
    cooling_off_ended_on = models.DateField(null=True, blank=True)  # the COB that released it
    cancel_until = models.DateTimeField(null=True, blank=True)
    suitability = models.ForeignKey(
        SuitabilityRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    acknowledgement = models.ForeignKey(
        DocumentsAcknowledgement, on_delete=models.PROTECT, null=True, blank=True,
        related_name="+",
    )  # fmt: skip
    submitted_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_on = models.DateField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)  # failed or cancelled
    failure_code = models.CharField(max_length=48, blank=True, default="")
    # The close of business's last attempt at it that did not succeed (a retry picks it up).
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.CharField(max_length=200, blank=True, default="")

    class Meta:
        default_permissions = ()
        ordering = ["-submitted_at"]
        permissions = [("view_orders", "Can see customers' wealth orders and holdings")]
        indexes = [
            models.Index(fields=["state", "confirm_on"], name="wealth_order_due"),
            models.Index(fields=["customer", "submitted_at"], name="wealth_order_customer"),
            models.Index(fields=["product", "state"], name="wealth_order_product"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "idempotency_key"], name="wealth_order_idempotent"
            ),
            models.CheckConstraint(
                condition=Q(kind__in=["subscribe", "redeem", "maturity"]),
                name="wealth_order_kind",
            ),
            models.CheckConstraint(
                condition=Q(state__in=["submitted", "confirmed", "failed", "cancelled"]),
                name="wealth_order_state",
            ),
            models.CheckConstraint(
                condition=Q(
                    amount_minor__gte=0,
                    fee_minor__gte=0,
                    net_minor__gte=0,
                    units_minor__gte=0,
                    payout_minor__gte=0,
                )
                & Q(net_minor=models.F("amount_minor") - models.F("fee_minor")),
                name="wealth_order_amounts",
            ),
        ]

    def __str__(self) -> str:
        return f"order {self.id}"


class HoldingLot(models.Model):
    """The units one confirmed subscription bought, consumed first in, first out by
    redemptions: a NAV fund's redemption fee depends on how long each lot was held."""

    id = models.BigAutoField(primary_key=True)
    holding = models.ForeignKey(Holding, on_delete=models.PROTECT, related_name="lots")
    order = models.OneToOneField(Order, on_delete=models.PROTECT, related_name="lot")
    units_minor = models.BigIntegerField()
    remaining_minor = models.BigIntegerField()
    confirmed_on = models.DateField()

    class Meta:
        default_permissions = ()
        ordering = ["confirmed_on", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(remaining_minor__gte=0, remaining_minor__lte=models.F("units_minor")),
                name="wealth_lot_remaining",
            )
        ]

    def __str__(self) -> str:
        return f"lot {self.id}"


class IncomeDistribution(models.Model):
    """A money-market fund's income of one business date, distributed to every holder as units
    in one ledger fan-out (``batch_id``): the total declared, what reached the holders (equal
    but for holdings the ledger refused, kept as shortfalls) and how many."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    product = models.ForeignKey("products.Product", on_delete=models.PROTECT, related_name="+")
    business_date = models.DateField()
    income_per_10k = models.DecimalField(max_digits=12, decimal_places=4)
    units_minor = models.BigIntegerField()  # units that earned it
    declared_minor = models.BigIntegerField()
    distributed_minor = models.BigIntegerField()
    holders = models.PositiveIntegerField()
    batch_id = models.UUIDField(unique=True)
    distributed_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["-business_date"]
        constraints = [
            models.UniqueConstraint(fields=["product", "business_date"], name="wealth_income_day"),
        ]

    def __str__(self) -> str:
        return f"income {self.product_id} {self.business_date}"


class DistributionShortfall(models.Model):
    """A holding's share of a distribution the ledger refused (its account closed, say): kept
    with the reason, paid by a later close of business when the account can take it."""

    id = models.BigAutoField(primary_key=True)
    distribution = models.ForeignKey(
        IncomeDistribution, on_delete=models.PROTECT, related_name="shortfalls"
    )
    account_id = models.UUIDField()
    amount_minor = models.BigIntegerField()
    code = models.CharField(max_length=48)
    paid_batch_id = models.UUIDField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["distribution", "account_id"], name="wealth_shortfall_one"
            )
        ]

    def __str__(self) -> str:
        return f"shortfall {self.id}"


class Fundraising(models.Model):
    """A fixed-term product's fundraising: what its open and confirmed subscriptions add up to
    (locked by every subscription, so none can take it past the product's size) and, once the
    window closed, how it ended: raised (orders confirmed) or failed (every order refunded)."""

    product = models.OneToOneField(
        "products.Product", on_delete=models.PROTECT, primary_key=True, related_name="+"
    )
    subscribed_minor = models.BigIntegerField(default=0)  # net of fees
    outcome = models.CharField(max_length=8, blank=True, default="")  # "", raised, failed
    decided_on = models.DateField(null=True, blank=True)
    settled_on = models.DateField(null=True, blank=True)  # no order left submitted
    matured_on = models.DateField(null=True, blank=True)  # principal and interest paid

    class Meta:
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=Q(subscribed_minor__gte=0), name="wealth_fundraising_positive"
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=["", "raised", "failed"]), name="wealth_fundraising_outcome"
            ),
        ]

    def __str__(self) -> str:
        return f"fundraising {self.product_id}"
