"""The risk module in the demo: the shipped rules in force, two of them tried in shadow with the
risk analyst's new version, a third version still a draft, and a morning of payments the rules
held or flagged, so that the console's risk pages have something to show.

``demo_risk_step`` is a step of ``hujin.demo.loader.STEPS``, after the payments' story, the
ledger's history of the last ten days and the freeze, which were made before any rule was in
force and stay as they were, and before products, wealth and lending: those post on the
wallets at ``ctx.now``, and the ledger lists a wallet's movements in the order it posted them,
so today's story is posted first. From here on every payment is screened for real — the loan
payout of the lending step, and whatever a person does in the demo afterwards. The story runs
through payments' services, as ``payments_history`` does (a large payment confirmed with the
code texted to the customer), at ``ctx.now`` less a few hours:

- 李娜 withdraws a round ¥50,000 to her card: it goes, with an alert (ROUND-AMOUNT);
- 赵磊 tops up ¥50,000 and, within hours, sends all of it to 李娜, whom he never paid:
  held for review (NEW-PAYEE-LARGE, RAPID-IN-OUT) with an alert (ROUND-AMOUNT);
- one address tries 周敏's and others' passwords thirty times (identity's observer is told, as
  identity tells it), then 周敏's own log-in from there succeeds: an alert on the address
  (IP-BUSY); her payout minutes later is held for review (LOGIN-FAILURES-THEN-PAYOUT);
- 李娜 tops up and sends 张伟 a round ¥20,000: the rules in force let it go; the analyst's
  ROUND-AMOUNT v2 in shadow would have flagged it (the rule's shadow results);
- the analyst escalates 赵磊's alerts: his case opens with them, its clock running (Risk →
  Cases).

The analyst (``risk``) writes the new versions; compliance approves the two in shadow; the
third (VELOCITY v2) stays a draft for whoever tries the demo to propose. No watch list is
loaded (the shipped sample names nobody the demo knows), so WATCHLIST-HIT blocks nothing here.

Idempotent: a rule version written by a person means the step ran, and it is left as it is
(the shipped load, itself idempotent, is asked again all the same).
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.test.utils import override_settings

from hujin.core.actors import system_actor
from hujin.core.approvals import approval_decide
from hujin.core.dates import calendar_date_at
from hujin.core.screening import Login, logins_observe
from hujin.customers.selectors import customer_id_for_user
from hujin.demo.loader import DemoContext
from hujin.demo.payments_history import (
    LI,
    SEED,
    ZHANG,
    ZHAO,
    ZHOU,
    Who,
    _customers,
)
from hujin.identity.access import staff_actor
from hujin.identity.selectors import dev_sms_code_latest
from hujin.identity.services import STEP_UP_PURPOSE
from hujin.payments.errors import ConfirmationRequired
from hujin.payments.services import (
    confirmation_code_send,
    payments_unknown_resolve,
    topup_request,
    transfer_request,
    withdrawal_request,
)
from hujin.payments.types import Confirmation
from hujin.risk.selectors import AlertFilters, alert_queue, case_of_alert, rule_history
from hujin.risk.services import (
    alert_escalate,
    anomaly_model_activate_propose,
    anomaly_model_train,
    case_attachment_add,
    case_close,
    case_note_add,
    cob_anomaly_score,
    rule_version_propose,
    rule_version_write,
    shipped_rules_load,
)

SYSTEM = system_actor("demo")
DEMO_MODEL_CUSTOMERS = 100  # trained in about a second; `hujin risk model train` uses 2,000
MAKER, CHECKER = "risk", "compliance"  # the demo's risk analyst writes, compliance approves
SETTLED_AFTER = timedelta(minutes=15)  # as the payments' story: the sandbox has answered
SANDBOX = {"seed": SEED, "fail_share": 0, "delay_seconds": 60}  # the bank says yes in a minute
# A documentation address (RFC 5737): the log-in storm's origin.
STORM_IP = "203.0.113.45"
STORM_AGENT = "python-requests/2.31"
PHONE_AGENT = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) Hujin/1.8"


def _ago(hours: float) -> timedelta:
    return timedelta(hours=hours)


# --- the rules ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewVersion:
    """A version the analyst writes of a shipped rule (its name, outcome, score and source
    kept): the condition, the reason it gives, a note, and why it is proposed for shadow
    (compliance approves it); without ``why`` it stays a draft."""

    code: str
    condition: str
    reason_en: str
    reason_zh: str
    note: str
    why: str = ""


VERSIONS = [
    NewVersion(
        code="ROUND-AMOUNT",
        condition='direction == "out" and amount >= yuan(20000)'
        " and multiple_of(amount, yuan(10000)) and counterparty.new",
        reason_en="A payment of CNY 20,000 or more in whole tens of thousands, to a payee this "
        "customer never paid before.",
        reason_zh="首次向该收款人支付人民币2万元以上的整万元金额。",
        note="Round sums below ¥50,000 were seen in two recent cases. "
        "近期两起案件中出现5万元以下的整数金额。",
        why="Try the lower threshold in shadow for two weeks before going live",
    ),
    NewVersion(
        code="RAPID-IN-OUT",
        condition='direction == "out" and total("6h", direction="in") >= yuan(30000)'
        ' and amount * 10 >= total("6h", direction="in") * 8',
        reason_en="At least 80 % of CNY 30,000 or more that came in within six hours is leaving "
        "again.",
        reason_zh="六小时内转入3万元以上，其中八成以上又被转出。",
        note="Wider: from ¥30,000 in and 80 % out. 放宽：转入3万元起、转出八成即命中。",
        why="Measure how many more customers the wider rule would hold",
    ),
    NewVersion(
        code="VELOCITY",
        condition='direction == "out" and count("1h", direction="out") >= 6',
        reason_en="Six or more payments left this wallet within an hour.",
        reason_zh="一小时内支出六笔以上。",
        note="Ten an hour lets a scripted account drain a wallet first. 十笔的门槛太高。",
    ),
]


def _staff(username: str):
    return staff_actor(get_user_model().objects.get(username=username))


def _versions(at: datetime) -> None:
    """The analyst's new versions: proposed for shadow and approved by compliance, or drafts."""
    maker, checker = _staff(MAKER), _staff(CHECKER)
    for n, spec in enumerate(VERSIONS):
        when = at + timedelta(minutes=5 * n)
        latest = rule_history(actor=maker, code=spec.code).versions[0]
        version = rule_version_write(
            actor=maker, code=spec.code, name_en=latest.name_en, name_zh=latest.name_zh,
            condition=spec.condition, outcome=latest.outcome, score=latest.score,
            reason_en=spec.reason_en, reason_zh=spec.reason_zh, source=latest.source,
            note=spec.note, now=when,
        )  # fmt: skip
        if not spec.why:
            continue
        rule_version_propose(actor=maker, version_id=version.id, target="shadow",
                             reason=spec.why, now=when + timedelta(minutes=1))  # fmt: skip
        request_id = rule_history(actor=maker, code=spec.code).latest.approval_id
        approval_decide(actor=checker, request_id=request_id, approve=True,
                        reason="Shadow only: decides nothing; results reviewed in two weeks",
                        now=when + timedelta(minutes=3))  # fmt: skip


