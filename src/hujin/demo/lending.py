"""The demo's lending: two loan products on sale (a consumer loan of equal instalments over 3 to
36 months, and a short loan of 7 to 30 days repaid at once with a small one-off fee), the
lender's funds at the custodian, a champion scorecard trained on generated applicants, and two
customers' borrowing: the first demo customer repaying a loan (paid out two months ago, its
first two instalments repaid on their due dates), another with an application a credit analyst
has to look at.

Everything goes through the lending services, as the console and the portal would. Idempotent:
a product already there, a funding reference already booked, a champion already registered, a
customer who already has a loan or an application is left as it is.

``demo_lending_step`` is a step of ``hujin.demo.loader.STEPS`` after the customers' wallets."""

from datetime import timedelta
from decimal import Decimal

from hujin.core.actors import Actor
from hujin.core.approvals import approval_decide, approvals_requested_by
from hujin.core.dates import business_date_get
from hujin.core.errors import HujinError
from hujin.demo.loader import DemoContext
from hujin.identity.selectors import customer_actor_get, user_id_for_mobile
from hujin.lending import types as t
from hujin.lending.permissions import (
    DECIDE_APPLICATIONS,
    FUND_LENDING,
    MANAGE_MODELS,
    MANAGE_PRODUCTS,
    REVIEW_PRODUCTS,
)
from hujin.lending.selectors import (
    champion_model,
    my_applications,
    my_loan,
    my_loans,
    products_on_sale,
)
from hujin.lending.services import (
    ADMIT_ACTION,
    ApplicationInput,
    application_review,
    application_submit,
    contract_preview,
    funding_add,
    loan_disburse,
    loan_repay,
    loan_sign,
    model_train_generated,
    product_create,
    product_submit,
    sign_code_send,
)
from hujin.lending.services import (
    LENDING_ACTOR as LENDING,
)

PM = Actor(kind="system", id="demo-pm", label="demo product manager",
           scopes=frozenset({MANAGE_PRODUCTS}))  # fmt: skip
COMPLIANCE = Actor(kind="system", id="demo-compliance", label="demo compliance",
                   scopes=frozenset({REVIEW_PRODUCTS}))  # fmt: skip
OPERATIONS = Actor(kind="system", id="demo-ops", label="demo operations",
                   scopes=frozenset({FUND_LENDING}))  # fmt: skip
MODELLER = Actor(kind="system", id="demo-modeller", label="demo modeller",
                 scopes=frozenset({MANAGE_MODELS}))  # fmt: skip
ANALYST = Actor(kind="system", id="demo-analyst", label="demo credit analyst",
                scopes=frozenset({DECIDE_APPLICATIONS}))  # fmt: skip

CONSUMER = t.ProductInput(
    code="HJ-LOAN-36", name_zh="互金随心贷", name_en="Hujin Flexi Loan",
    min_amount_minor=1_000_00, max_amount_minor=200_000_00, term_unit=t.TERM_MONTHS,
    min_term=3, max_term=36, method=t.EQUAL_INSTALMENT, day_count=t.ACT_365,
    min_rate=Decimal("0.072000"), max_rate=Decimal("0.180000"),
    penalty_rate=Decimal("0.180000"), grace_days=3,
    description_zh="等额本息，按月还款，可提前还款，不收提前还款手续费。",
    description_en="Equal monthly instalments; repay early at any time, free of charge.",
)  # fmt: skip
SHORT = t.ProductInput(
    code="HJ-LOAN-30D", name_zh="互金周转贷", name_en="Hujin Bridge Loan",
    min_amount_minor=500_00, max_amount_minor=20_000_00, term_unit=t.TERM_DAYS,
    min_term=7, max_term=30, method=t.BULLET, day_count=t.ACT_365,
    min_rate=Decimal("0.100000"), max_rate=Decimal("0.150000"),
    penalty_rate=Decimal("0.180000"), upfront_fee_rate=Decimal("0.001000"),
    description_zh="7 至 30 天，到期一次还本付息；放款时收取 0.1% 的一次性手续费。",
    description_en="7 to 30 days, repaid in one payment at the end; a one-off fee of 0.1 % "
    "when paid out.",
)  # fmt: skip
PRODUCTS = (CONSUMER, SHORT)
FUNDING = ("demo-custodian-2026-001", 50_000_000_00)  # the custodian's reference, fen
TRAINING_ROWS, TRAINING_SEED = 3_000, 7  # 3,000 rows train in about 11 s

BORROWER = "+8613800138001"  # a loan in progress
# What the borrower asks for (amount, monthly income), the next only if the first is declined.
ASKS = ((30_000_00, 25_000_00), (20_000_00, 30_000_00), (10_000_00, 30_000_00))
LOAN_TERM = 12
# A loan on a modest income scores lower than the same loan on a larger one; somewhere on the
# ladder, for one of the customers, the score falls in the middle band the policy refers to an
# analyst (their bureau files, keyed by the deployment's own index key, differ from one
# installation to the next, so the ladder is wide). Each ask only if the one before was decided.
REFER_ASKS = tuple(
    (amount, income)
    for amount in (100_000_00, 60_000_00, 30_000_00)
    for income in (6_000_00, 8_000_00, 10_000_00, 13_000_00, 17_000_00, 23_000_00, 32_000_00)
)
REFERRED = ("+8613800138008", "+8613800138002", "+8613800138009")  # the first referred stays


