"""The names other modules need to call customers' services (public): the identity document
types ``kyc_submit`` and ``kyb_submit`` take, and the identity-provider interface that
``kyc_submit(provider=...)`` and ``HUJIN_IDENTITY_PROVIDER`` accept.

They are defined next to the code that uses them (``documents``, ``providers``, both private);
this module is where another module imports them from.
"""

from hujin.customers.documents import (
    FOREIGN_PERMANENT,
    HMT_PERMIT,
    PERSON_DOCUMENT_TYPES,
    RESIDENT_ID,
    USCC,
)
from hujin.customers.providers import (
    NEEDS_REVIEW,
    REJECTED,
    VERIFIED,
    Decision,
    IdentityCheck,
    IdentityProvider,
    ManualReviewProvider,
    ProviderUnavailable,
)

__all__ = [
    "FOREIGN_PERMANENT",
    "HMT_PERMIT",
    "NEEDS_REVIEW",
    "PERSON_DOCUMENT_TYPES",
    "REJECTED",
    "RESIDENT_ID",
    "USCC",
    "VERIFIED",
    "Decision",
    "IdentityCheck",
    "IdentityProvider",
    "ManualReviewProvider",
    "ProviderUnavailable",
]
