"""What the risk module reads of customers (re-exported by ``hujin.customers.selectors``).

**The movement screen** (``customers_risk_facts``): of the customers on each side of a money
movement, in one statement and without personal data, the type, when the profile was opened,
and the birth date of the latest verified check (an age, never a name).

**The sanctions and watch-list screening** (``customers_screening_facts``): of verified
customers, the verified legal name, the date of birth and the nationality of the latest
verified check, in batches by id (two queries a batch, a third when permits' or foreigners'
numbers are needed, however many customers).

The nationality is read from the document: a mainland resident ID is China's (``CN``); a Hong
Kong, Macao or Taiwan residence permit gives ``HK``, ``MO`` or ``TW`` from its region code; a
foreigner's permanent residence ID gives its nationality code (three letters on the 2017 card,
the ISO numeric code on the 2023 card). An enterprise has none. What cannot be read is left
unknown ("") rather than guessed.

The names are plaintext: the reader is the screening (a system), which keeps them in memory and
stores only masked forms. No audit entry for each read: the screening's own run is recorded.
"""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

import pycountry

from hujin.core.sql import Dialect, hot_rows
from hujin.customers import documents
from hujin.customers.documents import age_on
from hujin.customers.models import ApplicationStatus, Customer, KycApplication, KycStatus


@dataclass(frozen=True, slots=True)
class RiskFacts:
    customer_id: uuid.UUID
    user_id: uuid.UUID
    type: str
    opened_at: datetime
    birth_date: date | None

    def age_on(self, day: date) -> int | None:
        """Full years of age on ``day`` (None without a verified birth date)."""
        return age_on(self.birth_date, day) if self.birth_date is not None else None


def customers_risk_facts(*, customer_ids) -> dict[uuid.UUID, RiskFacts]:
    """``RiskFacts`` of each customer of ``customer_ids`` that exists, by id."""
    d = Dialect()
    ids = [uuid.UUID(str(i)) for i in customer_ids]
    if not ids:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    rows = hot_rows(d, _SQL.format(marks=marks), [d.uuid_in(i) for i in ids])
    facts = {}
    for customer_id, user_id, kind, created_at, birth_date in rows:
        customer_id = d.uuid_out(customer_id)
        if customer_id in facts:  # the newest verified check came first
            continue
        facts[customer_id] = RiskFacts(
            customer_id=customer_id, user_id=d.uuid_out(user_id), type=kind,
            opened_at=d.datetime_out(created_at), birth_date=d.date_out(birth_date),
        )  # fmt: skip
    return facts


_SQL = (
    "SELECT c.id, c.user_id, c.type, c.created_at, a.birth_date FROM customers_customer c "
    "LEFT JOIN customers_kycapplication a ON a.customer_id = c.id AND a.status = 'verified' "
    "WHERE c.id IN ({marks}) ORDER BY c.id, a.submitted_at DESC"
)


@dataclass(frozen=True, slots=True)
class ScreeningFacts:
    customer_id: uuid.UUID
    type: str  # individual | enterprise
    legal_name: str
    birth_date: date | None
    nationality: str  # ISO 3166 alpha-2, "" when unknown


_NUMBER_TELLS = (documents.HMT_PERMIT, documents.FOREIGN_PERMANENT)


def _nationality(document_type: str, number: str) -> str:
    if document_type == documents.RESIDENT_ID:
        return "CN"
    if document_type == documents.HMT_PERMIT:
        return documents.HMT_PREFIXES.get(number[:6], "")
    if document_type == documents.FOREIGN_PERMANENT:
        country = None
        if len(number) == 18:
            country = pycountry.countries.get(numeric=number[3:6])
        elif len(number) == 15:
            country = pycountry.countries.get(alpha_3=number[:3])
        return country.alpha_2 if country else ""
    return ""


def customers_screening_facts(
    *, after: uuid.UUID | None = None, limit: int = 1000, customer_ids=None
) -> list[ScreeningFacts]:
    """Verified customers with a legal name, by id after ``after`` (at most ``limit``), or
    those of ``customer_ids``. Anonymised and unverified customers are left out."""
    customers = Customer.objects.filter(kyc_status=KycStatus.VERIFIED, anonymised_at__isnull=True)
    if customer_ids is not None:
        customers = customers.filter(id__in=list(customer_ids))
    elif after is not None:
        customers = customers.filter(id__gt=after)
    rows = list(customers.order_by("id").values_list("id", "type", "legal_name")[:limit])
    latest: dict[uuid.UUID, tuple] = {}
    verified = KycApplication.objects.filter(
        customer_id__in=[r[0] for r in rows], status=ApplicationStatus.VERIFIED
    ).order_by("submitted_at")
    for application_id, customer_id, birth, document_type in verified.values_list(
        "id", "customer_id", "birth_date", "document_type"
    ):
        latest[customer_id] = (application_id, birth, document_type, "")  # the newest wins
    # Only a permit or a foreigner's card needs its number decrypted to give a nationality.
    others = [a[0] for a in latest.values() if a[2] in _NUMBER_TELLS]
    if others:
        numbers = dict(
            KycApplication.objects.filter(id__in=others).values_list("id", "document_number")
        )
        for customer_id, (application_id, birth, document_type, _) in list(latest.items()):
            if application_id in numbers:
                latest[customer_id] = (application_id, birth, document_type,
                                       numbers[application_id])  # fmt: skip
    facts = []
    for customer_id, kind, name in rows:
        if not name:
            continue
        _, birth, document_type, number = latest.get(customer_id, (None, None, "", ""))
        facts.append(ScreeningFacts(
            customer_id=customer_id, type=kind, legal_name=name, birth_date=birth,
            nationality=_nationality(document_type, number or ""),
        ))  # fmt: skip
    return facts


def customer_screening_facts(*, customer_id: uuid.UUID) -> ScreeningFacts | None:
    """``customers_screening_facts`` of one customer; None unless verified and not anonymised."""
    found = customers_screening_facts(customer_ids=[customer_id], limit=1)
    return found[0] if found else None