def _ran_before() -> bool:
    user = get_user_model().objects.filter(username=MAKER).first()
    if user is None:
        return True  # no analyst: nothing of this step can be made
    return any(
        version.written_by
        for spec in VERSIONS
        for version in rule_history(actor=staff_actor(user), code=spec.code).versions
    )


# --- the story ------------------------------------------------------------------------------------


def _confirmation(who: Who, kind: str, yuan: int, when: datetime, to: Who | None):
    """The code texted for a large payment, as the customer types it (the development SMS
    outbox keeps it)."""
    confirmation_code_send(actor=who.actor, kind=kind, amount_minor=yuan * 100, now=when,
                           card_id=who.card_id, payee_mobile=to.mobile if to else "")  # fmt: skip
    code = dev_sms_code_latest(mobile_e164=who.mobile, purpose=STEP_UP_PURPOSE) or ""
    return Confirmation(method="sms", code=code)


def _request(who: Who, kind: str, args: dict, to: Who | None, confirmation=None):
    if kind == "transfer":
        return transfer_request(payee_mobile=to.mobile, confirmation=confirmation, **args)
    if kind == "topup":
        return topup_request(card_id=who.card_id, **args)
    return withdrawal_request(card_id=who.card_id, confirmation=confirmation, **args)


def _pay(who: Who, kind: str, yuan: int, key: str, when: datetime, *, to: Who | None = None):
    """One payment as the portal makes it: asked, and if its size needs it, confirmed with the
    code texted a minute later; then the sandbox bank's answer (as the payments' story)."""
    args = dict(actor=who.actor, amount_minor=yuan * 100, idempotency_key=f"demo-risk-{key}",
                now=when)  # fmt: skip
    with override_settings(HUJIN_PAYMENTS_SANDBOX=SANDBOX):
        try:
            view = _request(who, kind, args, to)
        except ConfirmationRequired:
            args["now"] = when + timedelta(minutes=1)
            confirmation = _confirmation(who, kind, yuan, when, to)
            view = _request(who, kind, args, to, confirmation)
        payments_unknown_resolve(now=when + SETTLED_AFTER)
    return view


