"""Identity providers: who decides whether a person is who they say they are.

``HUJIN_IDENTITY_PROVIDER`` names the class (dotted path); the default sends every case to the
compliance review queue. A real deployment plugs in a national ID-check service (公民身份信息
核查) here. Enterprises (KYB) always go to review, whatever the provider.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

VERIFIED = "verified"
REJECTED = "rejected"
NEEDS_REVIEW = "needs_review"
DEFAULT_PROVIDER = "hujin.customers.providers.ManualReviewProvider"


@dataclass(frozen=True, slots=True)
class Decision:
    outcome: str  # verified | rejected | needs_review
    reason: str = ""


@dataclass(frozen=True, slots=True)
class IdentityCheck:
    """What a provider is asked about (plaintext: providers run in-process, never log it)."""

    document_type: str
    document_number: str
    legal_name: str


class ProviderUnavailable(Exception):
    """The provider could not answer; the case goes to manual review."""


class IdentityProvider(Protocol):
    name: str

    def check(self, application: IdentityCheck) -> Decision: ...


class ManualReviewProvider:
    """Every case goes to a compliance officer (the built-in default)."""

    name = "manual_review"

    def check(self, application: IdentityCheck) -> Decision:
        return Decision(NEEDS_REVIEW, "manual review")


class LocalSimulatedProvider:
    """A stand-in for a national ID-check service, for tests and the demo. Not a real check.

    Deterministic outcomes by the sequence digits (positions 15-16) of an 18-character number:
    ``00`` → rejected ("name and number do not match"), ``99`` → needs review, ``98`` → the
    service is unavailable; everything else is verified. Knobs: ``delay_s`` (simulated latency)
    and ``fail_all`` (every call unavailable), set as class attributes or in
    ``HUJIN_SIMULATED_PROVIDER`` (a dict).
    """

    name = "local_simulated"
    delay_s: float = 0.0
    fail_all: bool = False

    def __init__(self) -> None:
        knobs = getattr(settings, "HUJIN_SIMULATED_PROVIDER", {}) or {}
        self.delay_s = float(knobs.get("delay_s", self.delay_s))
        self.fail_all = bool(knobs.get("fail_all", self.fail_all))

    def check(self, application: IdentityCheck) -> Decision:
        if self.delay_s:
            time.sleep(self.delay_s)
        number = application.document_number
        marker = number[14:16] if len(number) == 18 else ""
        if self.fail_all or marker == "98":
            raise ProviderUnavailable("simulated outage")
        if marker == "00":
            return Decision(REJECTED, "name and number do not match")
        if marker == "99":
            return Decision(NEEDS_REVIEW, "photo check inconclusive")
        return Decision(VERIFIED, "name and number match")


def identity_provider() -> IdentityProvider:
    """The configured provider (a new instance per call, so settings changes take effect)."""
    path = getattr(settings, "HUJIN_IDENTITY_PROVIDER", "") or DEFAULT_PROVIDER
    return import_string(path)()
