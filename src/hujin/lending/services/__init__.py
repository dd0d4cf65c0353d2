"""Lending's writes (public): products and their admission, applications and decisions,
contracts and disbursement, repayments, and the score model registry."""

from hujin.lending.accounts import ACTOR as LENDING_ACTOR  # the system that pays and collects
from hujin.lending.services.applications import (
    APPROVE_ACTION,
    ApplicationInput,
    application_cancel,
    application_review,
    application_submit,
)
from hujin.lending.services.loans import (
    contract_preview,
    funding_add,
    loan_disburse,
    loan_sign,
    sign_code_send,
)
from hujin.lending.services.models import (
    model_promote,
    model_register,
    model_retire,
    model_train_generated,
)
from hujin.lending.services.prepayments import loan_prepay
from hujin.lending.services.products import (
    ADMIT_ACTION,
    product_create,
    product_move,
    product_submit,
    product_update,
)
from hujin.lending.services.repayments import loan_repay
from hujin.lending.services.servicing import (
    DOWNGRADE_ACTION,
    RESTRUCTURE_ACTION,
    WRITE_OFF_ACTION,
    collection_note_add,
    downgrade_request,
    recovery_receive,
    restructure_request,
    write_off_request,
)

__all__ = [
    "ADMIT_ACTION",
    "APPROVE_ACTION",
    "DOWNGRADE_ACTION",
    "LENDING_ACTOR",
    "RESTRUCTURE_ACTION",
    "WRITE_OFF_ACTION",
    "ApplicationInput",
    "application_cancel",
    "application_review",
    "application_submit",
    "collection_note_add",
    "contract_preview",
    "downgrade_request",
    "funding_add",
    "loan_disburse",
    "loan_prepay",
    "loan_repay",
    "loan_sign",
    "model_promote",
    "model_register",
    "model_retire",
    "model_train_generated",
    "product_create",
    "product_move",
    "product_submit",
    "product_update",
    "recovery_receive",
    "restructure_request",
    "sign_code_send",
    "write_off_request",
]
