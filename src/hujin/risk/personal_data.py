"""The risk module's part of a person's data (registered with ``hujin.core.personal_data``).

What risk keeps about a customer is monitoring: the decisions the rules took on their movements
and log-ins (with the values each rule read), the alerts an analyst looked at, the window
entries — ids and blind indexes, never a name, a number or an address in the clear — and the
cases an analyst worked (notes, files kept encrypted, the conclusion) with the reports drafted
from them.

- **Download**: the person learns that the records exist, how long they are kept and why, and
  how many decisions there are — not what they say, and nothing of cases or reports: not even
  that one exists (tipping-off). Monitoring results must not be disclosed to
  the customer they concern (the confidentiality duty of the large-value and suspicious
  transaction reporting rules, 中国人民银行令〔2016〕第3号, and the Anti-Money Laundering Law).
- **Erasure**: nothing to erase here. The records hold no identifier but the customer's id
  (anonymised with the person by customers and identity), and AML records are kept at least 5
  years after the transaction, a case's notes and files at least 5 years after the business
  relationship ends (Anti-Money Laundering Law art. 19); window entries are deleted by the close
  of business once no rule's window can read them (401 days).
"""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.customers.selectors import customer_id_for_user
from hujin.risk.models import Decision

RETENTION = (
    "Screening decisions and alerts are kept at least 5 years after the transaction, cases (with "
    "their notes and files) and reports at least 5 years after the business relationship ends "
    "(Anti-Money Laundering Law art. 19); none is disclosed to the customer they concern. Window "
    "entries are deleted after 401 days. Decisions and windows hold the customer's id and blind "
    "indexes only."
)


def risk_export(user_id: uuid.UUID) -> dict:
    customer_id = customer_id_for_user(user_id=user_id)
    count = Decision.objects.filter(customer_id=customer_id).count() if customer_id else 0
    return {"screening_decisions": count, "note": RETENTION}


def risk_anonymise(*, user_id: uuid.UUID, actor: Actor, now: datetime) -> None:
    """Nothing to change (see the module's notes)."""