def _login(who: Who, *, ok: bool, ip: str, agent: str, when: datetime) -> None:
    logins_observe(Login(uuid.UUID(who.actor.id), ip, agent, ok, when))


def _storm(people: dict[str, Who], start: datetime) -> None:
    """Thirty wrong passwords from one address in twenty minutes, most on 周敏's account."""
    targets = [people[ZHOU]] * 6 + [people[ZHANG], people[LI], people[ZHAO]] * 8
    for n, who in enumerate(targets):
        when = start + timedelta(seconds=40 * n)
        _login(who, ok=False, ip=STORM_IP, agent=STORM_AGENT, when=when)


CASE_NOTE = (
    "¥50,000 topped up and sent on within hours to a payee he never paid. "
    "充值5万元后数小时内全部转给从未付过款的收款人。"
)


BANK_LETTER = ("招商银行回函：该卡为本人名下借记卡，近三个月无异常。\n"
               "Bank's reply: the card is the customer's own debit card, nothing unusual in three "
               "months.\n").encode()  # fmt: skip
ZHAO_NARRATIVE = (
    "¥50,000 topped up by card and sent on within four hours to a payee he had never paid, "
    "leaving nothing; no business reason given. 用卡充值5万元，四小时内全部转给从未付过款的"
    "收款人，未说明商业理由。"
)


def _escalated(analyst, who: Who, note: str, at: datetime):
    """The analyst escalates the customer's open alerts, the oldest first: the first opens the
    case, the others join it. Returns the case's id."""
    customer_id = customer_id_for_user(user_id=who.actor.id)
    page = alert_queue(actor=analyst, filters=AlertFilters(state="open", customer_id=customer_id))
    for n, row in enumerate(reversed(page.rows)):
        alert_escalate(actor=analyst, alert_id=row.id, note=note, now=at + timedelta(minutes=n))
    return case_of_alert(alert_id=page.rows[-1].id).id


