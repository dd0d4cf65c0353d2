"""Reads for the customer portal: the home page (the onboarding steps, then the customer's
money and what to do next) and the customer's own applications.

Scoped by the logged-in user: a customer never reaches another customer's application (404).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext, pgettext_lazy

from hujin.core.actors import Actor
from hujin.core.dates import business_time_zone
from hujin.core.masking import mask
from hujin.core.navigation import url_if_mounted
from hujin.customers import portal_hooks
from hujin.customers.errors import ApplicationNotFound
from hujin.customers.models import Customer, CustomerStatus, KycApplication, KycStatus
from hujin.customers.portal_hooks import NextAction
from hujin.customers.selectors import accounts_of, wallet_activity
from hujin.customers.services import wallet as wallets
from hujin.customers.services.wallet import wallet_readiness
from hujin.privacy.selectors import KIND_LABELS as CONSENT_LABELS
from hujin.suitability.selectors import risk_profile_current, risk_profile_latest

# The home page's recent activity: a few movements when a page holds the full history, more
# when it is the only place the customer sees them.
ACTIVITY_WITH_HISTORY_PAGE = 5
ACTIVITY_WITHOUT_HISTORY_PAGE = 10
# A risk assessment this close to its expiry is worth retaking now.
RISK_RETAKE_WINDOW = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class MyApplication:
    id: uuid.UUID
    kind: str
    kind_label: str
    document_type_label: str
    document_number: str  # masked: the page may be seen over a shoulder
    legal_name: str
    status: str
    status_label: str
    reason: str
    submitted_at: datetime
    decided_at: datetime | None


@dataclass(frozen=True, slots=True)
class Onboarding:
    customer_id: uuid.UUID | None
    customer_type: str
    status: str
    status_label: str
    kyc_status: str
    kyc_status_label: str
    latest: MyApplication | None
    questionnaire_done: bool
    risk_level: str
    risk_label: str
    risk_expires_at: datetime | None
    consents_outstanding: list[str]
    wallet_account_id: uuid.UUID | None
    wallet_balance_minor: int | None
    wallet_currency: str
    may_open_account: bool  # ready, but the wallet is not there yet (offer a retry)

    @property
    def verified(self) -> bool:
        return self.kyc_status == KycStatus.VERIFIED

    @property
    def consented(self) -> bool:
        return not self.consents_outstanding

    @property
    def account_opened(self) -> bool:
        return self.wallet_account_id is not None

    @property
    def may_apply(self) -> bool:
        return self.kyc_status in (KycStatus.UNVERIFIED, KycStatus.REJECTED) and (
            self.status != "closed"
        )


def _mine(application: KycApplication) -> MyApplication:
    reason = application.review_reason if application.status == "rejected" else ""
    return MyApplication(
        id=application.id,
        kind=application.kind,
        kind_label=application.get_kind_display(),
        document_type_label=application.get_document_type_display(),
        document_number=mask("document", application.document_number),
        legal_name=application.legal_name,
        status=application.status,
        status_label=application.get_status_display(),
        reason=reason,
        submitted_at=application.submitted_at,
        decided_at=application.decided_at,
    )


def my_onboarding(*, actor: Actor, user_id: uuid.UUID, now: datetime) -> Onboarding:
    """Where the logged-in customer stands on each onboarding step. ``actor`` is that customer:
    their wallet's balance is read from the ledger as them."""
    customer = Customer.objects.filter(user_id=user_id).first()
    risk = risk_profile_current(user_id=user_id, now=now)
    outstanding = wallets.consents_outstanding(user_id=user_id)
    latest = None
    balance = None
    currency = ""
    ready = False
    if customer is not None:
        application = customer.applications.order_by("-submitted_at").first()
        latest = _mine(application) if application is not None else None
        wallet = next(
            (
                a
                for a in accounts_of(actor=actor, customer_id=customer.id)
                if a.id == customer.wallet_account_id
            ),
            None,
        )
        if wallet is not None:
            balance, currency = wallet.balance_minor, wallet.currency
        ready = customer.wallet_account_id is None and wallet_readiness(customer).ready
    return Onboarding(
        customer_id=customer.id if customer else None,
        customer_type=customer.type if customer else "individual",
        status=customer.status if customer else "active",
        status_label=customer.get_status_display() if customer else CustomerStatus.ACTIVE.label,
        kyc_status=customer.kyc_status if customer else KycStatus.UNVERIFIED,
        kyc_status_label=(
            customer.get_kyc_status_display() if customer else KycStatus.UNVERIFIED.label
        ),
        latest=latest,
        questionnaire_done=risk is not None,
        risk_level=getattr(risk, "level", "") if risk else "",
        risk_label=str(getattr(risk, "label", "")) if risk else "",
        risk_expires_at=getattr(risk, "expires_at", None) if risk else None,
        consents_outstanding=outstanding,
        wallet_account_id=customer.wallet_account_id if customer else None,
        wallet_balance_minor=balance,
        wallet_currency=currency,
        may_open_account=ready,
    )


def my_applications(*, user_id: uuid.UUID) -> list[MyApplication]:
    return [
        _mine(a)
        for a in KycApplication.objects.filter(customer__user_id=user_id).order_by("-submitted_at")
    ]


def my_application(*, user_id: uuid.UUID, application_id: uuid.UUID) -> MyApplication:
    """One of the customer's own applications. Raises ApplicationNotFound for anyone else's."""
    application = KycApplication.objects.filter(
        id=application_id, customer__user_id=user_id
    ).first()
    if application is None:
        raise ApplicationNotFound()
    return _mine(application)


# --- the home page once the account is open -----------------------------------------------------

