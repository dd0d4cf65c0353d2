"""Privacy's writes, one module per area: consents and their withdrawal (``consents``) and
data-subject requests (``requests``).

Other apps import from here: ``from hujin.privacy.services import consent_accept``.
"""

from hujin.privacy.services.consents import (
    consent_accept,
    consent_withdraw,
    current_document,
    customer_lock,
)
from hujin.privacy.services.requests import (
    CORRECTION_FIELDS,
    DUE_DAYS,
    data_request_complete,
    data_request_create,
    data_request_details_read,
    data_request_reject,
    data_request_start,
    personal_data_export,
    require_request_handler,
)

__all__ = [
    "CORRECTION_FIELDS",
    "DUE_DAYS",
    "consent_accept",
    "consent_withdraw",
    "current_document",
    "customer_lock",
    "data_request_complete",
    "data_request_create",
    "data_request_details_read",
    "data_request_reject",
    "data_request_start",
    "personal_data_export",
    "require_request_handler",
]
