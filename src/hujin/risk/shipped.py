"""The rules Hujin ships (``data/rules.json``), read and checked.

Each rule has a ``code``, a name and a reason in English and Chinese, a condition in the rules'
language (``expressions``), an ``outcome`` (``allow``, ``review``: hold for an analyst,
``block``, or ``alert`` only), a score contribution from 0 to 100, its ``source`` (the
regulation a threshold comes from, or "Hujin typology"), and two example events: one it fires
on and one it must not (the tests run both). Decimals in the file are read exactly.
"""

import json
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from hujin.risk.errors import ExpressionInvalid
from hujin.risk.expressions import Expression, expression_parse

OUTCOMES = ("allow", "review", "block", "alert")
LANGUAGES = ("en", "zh-hans")
RULES_FILE = Path(__file__).with_name("data") / "rules.json"


@dataclass(frozen=True, slots=True)
class ShippedRule:
    code: str
    name: dict[str, str]
    condition: Expression
    outcome: str
    score: int
    reason: dict[str, str]
    source: str
    examples: dict[str, dict]


@cache
def shipped_rules() -> tuple[ShippedRule, ...]:
    """The shipped rules, in the file's order. Raises ImproperlyConfigured naming the rule
    and what is wrong with it (a file Hujin ships must be right)."""
    document = json.loads(RULES_FILE.read_text(encoding="utf-8"), parse_float=Decimal)
    rules, codes = [], set()
    for entry in document["rules"]:
        code = entry.get("code", "")
        try:
            rules.append(_rule(entry))
        except (ExpressionInvalid, KeyError, TypeError, ValueError) as error:
            message = getattr(error, "message", None) or repr(error)
            raise ImproperlyConfigured(f"shipped risk rule {code!r}: {message}") from error
        if code in codes:
            raise ImproperlyConfigured(f"shipped risk rule {code!r} appears twice")
        codes.add(code)
    return tuple(rules)


def _rule(entry: dict) -> ShippedRule:
    if entry["outcome"] not in OUTCOMES:
        raise ValueError(f"the outcome is one of {', '.join(OUTCOMES)}")
    if type(entry["score"]) is not int or not 0 <= entry["score"] <= 100:
        raise ValueError("the score is a whole number from 0 to 100")
    for field in ("name", "reason"):
        if any(not str(entry[field].get(language, "")).strip() for language in LANGUAGES):
            raise ValueError(f"the {field} is written in {' and '.join(LANGUAGES)}")
    if set(entry["examples"]) != {"fires", "quiet"}:
        raise ValueError("the examples are one it fires on and one it must not ('quiet')")
    return ShippedRule(
        code=entry["code"], name=dict(entry["name"]),
        condition=expression_parse(entry["condition"]), outcome=entry["outcome"],
        score=entry["score"], reason=dict(entry["reason"]), source=entry["source"],
        examples=dict(entry["examples"]),
    )  # fmt: skip
