"""Rules put in force directly (the rule store's maker-checker is tested on its own) for the
tests of the screen."""

from hujin.risk import inforce
from hujin.risk.models import RuleVersion


def rule_in_force(code: str, condition: str, outcome: str, *, score: int = 10,
                  state: str = "live", now) -> RuleVersion:  # fmt: skip
    number = RuleVersion.objects.filter(code=code).count() + 1
    version = RuleVersion.objects.create(
        code=code, number=number, name_en=f"Rule {code}", name_zh=f"规则 {code}",
        condition=condition, outcome=outcome, score=score, reason_en=f"Because of {code}",
        reason_zh=f"因为 {code}", state=state, written_at=now,
    )  # fmt: skip
    inforce.generation_raise(now)
    inforce.forget()  # the change's commit would: a test's transaction never commits
    return version
