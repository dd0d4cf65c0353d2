"""The error base class. Every error a client can see has a stable code and a 4xx status."""

from typing import Any


class HujinError(Exception):
    """Base of every domain error. Subclasses set ``code`` and ``status``."""

    code: str = "error"
    status: int = 400
    message: str = "The request could not be completed."

    def __init__(self, message: str | None = None, *, details: dict[str, Any] | None = None):
        self.message = str(message) if message is not None else str(self.message)
        self.details = details or {}
        super().__init__(self.message)

    def as_dict(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class InvalidInput(HujinError):
    code = "invalid_input"
    status = 400
    message = "The input is not valid."


class NotFound(HujinError):
    code = "not_found"
    status = 404
    message = "Not found."


class PermissionDenied(HujinError):
    code = "permission_denied"
    status = 403
    message = "You do not have permission to do this."


class Conflict(HujinError):
    code = "conflict"
    status = 409
    message = "The request conflicts with the current state."


class BusinessDateNotSet(HujinError):
    code = "business_date_not_set"
    status = 409
    message = "The business date has not been set yet."


class BusinessDateNotForward(Conflict):
    code = "business_date_not_forward"
    message = "The business date only moves forward."


class CobAlreadyRunning(Conflict):
    code = "cob_already_running"
    message = "A close of business is already running."


class CobDateInvalid(Conflict):
    code = "cob_date_invalid"
    message = "The close of business cannot run for this date."
