"""The rules' condition language: a small, safe expression language over one event.

A condition is written in a subset of Python's expression syntax, parsed with ``ast`` (never
``eval``) and checked against a whitelist into a tree of ``Node`` objects that evaluate
themselves. Anything outside the whitelist — attribute access other than a known dotted name,
subscripts, lambdas, comprehensions, calls other than the listed functions, ``**`` — is refused
at parse time with the line, the column and, for a misspelt name, the likely one meant.

    amount >= yuan(50000) and kind in ["transfer", "withdrawal"]
    count("24h", kind="transfer", direction="out") >= 5 and not counterparty.new
    total("30d", per="device") > yuan(200000) or multiple_of(amount, yuan(1000))

- **Values**: numbers (integers; a decimal literal such as ``0.95`` is read as an exact
  ``Decimal``, never a float), texts, booleans, and lists of literals (for ``in``). Amounts are
  in fen; ``yuan(n)`` is ``n × 100``.
- **Names** come from a vocabulary (``EVENT_VOCABULARY`` by default), each with its type:
  ``amount``, ``kind``, ``customer.age``… A name the event does not carry is *missing*: any
  comparison with it is false, and arithmetic with it stays missing.
- **Aggregates** over a sliding window, keyed by the customer (default), the device, the
  counterparty or the IP: ``count``, ``total`` and ``distinct_counterparties``, each with a
  window literal (``"30m"``, ``"24h"``, ``"7d"``; at most 400 days; or ``"today"``, the
  calendar day so far in the business time zone, 当日) and literal filters
  (``kind``, ``direction``, and the amount band ``amount_from`` ≤ amount < ``amount_below``).
  An aggregate covers the events recorded before the one being decided, not that one. They
  are known at parse time (``Expression.aggregates``), so the window state a rule needs is kept
  ahead of the events that read it.
- **Functions**: ``yuan``, ``abs``, ``min``, ``max``, ``multiple_of``.
- A condition is a boolean. Types are checked at parse time; operators: ``and or not``,
  ``== != < <= > >=`` (chained), ``in`` / ``not in`` a list, ``+ - * / // %``.
- Bounds: 2,000 characters, 300 nodes, nesting depth 30, numbers within ±10¹⁸, lists of at
  most 100 items. Division by zero while evaluating raises ``EvaluationFailed``.

``Expression.evaluate(facts)`` returns the result with every value it read (``Evaluated.seen``:
names and aggregates by their text), which a decision keeps so that why a rule fired, or did
not, can be read months later.
"""

import ast
import difflib
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from hujin.risk.errors import ExpressionInvalid
from hujin.risk.expression_nodes import (
    ARITHMETIC,
    FUNCTIONS,
    MAX_NUMBER,
    MISSING,
    AggregateNode,
    ArithmeticNode,
    CallNode,
    CompareNode,
    Facts,
    LiteralNode,
    LogicNode,
    NameNode,
    Node,
)
from hujin.risk.types import TODAY, Aggregate

NUMBER, TEXT, BOOL, LIST = "number", "text", "boolean", "list"
EVENT_VOCABULARY: dict[str, str] = {
    "amount": NUMBER,  # fen
    "currency": TEXT,
    "kind": TEXT,  # topup, withdrawal, transfer, login, ...
    "direction": TEXT,  # in, out
    "channel": TEXT,
    "hour": NUMBER,  # 0-23, the business time zone
    "weekday": NUMBER,  # 1 (Monday) - 7
    "customer.type": TEXT,  # individual, enterprise
    "customer.age": NUMBER,  # whole years
    "customer.tier": TEXT,
    "customer.days_inactive": NUMBER,  # days since the customer's last movement
    "counterparty.new": BOOL,  # never paid by this customer before
    "counterparty.kind": TEXT,  # customer, card
    "card.bound_today": BOOL,
    "device.new": BOOL,
    "ip.region": TEXT,
    "ip.region_new": BOOL,
    "watchlist.hit": BOOL,  # a sanctions or watch-list match on the customer or the payee
    "counterparty.cross_border": BOOL,
    "counterparty.in_cycle": BOOL,  # the money comes back to the payer through other customers
    "customer.account_age_days": NUMBER,
    "customer.night_share": NUMBER,  # share of the last 90 days' movements at 00:00-06:00, 0-1
}
MAX_LENGTH, MAX_NODES, MAX_DEPTH, MAX_LIST = 2000, 300, 30, 100
MAX_WINDOW_SECONDS = 400 * 86400
PER = ("customer", "device", "counterparty", "ip")
AGGREGATES = {"count": NUMBER, "total": NUMBER, "distinct_counterparties": NUMBER}
_FILTERS = {"kind": TEXT, "direction": TEXT}
_BANDS = ("amount_from", "amount_below")
_WINDOW = re.compile(r"^([1-9][0-9]{0,5})([mhd])$")
_UNIT_SECONDS = {"m": 60, "h": 3600, "d": 86400}


