"""The checked tree of a condition (``expressions``): Hujin's own nodes, each evaluating itself
over an event's facts and noting every value it read. Nothing here is Python code made from
the analyst's text: the text only chooses which of these nodes are built, with which literals."""

import ast
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from hujin.risk.errors import EvaluationFailed
from hujin.risk.types import Aggregate

MAX_NUMBER = 10**18
MISSING = None  # a value the event does not carry


class Facts(Protocol):
    """What a condition reads: the event's named values and its aggregates."""

    def value(self, name: str) -> Any: ...

    def aggregate(self, aggregate: Aggregate) -> int: ...


class Node:
    type: str

    def value(self, facts: Facts, seen: dict) -> Any:
        raise NotImplementedError


@dataclass(slots=True)
class LiteralNode(Node):
    type: str
    literal: Any

    def value(self, facts, seen):
        return self.literal


@dataclass(slots=True)
class NameNode(Node):
    type: str
    name: str

    def value(self, facts, seen):
        found = facts.value(self.name)
        seen[self.name] = found
        return found


@dataclass(slots=True)
class AggregateNode(Node):
    type: str
    aggregate: Aggregate

    def value(self, facts, seen):
        found = facts.aggregate(self.aggregate)
        seen[self.aggregate.label] = found
        return found


@dataclass(slots=True)
class LogicNode(Node):
    type: str
    op: str  # and, or, not
    operands: list

    def value(self, facts, seen):
        if self.op == "not":
            return not _true(self.operands[0].value(facts, seen))
        if self.op == "and":
            return all(_true(o.value(facts, seen)) for o in self.operands)
        return any(_true(o.value(facts, seen)) for o in self.operands)


def _true(value) -> bool:
    return value is not MISSING and bool(value)


COMPARE = {
    ast.Eq: lambda a, b: a == b, ast.NotEq: lambda a, b: a != b,
    ast.Lt: lambda a, b: a < b, ast.LtE: lambda a, b: a <= b,
    ast.Gt: lambda a, b: a > b, ast.GtE: lambda a, b: a >= b,
    ast.In: lambda a, b: a in b, ast.NotIn: lambda a, b: a not in b,
}  # fmt: skip


@dataclass(slots=True)
class CompareNode(Node):
    type: str
    first: Node
    steps: list  # (operator, node)

    def value(self, facts, seen):
        left = self.first.value(facts, seen)
        for op, node in self.steps:
            right = node.value(facts, seen)
            if left is MISSING or right is MISSING or not COMPARE[op](left, right):
                return False
            left = right
        return True


def _by_nonzero(divide):
    """``divide`` (a, b), refusing a zero ``b`` as a failed evaluation."""

    def checked(a, b):
        if b == 0:
            raise EvaluationFailed("Division by zero.")
        return divide(a, b)

    return checked


ARITHMETIC = {
    ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
    ast.Div: _by_nonzero(lambda a, b: Decimal(a) / Decimal(b)),
    ast.FloorDiv: _by_nonzero(lambda a, b: a // b), ast.Mod: _by_nonzero(lambda a, b: a % b),
}  # fmt: skip


@dataclass(slots=True)
class ArithmeticNode(Node):
    type: str
    op: type
    operands: list

    def value(self, facts, seen):
        values = [o.value(facts, seen) for o in self.operands]
        if any(v is MISSING for v in values):
            return MISSING
        result = ARITHMETIC[self.op](*values) if len(values) == 2 else -values[0]
        if abs(result) > MAX_NUMBER:
            raise EvaluationFailed("A number is out of range.")
        return result


FUNCTIONS = {
    "yuan": (1, 1, lambda v: v[0] * 100),
    "abs": (1, 1, lambda v: abs(v[0])),
    "min": (2, 10, min),
    "max": (2, 10, max),
    "multiple_of": (2, 2, lambda v: v[1] != 0 and v[0] % v[1] == 0),
}


@dataclass(slots=True)
class CallNode(Node):
    type: str
    name: str
    args: list

    def value(self, facts, seen):
        values = [a.value(facts, seen) for a in self.args]
        if any(v is MISSING for v in values):
            return MISSING
        return FUNCTIONS[self.name][2](values)
