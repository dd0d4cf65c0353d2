"""The rules the ledger's API enforces, as the OpenAPI document states them.

The validators in ``hujin.ledger.schemas`` and the services decide; the pieces here only write
the same rules into the JSON Schema of each field (a pattern, a format, bounds, ``not``) or, for a
rule between two query parameters that JSON Schema cannot tie together, into their descriptions.
None of them changes what the server accepts.
"""

from datetime import UTC, datetime
from typing import Annotated, Any

from pydantic import GetJsonSchemaHandler, PlainSerializer
from pydantic_core import CoreSchema

# formatMinimum and formatMaximum bound a date or date-time string (the keywords of JSON Schema's
# format-bounds proposal, which ajv-formats and other validators read).
EARLIEST = "1970-01-01"
LATEST = "9999-12-30"
# A year from 1970 to 9999 at the start of a date or date-time: what the server's bounds allow.
YEAR_FROM_1970 = r"^(19[7-9][0-9]|[2-9][0-9]{3})-"
# No control characters (Unicode category Cc) and no lone surrogates (Cs).
NO_CONTROL_CHARACTERS = r"^[^\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]*$"
TIMESTAMP_PATTERN = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{6}Z$"
DECIMAL_OUT_PATTERN = r"^-?[0-9]+(\.[0-9]+)?$"


class SchemaSays:
    """Annotated metadata that writes rules into a type's JSON Schema: ``extra`` keys are set,
    ``drop`` keys removed (pydantic writes a date's bounds as non-standard ``ge``/``le``)."""

    def __init__(
        self, *, extra: dict[str, Any] | None = None, drop: tuple[str, ...] = (),
        description: str = "",
    ) -> None:  # fmt: skip
        self.extra = dict(extra or {})
        self.drop = drop
        self.description = description

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> dict[str, Any]:
        schema = handler(core_schema)
        for key in self.drop:
            schema.pop(key, None)
        schema.update(self.extra)
        if self.description:
            schema["description"] = self.description
        return schema


PLAIN_TEXT_RULE = SchemaSays(extra={"pattern": NO_CONTROL_CHARACTERS})

BUSINESS_DATE_RULE = SchemaSays(
    extra={
        "pattern": YEAR_FROM_1970 + r"[0-9]{2}-[0-9]{2}",
        "formatMinimum": EARLIEST,
        "formatMaximum": LATEST,
    },
    drop=("ge", "le"),
)

MOMENT_RULE = SchemaSays(
    extra={
        "pattern": YEAR_FROM_1970,
        "formatMinimum": f"{EARLIEST}T00:00:00Z",
        "formatMaximum": f"{LATEST}T00:00:00Z",
    },
    drop=("ge", "le"),
)


def _utc_iso_microseconds(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


# Moments out: what is stored, to the microsecond, in UTC. (Django's JSON encoder would cut them
# to the millisecond, and a client passing such a time back as ``as_of`` would miss a transfer.)
Timestamp = Annotated[
    datetime,
    PlainSerializer(_utc_iso_microseconds, return_type=str),
    SchemaSays(
        extra={"type": "string", "format": "date-time", "pattern": TIMESTAMP_PATTERN},
        description="UTC, to the microsecond as stored, e.g. 2025-03-14T02:00:00.123456Z.",
    ),
]

Money = Annotated[
    str,
    SchemaSays(
        extra={"pattern": DECIMAL_OUT_PATTERN},
        description="A decimal string in the currency's minor units, e.g. '1234.50'.",
    ),
]

# JSON Schema for an account: the two balance-limit flags are never both true.
AT_MOST_ONE_LIMIT_FLAG: dict[str, Any] = {
    "not": {
        "properties": {
            "debits_must_not_exceed_credits": {"const": True},
            "credits_must_not_exceed_debits": {"const": True},
        },
        "required": ["debits_must_not_exceed_credits", "credits_must_not_exceed_debits"],
    },
    "description": "At most one balance-limit flag is true: an account with both answers 400.",
}


def statement_period_rule(max_days: int) -> str:
    return (
        f"A business date from {EARLIEST}. The period runs from from_date to to_date inclusive: "
        f"to_date is on or after from_date and the period is at most {max_days} days "
        "(400 statement_period_invalid otherwise)."
    )