@dataclass(frozen=True, slots=True)
class Evaluated:
    result: Any
    seen: dict


class Expression:
    """A parsed, checked condition (``expression_parse``)."""

    def __init__(self, text: str, root: "Node", names: frozenset, aggregates: tuple):
        self.text, self._root = text, root
        self.names, self.aggregates = names, aggregates

    def evaluate(self, facts: Facts) -> Evaluated:
        seen: dict = {}
        result = self._root.value(facts, seen)
        return Evaluated(result=bool(result) if result is not MISSING else False, seen=seen)

    def __repr__(self) -> str:
        return f"Expression({self.text!r})"


def expression_parse(text: str, *, vocabulary: dict[str, str] | None = None) -> Expression:
    """Parse and check the condition ``text``. Raises ExpressionInvalid (with ``line``,
    ``column`` and what is wrong) for anything the language does not allow."""
    if not isinstance(text, str) or not text.strip():
        raise ExpressionInvalid("Write a condition.", details={"line": 1, "column": 1})
    if len(text) > MAX_LENGTH:
        raise ExpressionInvalid(f"A condition has at most {MAX_LENGTH} characters.",
                                details={"line": 1, "column": MAX_LENGTH + 1})  # fmt: skip
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as error:
        raise ExpressionInvalid(
            f"This is not a condition: {error.msg}.",
            details={"line": error.lineno or 1, "column": error.offset or 1},
        ) from None
    except (ValueError, RecursionError, MemoryError):
        raise ExpressionInvalid(
            "This is not a condition.", details={"line": 1, "column": 1}
        ) from None
    checker = _Checker(text.strip(), vocabulary or EVENT_VOCABULARY)
    root = checker.node(tree.body, depth=0)
    if root.type != BOOL:
        raise checker.invalid(tree.body, f"A condition is true or false, not a {root.type}.")
    return Expression(text, root, frozenset(checker.names), tuple(dict.fromkeys(checker.aggs)))


# -- checking ------------------------------------------------------------------------------------


