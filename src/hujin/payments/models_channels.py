"""The payment channels operations configure: which bank gateways Hujin may use, for which
banks and amounts, in which order, what each costs, and whether it is down.

A channel is an adapter (a class implementing ``channels.base.MoneyChannel``, by dotted path)
under a name; the same adapter may serve two names (two merchant accounts at one gateway).
Routing (``channels.routing``) takes the enabled channels that serve the card's bank and the
amount, by priority, skipping one marked down until its cool-down ends.
"""

from django.db import models
from django.db.models import Q


class PaymentChannel(models.Model):
    name = models.SlugField(max_length=32, primary_key=True)
    adapter = models.CharField(max_length=200)
    enabled = models.BooleanField(default=True)
    priority = models.PositiveSmallIntegerField(default=100)  # lower first
    banks = models.JSONField(default=list, blank=True)  # bank codes it serves; [] = every bank
    max_amount_minor = models.BigIntegerField(null=True, blank=True)
    # What the channel charges Hujin per payment (a cost, not the customer's fee).
    cost_rate = models.DecimalField(max_digits=7, decimal_places=6, default=0)
    cost_fixed_minor = models.BigIntegerField(default=0)
    consecutive_failures = models.PositiveIntegerField(default=0)
    down_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["priority", "name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(max_amount_minor__isnull=True) | Q(max_amount_minor__gt=0))
                & Q(cost_rate__gte=0, cost_rate__lt=1, cost_fixed_minor__gte=0),
                name="payments_channel_sane",
            ),
        ]

    def __str__(self) -> str:
        return f"channel {self.name}"
