"""Helpers of the reports' tests: cases closed as suspicious (rows made directly: the casework
is tested on its own), decisions that stand (with the window entry the screen keeps), and the
people of maker-checker."""

import itertools
import uuid
from datetime import timedelta

from hujin.core.actors import Actor
from hujin.customers.permissions import VIEW_CUSTOMERS, VIEW_PERSONAL_DATA
from hujin.risk.models import Alert, Decision, WindowEntry
from hujin.risk.models_cases import Case
from hujin.risk.permissions import APPROVE_REPORTS, VIEW_RISK, WORK_ALERTS

OFFICER_SCOPES = frozenset({VIEW_RISK, WORK_ALERTS, APPROVE_REPORTS, VIEW_CUSTOMERS,
                            VIEW_PERSONAL_DATA})  # fmt: skip
ANALYST = Actor(kind="staff", id=str(uuid.uuid4()), label="analyst.li",
                scopes=frozenset({VIEW_RISK, WORK_ALERTS}))  # fmt: skip
OFFICER = Actor(kind="staff", id=str(uuid.uuid4()), label="officer.wang", scopes=OFFICER_SCOPES)
SECOND_OFFICER = Actor(kind="staff", id=str(uuid.uuid4()), label="officer.zhao",
                       scopes=OFFICER_SCOPES)  # fmt: skip
READER = Actor(kind="staff", id=str(uuid.uuid4()), label="auditor.sun",
               scopes=frozenset({VIEW_RISK}))  # fmt: skip

NARRATIVE = ("The customer received twelve transfers from unrelated payers within two days and "
             "sent the whole sum on to one account within hours.")  # fmt: skip
_cases = itertools.count(1)


def standing(decision: Decision, *, counterparty: str = "") -> Decision:
    """Give ``decision`` the window entry a movement that went through keeps."""
    WindowEntry.objects.create(
        per="customer", subject=str(decision.customer_id), occurred_at=decision.occurred_at,
        kind=decision.kind, direction=decision.direction, amount=decision.amount,
        counterparty=counterparty, event=decision.event,
    )  # fmt: skip
    return decision


def movement(customer_id, at, *, amount=120_000_00, kind="transfer", direction="out",
             fired=(), shadow_fired=(), channel="", counterparty="",
             stands=True) -> Decision:  # fmt: skip
    decision = Decision.objects.create(
        customer_id=customer_id, event=uuid.uuid4(), kind=kind, direction=direction,
        amount=amount, currency="CNY", channel=channel, occurred_at=at, outcome="allow",
        fired=list(fired), shadow_fired=list(shadow_fired), findings=[], generation=1,
    )  # fmt: skip
    return standing(decision, counterparty=counterparty) if stands else decision


def closed_case(customer_id, *, opened_at, closed_at, conclusion="suspicious",
                alerted=(), narrative=NARRATIVE, typology="rapid_in_out",
                state="closed") -> Case:  # fmt: skip
    """A case of ``customer_id`` closed at ``closed_at`` with ``conclusion``, the decisions
    ``alerted`` joined to it through an escalated alert each."""
    n = next(_cases)
    case = Case.objects.create(
        number=f"CASE-2026-{n:06d}", customer_id=customer_id, state=state,
        title="Money in and straight out", typology=typology, opened_at=opened_at,
        due_at=opened_at + timedelta(days=10), conclusion=conclusion, narrative=narrative,
        closed_at=closed_at,
    )  # fmt: skip
    for decision in alerted:
        Alert.objects.create(customer_id=customer_id, source="rule", code="RAPID-IN-OUT",
                             decision=decision, score=40, raised_at=decision.occurred_at,
                             state="escalated", case=case)  # fmt: skip
    return case
