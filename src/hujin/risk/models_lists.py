"""The screening lists' tables: the lists, their imported versions and entries, and the hits.

A list (``WatchList``) is imported from a file as a new **version**; the version before it is
then ``superseded`` and at most one version of a list is ``current`` (a database rule). A
version and its entries are never changed after the import: a new file is a new version, and the
entries of the old one stay as they were, so a hit can always show the entry it matched. The
entries of a sanctions list are public data, not personal data of customers.

A hit (``WatchListHit``) ties an ``Alert`` (source ``watchlist``) to the customer it concerns,
the party that was compared (the customer, or a payee of the customer) and the entry of the
version it matched: one hit per customer, party and entry of a version (a database rule), so a
screening that runs twice raises nothing twice.
"""

from django.db import models
from django.db.models import Q

from hujin.core.ids import new_id

SANCTIONS, PEP, INTERNAL = "sanctions", "pep", "internal"
LIST_KINDS = (SANCTIONS, PEP, INTERNAL)
CURRENT, SUPERSEDED = "current", "superseded"
FORMATS = ("un_xml", "csv")
ROLE_CUSTOMER, ROLE_PAYEE = "customer", "payee"


class WatchList(models.Model):
    """A sanctions, PEP or internal list, known by its code (``un_consolidated``)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    code = models.CharField(max_length=64, unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10)
    created_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=LIST_KINDS), name="risk_watchlist_kind"),
        ]

    def __str__(self) -> str:
        return f"list {self.code} ({self.kind})"


class WatchListVersion(models.Model):
    """One import of a list's file: who imported it, when, the file's name and SHA-256, how
    many entries, and whether it is the list's current version. ``screened_at`` is set once
    every customer has been screened against it (``screened`` customers, ``hits`` new hits)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    watchlist = models.ForeignKey(WatchList, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    format = models.CharField(max_length=8)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    entry_count = models.PositiveIntegerField()
    state = models.CharField(max_length=10, default=CURRENT)
    imported_at = models.DateTimeField()
    imported_by = models.UUIDField(null=True, blank=True)  # a user; None: a system
    imported_by_label = models.CharField(max_length=150, blank=True, default="")
    superseded_at = models.DateTimeField(null=True, blank=True)
    screened_at = models.DateTimeField(null=True, blank=True)
    screened = models.PositiveIntegerField(default=0)
    hits = models.PositiveIntegerField(default=0)

    class Meta:
        default_permissions = ()
        ordering = ["watchlist", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["watchlist", "number"], name="risk_watchlist_version_number"
            ),
            models.UniqueConstraint(
                fields=["watchlist"], condition=Q(state=CURRENT), name="risk_watchlist_one_current"
            ),
            models.CheckConstraint(
                condition=Q(state__in=(CURRENT, SUPERSEDED)), name="risk_watchlist_version_state"
            ),
            models.CheckConstraint(
                condition=Q(format__in=FORMATS), name="risk_watchlist_version_format"
            ),
        ]

    def __str__(self) -> str:
        return f"list version {self.number} ({self.state})"


class WatchListEntry(models.Model):
    """One listed person or entity of a version: its names (the first is the main one), dates
    (ISO) and years of birth, nationalities (ISO 3166 alpha-2)."""

    id = models.BigAutoField(primary_key=True)
    version = models.ForeignKey(WatchListVersion, on_delete=models.PROTECT, related_name="entries")
    reference = models.CharField(max_length=64)
    names = models.JSONField(default=list)
    birth_dates = models.JSONField(default=list)
    birth_years = models.JSONField(default=list)
    nationalities = models.JSONField(default=list)
    listed_on = models.DateField(null=True, blank=True)
    note = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        default_permissions = ()
        ordering = ["version", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "reference"], name="risk_watchlist_entry_reference"
            ),
        ]

    def __str__(self) -> str:
        return f"entry {self.reference}"


class WatchListHit(models.Model):
    """A watch-list hit and the alert it raised. ``customer_id`` is the customer the alert is
    about; ``party_id`` the customer whose name was compared (the same one, or the payee)."""

    id = models.UUIDField(primary_key=True, default=new_id, editable=False)
    alert = models.OneToOneField(
        "risk.Alert", on_delete=models.PROTECT, related_name="watchlist_hit"
    )
    customer_id = models.UUIDField()
    role = models.CharField(max_length=8)  # customer | payee
    party_id = models.UUIDField()
    version = models.ForeignKey(WatchListVersion, on_delete=models.PROTECT, related_name="+")
    reference = models.CharField(max_length=64)
    score = models.PositiveSmallIntegerField()
    raised_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer_id", "role", "party_id", "version", "reference"],
                name="risk_watchlist_hit_once",
            ),
            models.CheckConstraint(
                condition=Q(role__in=(ROLE_CUSTOMER, ROLE_PAYEE)), name="risk_watchlist_hit_role"
            ),
        ]
        indexes = [
            models.Index(
                fields=["customer_id", "party_id", "reference"], name="risk_wl_hit_party_ix"
            ),
        ]

    def __str__(self) -> str:
        return f"hit {self.reference} ({self.role})"


class WatchListPayee(models.Model):
    """A payee a customer has paid: screened the first time, then known."""

    id = models.BigAutoField(primary_key=True)
    customer_id = models.UUIDField()
    payee_id = models.UUIDField()
    first_paid_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["customer_id", "payee_id"], name="risk_watchlist_payee_once"
            ),
        ]

    def __str__(self) -> str:
        return f"payee {self.payee_id} of {self.customer_id}"


__all__ = ["WatchList", "WatchListEntry", "WatchListHit", "WatchListPayee", "WatchListVersion"]
