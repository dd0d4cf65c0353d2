"""The kinds of message this module sends itself, for the events of the modules below it
(customers, identity, suitability), which cannot register kinds with a module above them.
Modules above (payments, wealth...) register their own kinds from their ``ready()``."""

from django.utils.translation import gettext_lazy as _

from hujin.notifications.kinds import notification_kind_register
from hujin.notifications.types import (
    CATEGORY_ACCOUNT,
    CATEGORY_SECURITY,
    CATEGORY_SERVICE,
    CHANNEL_INBOX,
    CHANNEL_SMS,
)

KYC_VERIFIED = "customers.kyc_verified"
KYC_REJECTED = "customers.kyc_rejected"
WALLET_OPENED = "customers.account_opened"
ACCOUNT_FROZEN = "customers.account_frozen"
ACCOUNT_UNFROZEN = "customers.account_unfrozen"
ACCOUNT_CLOSED = "customers.account_closed"
NEW_SIGN_IN = "identity.new_sign_in"
PASSWORD_RESET = "identity.password_reset"
RISK_ASSESSED = "suitability.assessed"

INBOX_AND_SMS = (CHANNEL_INBOX, CHANNEL_SMS)


def register() -> None:
    notification_kind_register(
        KYC_VERIFIED, category=CATEGORY_ACCOUNT, channels=INBOX_AND_SMS, optional=True,
        title=_("Your identity is verified"),
        body=_("Your real-name verification has been approved."),
        url_name="customers_portal:status",
    )  # fmt: skip
    notification_kind_register(
        KYC_REJECTED, category=CATEGORY_ACCOUNT, channels=INBOX_AND_SMS,
        title=_("Your real-name verification was not approved"),
        body=_("Reason: %(reason)s. You can correct your details and apply again."),
        url_name="customers_portal:status",
    )  # fmt: skip
    notification_kind_register(
        WALLET_OPENED, category=CATEGORY_ACCOUNT, channels=INBOX_AND_SMS, optional=True,
        title=_("Your wallet is open"),
        body=_("Your wallet is open and ready to use."),
        url_name="customers_portal:home",
    )  # fmt: skip
    notification_kind_register(
        ACCOUNT_FROZEN, category=CATEGORY_ACCOUNT, channels=INBOX_AND_SMS,
        title=_("Your account is frozen"),
        body=_(
            "Your account has been frozen: money cannot leave it for now. Contact customer "
            "service if you have questions."
        ),
        url_name="customers_portal:status",
    )  # fmt: skip
    notification_kind_register(
        ACCOUNT_UNFROZEN, category=CATEGORY_ACCOUNT, channels=INBOX_AND_SMS,
        title=_("Your account is no longer frozen"),
        body=_("Your account is active again: you can send money as before."),
        url_name="customers_portal:status",
    )  # fmt: skip
    notification_kind_register(
        ACCOUNT_CLOSED, category=CATEGORY_ACCOUNT, channels=INBOX_AND_SMS,
        title=_("Your account is closed"),
        body=_(
            "Your account has been closed. Contact customer service if you did not expect "
            "this."
        ),
        url_name="customers_portal:status",
    )  # fmt: skip
    notification_kind_register(
        NEW_SIGN_IN, category=CATEGORY_SECURITY, channels=INBOX_AND_SMS,
        title=_("New sign-in to your account"),
        body=_(
            "Your account was signed in to from a new device or network (%(network)s) at "
            "%(time)s. If this was not you, change your password now."
        ),
        url_name="identity:sessions",
    )  # fmt: skip
    notification_kind_register(
        PASSWORD_RESET, category=CATEGORY_SECURITY, channels=INBOX_AND_SMS,
        title=_("Your password was reset"),
        body=_(
            "Your password was reset at %(time)s and every device was signed out. If this was "
            "not you, contact customer service now."
        ),
    )  # fmt: skip
    notification_kind_register(
        RISK_ASSESSED, category=CATEGORY_SERVICE, optional=True,
        title=_("Your risk tolerance result"),
        body=_("Your risk level is %(level)s %(label)s, valid until %(valid_until)s."),
        url_name="suitability:result",
    )  # fmt: skip