class _Checker:
    def __init__(self, text: str, vocabulary: dict[str, str]):
        self.text, self.vocabulary = text, vocabulary
        self.count = 0
        self.names: set[str] = set()
        self.aggs: list[Aggregate] = []

    def invalid(self, node: ast.AST, message: str, **details) -> ExpressionInvalid:
        where = {"line": getattr(node, "lineno", 1), "column": getattr(node, "col_offset", 0) + 1}
        return ExpressionInvalid(message, details={**where, **details})

    def node(self, node: ast.AST, depth: int) -> Node:
        self.count += 1
        if self.count > MAX_NODES:
            raise self.invalid(node, f"A condition has at most {MAX_NODES} parts.")
        if depth > MAX_DEPTH:
            raise self.invalid(node, f"A condition nests at most {MAX_DEPTH} deep.")
        check = getattr(self, f"_{type(node).__name__}", None)
        if check is None:
            raise self.invalid(node, f"{_what(node)} cannot be used in a condition.")
        return check(node, depth + 1)

    def _typed(self, node: ast.AST, depth: int, wanted: str, role: str) -> Node:
        checked = self.node(node, depth)
        if checked.type != wanted:
            raise self.invalid(node, f"{role} must be a {wanted}, not a {checked.type}.")
        return checked

    # literals and names

    def _Constant(self, node: ast.Constant, depth: int) -> Node:
        value = node.value
        if isinstance(value, bool):
            return LiteralNode(BOOL, value)
        if isinstance(value, int):
            return LiteralNode(NUMBER, self._bounded(node, value))
        if isinstance(value, float):  # read exactly, from the text as written
            source = ast.get_source_segment(self.text, node) or repr(value)
            try:
                exact = Decimal(source.replace("_", ""))
            except InvalidOperation:
                raise self.invalid(node, "Write a decimal number as digits, e.g. 0.95.") from None
            return LiteralNode(NUMBER, self._bounded(node, exact))
        if isinstance(value, str):
            return LiteralNode(TEXT, value)
        raise self.invalid(node, f"{value!r} cannot be used in a condition.")

    def _bounded(self, node, number):
        if (isinstance(number, Decimal) and not number.is_finite()) or abs(number) > MAX_NUMBER:
            raise self.invalid(node, "A number is out of range.")
        return number

    def _List(self, node: ast.List | ast.Tuple, depth: int) -> Node:
        if not node.elts or len(node.elts) > MAX_LIST:
            raise self.invalid(node, f"A list holds 1 to {MAX_LIST} values.")
        items = [self.node(e, depth) for e in node.elts]
        if not all(isinstance(i, LiteralNode) for i in items):
            raise self.invalid(node, "A list holds values written out, not computed.")
        kinds = {i.type for i in items}
        if len(kinds) != 1:
            raise self.invalid(node, "A list holds values of one type.")
        return LiteralNode(LIST, frozenset(i.literal for i in items))

    _Tuple = _List

    def _Name(self, node: ast.Name, depth: int) -> Node:
        if node.id in ("true", "false"):
            return LiteralNode(BOOL, node.id == "true")
        return self._named(node, node.id)

    def _Attribute(self, node: ast.Attribute, depth: int) -> Node:
        parts, inner = [node.attr], node.value
        while isinstance(inner, ast.Attribute):
            parts.append(inner.attr)
            inner = inner.value
        if not isinstance(inner, ast.Name):
            raise self.invalid(node, f"{_what(node)} cannot be used in a condition.")
        parts.append(inner.id)
        return self._named(node, ".".join(reversed(parts)))

    def _named(self, node: ast.AST, name: str) -> Node:
        kind = self.vocabulary.get(name)
        if kind is None:
            close = difflib.get_close_matches(name, self.vocabulary, n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise self.invalid(node, f"Unknown name {name!r}.{hint}", name=name)
        self.names.add(name)
        return NameNode(kind, name)

    # operators

    def _BoolOp(self, node: ast.BoolOp, depth: int) -> Node:
        op = "and" if isinstance(node.op, ast.And) else "or"
        return LogicNode(BOOL, op, [self._typed(v, depth, BOOL, f"Each side of {op!r}")
                                 for v in node.values])  # fmt: skip

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> Node:
        if isinstance(node.op, ast.Not):
            return LogicNode(
                BOOL, "not", [self._typed(node.operand, depth, BOOL, "What 'not' negates")]
            )
        if isinstance(node.op, ast.USub):
            operand = self._typed(node.operand, depth, NUMBER, "What '-' negates")
            if isinstance(operand, LiteralNode):
                return LiteralNode(NUMBER, -operand.literal)
            return ArithmeticNode(NUMBER, ast.USub, [operand])
        if isinstance(node.op, ast.UAdd):
            return self._typed(node.operand, depth, NUMBER, "What '+' applies to")
        raise self.invalid(node, f"{_what(node)} cannot be used in a condition.")

    def _BinOp(self, node: ast.BinOp, depth: int) -> Node:
        if type(node.op) not in ARITHMETIC:
            raise self.invalid(node, f"{_what(node)} cannot be used in a condition.")
        operands = [self._typed(side, depth, NUMBER, "Each side of arithmetic")
                    for side in (node.left, node.right)]  # fmt: skip
        return ArithmeticNode(NUMBER, type(node.op), operands)

    def _Compare(self, node: ast.Compare, depth: int) -> Node:
        first = self.node(node.left, depth)
        left, steps = first, []
        for op, comparator in zip(node.ops, node.comparators, strict=True):
            right = self.node(comparator, depth)
            if type(op) in (ast.In, ast.NotIn):
                if right.type != LIST:
                    raise self.invalid(comparator, '\'in\' needs a list, e.g. ["a", "b"].')
                if right.literal and _type_of(next(iter(right.literal))) != left.type:
                    raise self.invalid(comparator, f"The list holds no {left.type}s.")
            elif type(op) in (ast.Is, ast.IsNot):
                raise self.invalid(node, "Use '==' or '!=' to compare.")
            elif left.type != right.type or left.type == LIST:
                raise self.invalid(node, f"A {left.type} cannot be compared with a {right.type}.")
            elif type(op) not in (ast.Eq, ast.NotEq) and left.type != NUMBER:
                raise self.invalid(node, f"Only numbers are ordered, not {left.type}s.")
            steps.append((type(op), right))
            left = right
        return CompareNode(BOOL, first, steps)

    def _IfExp(self, node: ast.IfExp, depth: int) -> Node:
        raise self.invalid(node, "Write 'a and b or c' instead of 'x if c else y'.")

    def _Call(self, node: ast.Call, depth: int) -> Node:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        if name in AGGREGATES:
            return self._aggregate(node, name)
        if name not in FUNCTIONS:
            known = ", ".join(sorted([*FUNCTIONS, *AGGREGATES]))
            raise self.invalid(node, f"Unknown function. The functions are: {known}.")
        if node.keywords:
            raise self.invalid(node, f"{name}() takes no named arguments.")
        low, high, _ = FUNCTIONS[name]
        if not low <= len(node.args) <= high:
            raise self.invalid(node, f"{name}() takes {low if low == high else f'{low} to {high}'}"
                                     " arguments.")  # fmt: skip
        args = [self._typed(a, depth, NUMBER, f"An argument of {name}()") for a in node.args]
        return CallNode(BOOL if name == "multiple_of" else NUMBER, name, args)

    def _aggregate(self, node: ast.Call, name: str) -> Node:
        if len(node.args) != 1 or not _is_text(node.args[0]):
            raise self.invalid(node, f'{name}() takes a window first, e.g. {name}("24h").')
        window = node.args[0].value
        match = _WINDOW.match(window)
        seconds = int(match[1]) * _UNIT_SECONDS[match[2]] if match else 0
        if window == TODAY:
            seconds = 25 * 3600  # the most the day so far can reach (a day of 25 hours)
        elif not match or seconds > MAX_WINDOW_SECONDS:
            raise self.invalid(node.args[0], 'A window is minutes, hours or days up to 400 '
                                             'days ("30m", "24h", "7d"), or "today": the '
                                             'calendar day so far.')  # fmt: skip
        per, filters = "customer", {}
        for keyword in node.keywords:
            if keyword.arg == "per":
                if not _is_text(keyword.value) or keyword.value.value not in PER:
                    raise self.invalid(keyword.value, f"per is one of {', '.join(PER)}.")
                per = keyword.value.value
            elif keyword.arg in _FILTERS:
                filters[keyword.arg] = self._filter(keyword)
            elif keyword.arg in _BANDS:
                filters[keyword.arg] = self._written_amount(keyword)
            else:
                raise self.invalid(node, f"{name}() takes per, kind, direction, amount_from and "
                                         f"amount_below, not {keyword.arg}.")  # fmt: skip
        aggregate = Aggregate(function=name, window_seconds=seconds, window=window, per=per,
                              kind=filters.get("kind", ()),
                              direction=filters.get("direction", ()),
                              amount_from=filters.get("amount_from"),
                              amount_below=filters.get("amount_below"))  # fmt: skip
        self.aggs.append(aggregate)
        return AggregateNode(AGGREGATES[name], aggregate)

    def _written_amount(self, keyword: ast.keyword) -> int:
        """An amount in fen written out: a whole number, or ``yuan(<whole number>)``."""
        value, scale = keyword.value, 1
        if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                and value.func.id == "yuan" and len(value.args) == 1
                and not value.keywords):  # fmt: skip
            value, scale = value.args[0], 100
        if not (isinstance(value, ast.Constant) and type(value.value) is int
                and 0 <= value.value * scale <= MAX_NUMBER):  # fmt: skip
            raise self.invalid(keyword.value, f"{keyword.arg} is an amount written out, e.g. "
                                              "yuan(50000).")  # fmt: skip
        return value.value * scale

    def _filter(self, keyword: ast.keyword) -> tuple:
        value = keyword.value
        items = value.elts if isinstance(value, ast.List | ast.Tuple) else [value]
        if not items or len(items) > MAX_LIST or not all(_is_text(i) for i in items):
            raise self.invalid(value, f"{keyword.arg} is a text or a list of texts.")
        return tuple(sorted({i.value for i in items}))


def _is_text(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, str)


def _type_of(value) -> str:
    if isinstance(value, bool):
        return BOOL
    return TEXT if isinstance(value, str) else NUMBER


def _what(node: ast.AST) -> str:
    names = {
        "Subscript": "Indexing", "Lambda": "A lambda", "Pow": "'**'", "Dict": "A dictionary",
        "Set": "A set", "ListComp": "A comprehension", "GeneratorExp": "A generator",
        "JoinedStr": "An f-string", "NamedExpr": "':='", "Starred": "'*'", "Await": "'await'",
        "BitAnd": "'&'", "BitOr": "'|'", "BitXor": "'^'", "LShift": "'<<'", "RShift": "'>>'",
        "MatMult": "'@'", "Invert": "'~'",
    }  # fmt: skip
    key = type(getattr(node, "op", node)).__name__ if isinstance(node, ast.BinOp | ast.UnaryOp) \
        else type(node).__name__  # fmt: skip
    return names.get(key, f"'{key}'")
