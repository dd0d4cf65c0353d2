"""What the risk screening reads of the customers on each side of a money movement, in one
statement and without personal data: the type, when the profile was opened, and the birth date
of the latest verified check (an age, never a name)."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from hujin.core.sql import Dialect, hot_rows
from hujin.customers.documents import age_on


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
