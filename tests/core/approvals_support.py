"""Shared arrangements for the maker-checker tests: an empty action registry with one action
("test.freeze") whose execute() records its calls, and a maker and two checkers."""

import pytest

from hujin.core import approvals
from hujin.core.actors import Actor
from hujin.core.errors import Conflict

PERMISSION = "test.approve_freeze"

MAKER = Actor(kind="staff", id="1", label="maker", scopes=frozenset({PERMISSION}))
CHECKER = Actor(kind="staff", id="2", label="checker", scopes=frozenset({PERMISSION}))
OUTSIDER = Actor(kind="staff", id="3", label="outsider", scopes=frozenset())


class FreezeLog:
    def __init__(self) -> None:
        self.calls: list[tuple[str, str]] = []
        self.fail_with: Exception | None = None

    def execute(self, *, request, actor, now) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.calls.append((request.target_id, actor.label))


@pytest.fixture
def freeze_log(monkeypatch) -> FreezeLog:
    monkeypatch.setattr(approvals.registry, "_actions", {})
    log = FreezeLog()
    approvals.register_approval_action(
        "test.freeze",
        permission=PERMISSION,
        execute=log.execute,
        describe=lambda request: f"Freeze {request.target_id}",
        label="Freeze a test thing",
    )
    return log


@pytest.fixture
def ask(freeze_log, now):
    """``ask(target_id="t-1", actor=MAKER)``: a pending request for test.freeze."""

    def make(target_id: str = "t-1", actor: Actor = MAKER, reason: str = "suspicious activity"):
        return approvals.approval_request(
            actor=actor,
            action="test.freeze",
            target_type="test.thing",
            target_id=target_id,
            payload={"until": "2025-04-01"},
            reason=reason,
            now=now,
        )

    return make


class StillFrozen(Conflict):
    code = "still_frozen"