_ACTIVITY_LABELS: dict[str, tuple[Promise, Promise]] = {
    "topup": (
        pgettext_lazy("wallet activity", "Top-up"),
        pgettext_lazy("wallet activity", "Top-up reversed"),
    ),
    "p2p": (
        pgettext_lazy("wallet activity", "Transfer received"),
        pgettext_lazy("wallet activity", "Transfer sent"),
    ),
    "fee.transfer": (
        pgettext_lazy("wallet activity", "Fee refunded"),
        pgettext_lazy("wallet activity", "Transfer fee"),
    ),
    "withdrawal": (
        pgettext_lazy("wallet activity", "Withdrawal returned"),
        pgettext_lazy("wallet activity", "Withdrawal"),
    ),
}
_OTHER_IN = pgettext_lazy("wallet activity", "Money in")
_OTHER_OUT = pgettext_lazy("wallet activity", "Money out")


@dataclass(frozen=True, slots=True)
class ActivityLine:
    label: str
    amount_minor: int  # signed: positive in, negative out
    currency: str
    created_at: datetime


@dataclass(frozen=True, slots=True)
class Home:
    """The customer's home page. ``onboarded`` once the wallet is open (which needs a verified
    customer who accepted the agreements): then the money overview replaces the checklist."""

    onboarding: Onboarding
    activity: list[ActivityLine]
    activity_url: str  # the full history's page, "" while no module offers one
    next_actions: list[NextAction]

    @property
    def onboarded(self) -> bool:
        return self.onboarding.account_opened and self.onboarding.verified


def activity_label(code: str, *, incoming: bool) -> str:
    """The customer's words for a ledger transfer code: a module's registered label first."""
    registered = portal_hooks.portal_activity_label(code, incoming=incoming)
    if registered is not None:
        return str(registered)
    labels = _ACTIVITY_LABELS.get(code)
    if labels is not None:
        return str(labels[0] if incoming else labels[1])
    return str(_OTHER_IN if incoming else _OTHER_OUT)


def _url(name: str, anchor: str = "") -> str:
    url = url_if_mounted(name)
    return url + anchor if url is not None else ""


def _local_day(moment: datetime) -> str:
    return timezone.localtime(moment, business_time_zone()).date().isoformat()


def _risk_action(*, user_id: uuid.UUID, onboarding: Onboarding, now: datetime):
    url = _url("suitability:questionnaire")
    if not url:
        return None
    expires_at = onboarding.risk_expires_at
    if onboarding.questionnaire_done and expires_at is not None:
        if expires_at - now >= RISK_RETAKE_WINDOW:
            return None
        text = gettext(
            "Your risk assessment expires on %(day)s. Retake the questionnaire to keep buying "
            "investment products."
        ) % {"day": _local_day(expires_at)}
        return NextAction(
            "suitability.retake", text, url, gettext("Retake the questionnaire"), True
        )
    latest = risk_profile_latest(user_id=user_id, now=now)
    if latest is not None:
        text = gettext(
            "Your risk assessment expired on %(day)s. Take the questionnaire again before you "
            "buy investment products."
        ) % {"day": _local_day(latest.expires_at)}
        return NextAction(
            "suitability.retake", text, url, gettext("Retake the questionnaire"), True
        )
    text = gettext("Take the risk questionnaire to find out which investment products suit you.")
    return NextAction("suitability.take", text, url, gettext("Take the questionnaire"))


def _consent_actions(onboarding: Onboarding) -> list[NextAction]:
    actions = []
    for kind in onboarding.consents_outstanding:
        url = _url("privacy:consents", f"#consent-{kind}")
        if url:
            title = str(CONSENT_LABELS.get(kind, kind))
            text = gettext("A new version of the %(document)s is waiting for you.") % {
                "document": title
            }
            actions.append(NextAction(f"privacy.review.{kind}", text, url, gettext("Review it")))
    return actions


def _next_actions(*, user_id: uuid.UUID, onboarding: Onboarding, now: datetime):
    if onboarding.status == CustomerStatus.CLOSED:
        return []
    actions = _consent_actions(onboarding)
    risk = _risk_action(user_id=user_id, onboarding=onboarding, now=now)
    if risk is not None:
        actions.append(risk)
    actions += portal_hooks.portal_next_actions_from_modules(
        user_id=user_id, customer_id=onboarding.customer_id, now=now
    )
    return sorted(actions, key=lambda a: not a.urgent)  # stable: urgent first, else as added


def my_home(*, actor: Actor, user_id: uuid.UUID, now: datetime) -> Home:
    """The logged-in customer's home page: the onboarding steps, and once the wallet is open
    its recent movements and what the customer can do next. ``actor`` is that customer."""
    onboarding = my_onboarding(actor=actor, user_id=user_id, now=now)
    activity: list[ActivityLine] = []
    activity_url = ""
    next_actions: list[NextAction] = []
    if onboarding.account_opened and onboarding.customer_id is not None:
        page = portal_hooks.portal_activity_page()
        activity_url = _url(page) if page else ""
        limit = ACTIVITY_WITH_HISTORY_PAGE if activity_url else ACTIVITY_WITHOUT_HISTORY_PAGE
        activity = [
            ActivityLine(
                label=activity_label(m.code, incoming=m.incoming),
                amount_minor=m.amount_minor,
                currency=m.currency,
                created_at=m.created_at,
            )
            for m in wallet_activity(actor=actor, customer_id=onboarding.customer_id, limit=limit)
        ]
        next_actions = _next_actions(user_id=user_id, onboarding=onboarding, now=now)
    return Home(onboarding, activity, activity_url, next_actions)