def _casework(people: dict[str, Who], at: datetime) -> None:
    """李娜's round withdrawal: escalated, noted, her bank's letter attached, the case left
    open. 赵磊's rapid in-and-out: escalated and closed as suspicious, which drafts its
    suspicious-transaction report for compliance to approve."""
    analyst = _staff(MAKER)
    li_note = "A round ¥50,000 to her card. 整数5万元提现到本人卡。"
    li_case = _escalated(analyst, people[LI], li_note, at)
    zhao_case = _escalated(analyst, people[ZHAO], CASE_NOTE, at + timedelta(minutes=5))
    case_note_add(actor=analyst, case_id=li_case, now=at + timedelta(minutes=10),
                  text="Asked her bank whether the card is hers. 已向发卡行核实卡主。")  # fmt: skip
    case_attachment_add(actor=analyst, case_id=li_case, file_name="bank-reply.txt",
                        content=BANK_LETTER, now=at + timedelta(minutes=40))  # fmt: skip
    case_close(actor=analyst, case_id=zhao_case, conclusion="suspicious",
               narrative=ZHAO_NARRATIVE, typology="rapid_in_out",
               now=at + timedelta(minutes=50))  # fmt: skip


def _anomaly_model(at: datetime, now: datetime) -> None:
    """The analyst trains a small anomaly model on the synthetic history, compliance activates
    it, and the close of business scores the morning's customers (their days stand out against
    no history: the page shows what made each unusual)."""
    analyst, checker = _staff(MAKER), _staff(CHECKER)
    model = anomaly_model_train(actor=analyst, seed=7, customers=DEMO_MODEL_CUSTOMERS,
                                per_typology=5, now=at)  # fmt: skip
    request = anomaly_model_activate_propose(
        actor=analyst, model_id=model.id, now=at + timedelta(minutes=2),
        reason="Recall 1.00 with the rules on every typology; flags 1 % of ordinary customers",
    )  # fmt: skip
    approval_decide(actor=checker, request_id=request.id, approve=True,
                    reason="Figures checked on the model page",
                    now=at + timedelta(minutes=4))  # fmt: skip
    for day in sorted({calendar_date_at(at), calendar_date_at(now)}):
        cob_anomaly_score(day, now)


def demo_risk_step(ctx: DemoContext) -> None:
    now = ctx.now
    loaded = shipped_rules_load(actor=SYSTEM, now=now - _ago(9), state="live")
    people = _customers()
    if len(people) < 5 or _ran_before():
        return
    _versions(now - _ago(8.8))
    zhang, li, zhao, zhou = people[ZHANG], people[LI], people[ZHAO], people[ZHOU]
    # 赵磊 tops up; 李娜 withdraws a round sum to her card, which has moved no money since the
    # rules went live; 赵磊 sends all of his top-up on, within hours, to a payee he never paid.
    _pay(zhao, "topup", 50_000, "zhao-topup", now - _ago(5.5))
    _pay(li, "withdrawal", 50_000, "li-round", now - _ago(4.2))
    _pay(zhao, "transfer", 50_000, "zhao-rapid", now - _ago(3.8), to=li)
    # The storm; 李娜 tops up; 周敏's own log-in from the storm's address, and her payout.
    _storm(people, now - _ago(3.3))
    _pay(li, "topup", 15_000, "li-topup", now - _ago(3))
    _login(zhou, ok=True, ip=STORM_IP, agent=PHONE_AGENT, when=now - _ago(2.9))
    _pay(zhou, "withdrawal", 3_000, "zhou-payout", now - _ago(2.8))
    # 李娜 sends 张伟 a round ¥20,000: allowed; the analyst's ROUND-AMOUNT v2 would flag it.
    _pay(li, "transfer", 20_000, "li-round-transfer", now - _ago(2.4), to=zhang)
    _casework(people, now - _ago(2))
    _anomaly_model(now - _ago(9.5), now)
    ctx.report.notes.append(
        f"Risk: {len(loaded.written)} shipped rules live, 2 tried in shadow, 1 draft; a morning's "
        "payments held or flagged, two customers' alerts escalated into cases (one closed as "
        "suspicious, its report drafted), an anomaly model active: log in as risk (Risk → "
        "Alerts, Decision log, Cases, Reports, Anomaly model)."
    )
