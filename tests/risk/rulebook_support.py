"""Helpers for the rule store's tests: two analysts (a maker and a checker), a reader, and a
version written, proposed and approved in one call."""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.core.approvals import approval_decide
from hujin.core.models import ApprovalRequest
from hujin.risk.permissions import APPROVE_RULES, EDIT_RULES, VIEW_RISK
from hujin.risk.services import rule_version_propose, rule_version_write

ANALYST_SCOPES = frozenset({VIEW_RISK, EDIT_RULES, APPROVE_RULES})
MAKER = Actor(kind="staff", id=str(uuid.uuid4()), label="analyst.li", scopes=ANALYST_SCOPES)
CHECKER = Actor(kind="staff", id=str(uuid.uuid4()), label="analyst.wang", scopes=ANALYST_SCOPES)
READER = Actor(kind="staff", id=str(uuid.uuid4()), label="auditor.zhao",
               scopes=frozenset({VIEW_RISK}))  # fmt: skip
NOBODY = Actor(kind="staff", id=str(uuid.uuid4()), label="clerk.sun", scopes=frozenset())

CONDITION = 'direction == "out" and amount >= yuan(300000)'


def written(now: datetime, *, code: str = "BIG-OUT", condition: str = CONDITION, **changes):
    fields = {
        "name_en": "Large payment out", "name_zh": "大额支出", "condition": condition,
        "outcome": "review", "score": 30, "reason_en": "A large sum leaves the platform",
        "reason_zh": "大额资金转出", "source": "Hujin typology",
    } | changes  # fmt: skip
    return rule_version_write(actor=MAKER, code=code, now=now, **fields)


def pending_request(version) -> ApprovalRequest:
    return ApprovalRequest.objects.get(target_id=str(version.id), status="pending")


def approved(version, target: str, now: datetime, *, reason: str = "tried on real traffic"):
    """Propose ``version`` for ``target`` as the maker and approve it as the checker."""
    rule_version_propose(actor=MAKER, version_id=version.id, target=target, reason=reason, now=now)
    approval_decide(actor=CHECKER, request_id=pending_request(version).id, approve=True,
                    reason="checked", now=now)  # fmt: skip
    version.refresh_from_db()
    return version
