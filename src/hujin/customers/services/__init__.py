"""Customers' writes, one module per area: profiles and individual verification (``kyc``),
enterprise verification (``kyb``), compliance review with its override (``review``), the
wallet's opening (``wallet``) and the customer's status (``status``: freeze and unfreeze by
maker-checker, close).

Other apps import from here: ``from hujin.customers.services import kyc_submit``.
"""

from hujin.customers.services.kyb import kyb_submit
from hujin.customers.services.kyc import (
    customer_ensure,
    document_index_of,
    kyc_submit,
    name_index_of,
    name_normalise,
)
from hujin.customers.services.review import (
    OVERRIDE_ACTION,
    kyc_override_describe,
    kyc_override_execute,
    kyc_override_request,
    kyc_review_decide,
)
from hujin.customers.services.status import customer_close, customer_freeze_request
from hujin.customers.services.wallet import account_open_for_customer, wallet_open_if_ready

__all__ = [
    "OVERRIDE_ACTION",
    "account_open_for_customer",
    "customer_close",
    "customer_ensure",
    "customer_freeze_request",
    "document_index_of",
    "kyb_submit",
    "kyc_override_describe",
    "kyc_override_execute",
    "kyc_override_request",
    "kyc_review_decide",
    "kyc_submit",
    "name_index_of",
    "name_normalise",
    "wallet_open_if_ready",
]
