"""The console's lending menu, waiting counts, audit words, transfer code names, the states of
products, applications, loans and score models in the status vocabulary, and the audit targets
named as the console names them."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, pgettext_lazy

from hujin.lending.permissions import VIEW_LENDING

AUDIT_ACTION_LABELS = {
    "lending.product.created": pgettext_lazy("audit action", "Loan product created"),
    "lending.product.updated": pgettext_lazy("audit action", "Loan product edited"),
    "lending.product.submitted": pgettext_lazy("audit action", "Loan product submitted"),
    "lending.product.admitted": pgettext_lazy("audit action", "Loan product admitted"),
    "lending.product.returned": pgettext_lazy("audit action", "Loan product returned to draft"),
    "lending.product.suspend": pgettext_lazy("audit action", "Loan product suspended"),
    "lending.product.resume": pgettext_lazy("audit action", "Loan product resumed"),
    "lending.product.close": pgettext_lazy("audit action", "Loan product closed"),
    "lending.application.submitted": pgettext_lazy("audit action", "Loan application submitted"),
    "lending.application.reviewed": pgettext_lazy("audit action", "Loan application decided"),
    "lending.application.approval_requested": pgettext_lazy(
        "audit action", "Loan approval sent to a second analyst"
    ),
    "lending.application.cancelled": pgettext_lazy("audit action", "Loan application withdrawn"),
    "lending.loan.signed": pgettext_lazy("audit action", "Loan contract signed"),
    "lending.loan.disbursed": pgettext_lazy("audit action", "Loan disbursed"),
    "lending.loan.repayment": pgettext_lazy("audit action", "Loan repayment"),
    "lending.loan.prepayment": pgettext_lazy("audit action", "Loan prepayment"),
    "lending.loan.collection_note": pgettext_lazy("audit action", "Collection note added"),
    "lending.loan.downgraded": pgettext_lazy("audit action", "Loan classification lowered"),
    "lending.loan.restructured": pgettext_lazy("audit action", "Loan restructured"),
    "lending.loan.written_off": pgettext_lazy("audit action", "Loan written off"),
    "lending.loan.recovery": pgettext_lazy("audit action", "Recovery after write-off"),
    "lending.funding.added": pgettext_lazy("audit action", "Lender funds recorded"),
    "lending.model_register": pgettext_lazy("audit action", "Score model registered"),
    "lending.model_promote": pgettext_lazy("audit action", "Score model promoted"),
    "lending.model_demote": pgettext_lazy("audit action", "Score model made a challenger"),
    "lending.model_retire": pgettext_lazy("audit action", "Score model retired"),
}
TRANSFER_CODE_LABELS = {
    "lending.disbursement": pgettext_lazy("transfer code", "Loan disbursement"),
    "lending.fee": pgettext_lazy("transfer code", "Loan fee"),
    "lending.accrual.interest": pgettext_lazy("transfer code", "Loan interest accrued"),
    "lending.accrual.penalty": pgettext_lazy("transfer code", "Loan penalty interest accrued"),
    "lending.repayment.principal": pgettext_lazy("transfer code", "Loan principal repaid"),
    "lending.repayment.interest": pgettext_lazy("transfer code", "Loan interest repaid"),
    "lending.repayment.penalty": pgettext_lazy("transfer code", "Loan penalty interest repaid"),
    "lending.repayment.fees": pgettext_lazy("transfer code", "Loan fees repaid"),
    "lending.funding": pgettext_lazy("transfer code", "Lender funds arrived"),
    "lending.write_off.principal": pgettext_lazy("transfer code", "Loan principal written off"),
    "lending.write_off.interest": pgettext_lazy("transfer code", "Loan interest written off"),
    "lending.write_off.penalty": pgettext_lazy(
        "transfer code", "Loan penalty interest written off"
    ),
    "lending.recovery": pgettext_lazy("transfer code", "Recovery after write-off"),
}


def _statuses() -> None:
    from hujin.core.statuses import (
        TONE_DANGER,
        TONE_INFO,
        TONE_MUTED,
        TONE_SUCCESS,
        TONE_WARNING,
        status_register,
    )

    for key, label, tone in (
        ("referred", pgettext_lazy("status", "Referred"), TONE_WARNING),
        ("declined", pgettext_lazy("status", "Declined"), TONE_DANGER),
        ("signed", pgettext_lazy("status", "Signed"), TONE_INFO),
        ("settled", pgettext_lazy("status", "Settled"), TONE_MUTED),
        ("written_off", pgettext_lazy("status", "Written off"), TONE_DANGER),
        ("champion", pgettext_lazy("status", "Champion"), TONE_SUCCESS),
        ("challenger", pgettext_lazy("status", "Challenger"), TONE_INFO),
        # the five-tier loan classification (贷款五级分类)
        ("normal", pgettext_lazy("loan class", "Normal"), TONE_SUCCESS),
        ("special_mention", pgettext_lazy("loan class", "Special mention"), TONE_WARNING),
        ("substandard", pgettext_lazy("loan class", "Substandard"), TONE_DANGER),
        ("doubtful", pgettext_lazy("loan class", "Doubtful"), TONE_DANGER),
        ("loss", pgettext_lazy("loan class", "Loss"), TONE_DANGER),
    ):
        status_register(key, label, tone)


def referred_waiting(actor) -> int:
    """Referred applications an analyst may decide (one COUNT)."""
    from hujin.lending.permissions import DECIDE_APPLICATIONS
    from hujin.lending.selectors.console import referred_count

    if not actor.has_scope(DECIDE_APPLICATIONS):
        return 0
    return referred_count()


def _targets() -> None:
    from hujin.core.links import TargetLink, target_type_register

    def products(actor, ids):
        from hujin.lending.selectors.console import product_names

        return {i: TargetLink(name=n, url=u) for i, (n, u) in product_names(ids).items()}

    def applications(actor, ids):
        from hujin.lending.selectors.console import application_names

        return {i: TargetLink(name=n, url=u) for i, (n, u) in application_names(ids).items()}

    target_type_register("loan_product", label=_("Loan product"), resolve=products)

    def loans(actor, ids):
        from hujin.lending.selectors.console import loan_names

        return {i: TargetLink(name=n, url=u) for i, (n, u) in loan_names(ids).items()}

    target_type_register("loan_application", label=_("Loan application"), resolve=applications)
    target_type_register("loan", label=_("Loan"), resolve=loans)


def register() -> None:
    from hujin.core.links import audit_action_label_register
    from hujin.core.navigation import AREA_MONEY, AREA_RISK, console_entry_register
    from hujin.ledger.selectors import transfer_code_label_register

    entries = (
        ("products", AREA_MONEY, _("Loan products"), "console_products", 70),
        ("loans", AREA_MONEY, _("Loans"), "console_loans", 72),
        ("collections", AREA_MONEY, _("Collections"), "console_collections", 73),
        ("portfolio", AREA_MONEY, _("Loan portfolio"), "console_portfolio", 74),
        ("models", AREA_RISK, _("Score models"), "console_models", 46),
    )
    for key, area, label, url_name, order in entries:
        console_entry_register(key=f"lending.{key}", area=area, label=label,
                               url_name=f"lending:{url_name}", permission=VIEW_LENDING,
                               order=order)  # fmt: skip
    console_entry_register(
        key="lending.applications", area=AREA_RISK, label=_("Loan applications"),
        url_name="lending:console_applications", permission=VIEW_LENDING, order=45,
        waiting=referred_waiting,
        waiting_label=ngettext_lazy(
            "%(n)d loan application to review", "%(n)d loan applications to review", "n"
        ),
    )  # fmt: skip
    console_entry_register(
        key="lending.funding", area=AREA_MONEY, label=_("Lending funds"),
        url_name="lending:console_funding", permission=VIEW_LENDING, order=75,
    )  # fmt: skip
    for action, label in AUDIT_ACTION_LABELS.items():
        audit_action_label_register(action, label)
    for code, label in TRANSFER_CODE_LABELS.items():
        transfer_code_label_register(code, label)
    _statuses()
    _targets()
