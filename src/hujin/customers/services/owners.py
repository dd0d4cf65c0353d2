"""The owner reference of a customer's ledger accounts: ``customer:<customer id>``.

The ``customer:`` namespace is the customers module's: only its services open ledger accounts
under it (the ledger's API refuses it), and the ledger lets an actor read them as customers says
(``customers.selectors.ledger_readable_owners``). The freeze, the close and the reads of a
customer's accounts all name them by this reference.
"""

import uuid

from hujin.ledger.selectors import CUSTOMER_OWNER_NAMESPACE


def owner_ref_for(customer_id: uuid.UUID) -> str:
    return f"{CUSTOMER_OWNER_NAMESPACE}{customer_id}"