def _products(ctx: DemoContext, business_date) -> None:
    on_sale = {p.code for p in products_on_sale(on=business_date)}
    for spec in PRODUCTS:
        if spec.code in on_sale:
            continue
        try:
            product = product_create(actor=PM, data=spec, now=ctx.now)
        except HujinError:  # made by an earlier, interrupted run
            continue
        view = product_submit(actor=PM, product_id=product.id, reason="demo product",
                              now=ctx.now, business_date=business_date)  # fmt: skip
        for request in approvals_requested_by(actor=PM, action=ADMIT_ACTION):
            if request.target_id == str(view.id):
                approval_decide(actor=COMPLIANCE, request_id=request.id, approve=True,
                                reason="demo: terms checked", now=ctx.now)  # fmt: skip


def _champion(ctx: DemoContext) -> None:
    if champion_model() is not None:
        return
    model_train_generated(actor=MODELLER, name="Demo application scorecard",
                          rows=TRAINING_ROWS, seed=TRAINING_SEED, now=ctx.now)  # fmt: skip


def _code() -> str:
    """The code just texted to the borrower (the development SMS outbox keeps it)."""
    from hujin.identity.selectors import dev_sms_code_latest
    from hujin.identity.services import STEP_UP_PURPOSE

    return dev_sms_code_latest(mobile_e164=BORROWER, purpose=STEP_UP_PURPOSE) or ""


def _product_id(code: str, business_date):
    return next(p.id for p in products_on_sale(on=business_date) if p.code == code)


def _apply(actor, business_date, now, *, amount: int, term: int, income: int, key: str):
    from hujin.privacy.selectors import consent_document_current, consent_standing

    document_id = None  # the credit check authorised with the application, as on the portal
    if consent_standing(user_id=actor.id, kind="credit_check") is None:
        document_id = consent_document_current(kind="credit_check").id
    data = ApplicationInput(product_id=_product_id(CONSUMER.code, business_date),
                            amount_minor=amount, term=term, purpose="home_improvement",
                            monthly_income_minor=income, idempotency_key=key,
                            credit_check_document_id=document_id)  # fmt: skip
    return application_submit(actor=actor, data=data, now=now, business_date=business_date)


def _borrower(ctx: DemoContext, business_date) -> str | None:
    """The first demo customer's loan: assessed today, paid out as if two months ago (the
    schedule's value dates), its first two instalments repaid on their due dates."""
    user_id = user_id_for_mobile(mobile=BORROWER)
    if user_id is None:
        return None
    actor = customer_actor_get(actor=ctx.actor, user_id=user_id)
    if my_loans(actor=actor, business_date=business_date):
        return None
    application = None
    for n, (amount, income) in enumerate(ASKS):
        application = _apply(actor, business_date, ctx.now, amount=amount, term=LOAN_TERM,
                             income=income, key=f"demo:loan:{n}")  # fmt: skip
        if application.state == t.APP_REFERRED:
            application = application_review(actor=ANALYST, application_id=application.id,
                                             approve=True, note="demo: income checked",
                                             now=ctx.now, business_date=business_date)  # fmt: skip
        if application.state == t.APP_APPROVED:
            break
    if application is None or application.state != t.APP_APPROVED:
        return "the demo loan was declined"
    start = business_date - timedelta(days=65)
    _, digest, _ = contract_preview(actor=actor, application_id=application.id,
                                    language="zh-hans", now=ctx.now,
                                    business_date=start)  # fmt: skip
    sign_code_send(actor=actor, application_id=application.id, contract_sha256=digest, ip=None,
                   now=ctx.now)  # fmt: skip
    loan = loan_sign(actor=actor, application_id=application.id, contract_sha256=digest,
                     method="sms", code=_code(), language="zh-hans", now=ctx.now,
                     business_date=start)  # fmt: skip
    loan_disburse(actor=LENDING, loan_id=loan.id, now=ctx.now, business_date=start)
    view = my_loan(actor=actor, loan_id=loan.id, business_date=business_date)
    for line in view.lines[:2]:
        loan_repay(actor=actor, loan_id=loan.id, amount_minor=line.owed_minor,
                   idempotency_key=f"demo:repay:{line.number}", now=ctx.now,
                   business_date=line.due_date)  # fmt: skip
    return None


def _referred(ctx: DemoContext, business_date) -> str | None:
    """An application waiting in the console's queue: the first of the other demo customers
    whose assessment refers it (an offer to another is withdrawn, the customer changed their
    mind)."""
    from hujin.lending.services import application_cancel

    actors = []
    for mobile in REFERRED:
        user_id = user_id_for_mobile(mobile=mobile)
        if user_id is not None:
            actors.append(customer_actor_get(actor=ctx.actor, user_id=user_id))
    for actor in actors:
        if any(a.state == t.APP_REFERRED for a in my_applications(actor=actor)):
            return None
    for actor in actors:
        for amount, income in REFER_ASKS:
            application = _apply(actor, business_date, ctx.now, amount=amount, term=36,
                                 income=income, key=f"demo:refer:{amount}:{income}")  # fmt: skip
            if application.state == t.APP_REFERRED:
                return None
            if application.state == t.APP_APPROVED:
                application_cancel(actor=actor, application_id=application.id, now=ctx.now)
    return "no demo customer's application was referred"


def demo_lending_step(ctx: DemoContext) -> None:
    business_date = business_date_get(now=ctx.now)
    _products(ctx, business_date)
    funding_add(actor=OPERATIONS, amount_minor=FUNDING[1], reference=FUNDING[0], now=ctx.now,
                business_date=business_date)  # fmt: skip
    _champion(ctx)
    from hujin.privacy.errors import ConsentDocumentNotFound
    from hujin.privacy.selectors import consent_document_current

    try:
        consent_document_current(kind="credit_check")
    except ConsentDocumentNotFound:
        ctx.report.notes.append("Lending: no credit-check authorisation to apply with")
        return
    problems = [p for p in (_borrower(ctx, business_date), _referred(ctx, business_date)) if p]
    if problems:
        ctx.report.notes.append("Lending: " + "; ".join(problems))
