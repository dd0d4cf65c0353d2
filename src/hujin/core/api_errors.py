"""The error body every API answers with (``{"error": {"code", "message", "details"}}``), as
the OpenAPI document describes it: one schema for every module's endpoints."""

from typing import Any

from ninja import Schema


class ErrorBody(Schema):
    code: str
    message: str
    details: dict[str, Any]


class ErrorOut(Schema):
    error: ErrorBody


def error_responses(*statuses: int) -> dict[int, type[ErrorOut]]:
    """The error answers of an operation of the customer's API: 400 (a body that is not JSON),
    401 (no valid access token), 422 (input), and ``statuses``."""
    return {status: ErrorOut for status in (400, 401, 422, *statuses)}
