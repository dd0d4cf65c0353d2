"""The words of the readable "my data" document (``data_document``): section titles, the labels
of the keys the modules export, and the customer's words for the codes among the values.

Keys and codes are the export's (identity, customers, suitability, privacy); a key or a code not
listed here is shown as it is, so a module that exports something new never breaks the page.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from hujin.privacy.services import CORRECTION_FIELDS

SECTION_TITLES = {
    "profile": pgettext_lazy("data document", "Profile"),
    "verification": pgettext_lazy("data document", "Identity verification"),
    "risk": pgettext_lazy("data document", "Risk profile"),
    "consents": pgettext_lazy("data document", "Consents"),
    "requests": pgettext_lazy("data document", "Your personal-data requests"),
    "sessions": pgettext_lazy("data document", "Login devices"),
    "security": pgettext_lazy("data document", "Security events"),
    "accounts": pgettext_lazy("data document", "Accounts and balances"),
    "wealth": pgettext_lazy("data document", "Wealth products"),
}


def _k(label: str):
    return pgettext_lazy("data document", label)


KEY_LABELS = {
    # identity
    "kind": _k("Kind"),
    "username": _k("User name"),
    "first_name": _k("Given name"),
    "last_name": _k("Family name"),
    "mobile": _k("Mobile number"),
    "email": _k("E-mail"),
    "date_joined": _k("Registered"),
    "last_login": _k("Last log-in"),
    "two_step_verification": _k("Two-step verification"),
    "device": _k("Device"),
    "ip": _k("IP address"),
    "started": _k("Started"),
    "last_seen": _k("Last seen"),
    "ended": _k("Ended"),
    "at": _k("When"),
    # customers
    "id": _k("Number"),
    "type": _k("Customer type"),
    "status": _k("Status"),
    "legal_name": _k("Legal name"),
    "kyc_status": _k("Verification"),
    "verified_at": _k("Verified"),
    "wallet_account_id": _k("Wallet account number"),
    "created_at": _k("Created"),
    "document_type": _k("Document type"),
    "document_number": _k("Document number"),
    "birth_date": _k("Date of birth"),
    "provider_decision": _k("Automatic check"),
    "review_reason": _k("Reason"),
    "submitted_at": _k("Submitted"),
    "decided_at": _k("Decided"),
    "legal_representative": _k("Legal representative"),
    "authorised_operators": _k("Authorised operators"),
    "name": _k("Name"),
    "code": _k("Account"),
    "currency": _k("Currency"),
    "balance_minor": _k("Balance"),
    "available_minor": _k("Available"),
    # suitability
    "questionnaire_version": _k("Questionnaire version"),
    "assessed_at": _k("Assessed"),
    "expires_at": _k("Valid until"),
    "score": _k("Score"),
    "max_score": _k("Highest possible score"),
    "level": _k("Level"),
    "score_level": _k("Level by score alone"),
    "capped_by": _k("Limited by"),
    "question_text": _k("Question"),
    "answer": _k("Answer"),
    # privacy
    "document": _k("Document"),
    "version": _k("Version"),
    "accepted_at": _k("Accepted"),
    "channel": _k("Channel"),
    "withdrawn_at": _k("Withdrawn"),
    "field": _k("Information"),
    "details": _k("Your description"),
    "due_at": _k("Answer due"),
    "closed_at": _k("Closed"),
    "resolution": _k("Our answer"),
    # wealth
    "suitability_decisions": _k("Suitability decisions"),
    "risk_warnings_confirmed": _k("Risk warnings you confirmed"),
    "documents_acknowledged": _k("Product documents you read"),
    "acknowledged_at": _k("Read"),
    "documents": _k("Documents"),
    "product": _k("Product"),
    "customer_level": _k("Your level"),
    "product_level": _k("Product's risk level"),
    "policy": _k("Policy"),
    "outcome": _k("Outcome"),
    "reason": _k("Reason"),
    "confirmed_at": _k("Confirmed"),
    "language": _k("Language"),
    "text": _k("Text shown"),
}

VALUE_LABELS = {
    "kind": {
        "customer": _k("Customer"),
        "individual": _k("Individual"),
        "enterprise": _k("Enterprise"),
        "access": _("Access (download)"),
        "correction": _("Correction"),
        "deletion": _("Deletion"),
        "new_device_or_ip": _k("Log-in from a new device or IP address"),
        "account_locked": _k("Account locked after failed log-ins"),
        "ip_locked": _k("IP address blocked after failed log-ins"),
        "password_reset": _k("Password reset"),
        "session_revoked": _k("Session ended"),
        "refresh_token_reused": _k("A spent app log-in token was used again"),
    },
    "type": {"individual": _k("Individual"), "enterprise": _k("Enterprise")},
    "document_type": {
        "resident_id": _k("Mainland resident identity card"),
        "hmt_permit": _k("Residence permit for Hong Kong, Macao and Taiwan residents"),
        "foreign_permanent": _k("Foreign permanent resident ID card"),
        "uscc": _k("Unified Social Credit Code"),
    },
    "document": {
        "privacy_policy": _("Privacy policy"),
        "service_agreement": _("Service agreement"),
    },
    "channel": {"web": _("Web"), "app": _("App"), "api": _("API")},
    "kyc_status": {
        "unverified": pgettext_lazy("verification", "Not verified"),
        "pending": pgettext_lazy("verification", "Under review"),
    },
    "field": CORRECTION_FIELDS,
}
