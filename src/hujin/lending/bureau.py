"""The credit bureau: what an external credit reference agency (in China, the PBoC Credit
Reference Center or a licensed personal credit bureau) reports about an applicant, through one
interface.

``HUJIN_CREDIT_BUREAU`` names the class (dotted path, built with no argument); the default is
``SimulatedCreditBureau``, a local stand-in that invents plausible reports and never calls out.
A deployment plugs its agency's client in here.

A report carries the four fields the scorecard uses — inquiries in the last 6 months, open
accounts, delinquencies in the last 24 months, utilisation of revolving limits (0..1) — or none
of them for a thin file (no bureau record). Asking needs the applicant's consent to a credit
check, which the caller records first."""

from __future__ import annotations

import hashlib
import math
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from hujin.lending.errors import BureauUnavailable

DEFAULT_BUREAU = "hujin.lending.bureau.SimulatedCreditBureau"
FIELDS = (
    "bureau_inquiries_6m",
    "bureau_open_accounts",
    "bureau_delinquencies_24m",
    "bureau_utilisation",
)


@dataclass(frozen=True, slots=True)
class BureauReport:
    bureau_inquiries_6m: int | None
    bureau_open_accounts: int | None
    bureau_delinquencies_24m: int | None
    bureau_utilisation: float | None  # 0..1; None for a thin file or without an open account
    file_found: bool  # False: a thin file, the bureau has no record of the person
    reference: str  # the bureau's reference of this enquiry
    fetched_at: datetime

    def features(self) -> dict[str, int | float | None]:
        """The scorecard characteristics this report provides (None: missing)."""
        return {name: getattr(self, name) for name in FIELDS}


class CreditBureau(Protocol):
    name: str

    def report(self, *, customer_ref: str, id_number_hash: str, now: datetime) -> BureauReport:
        """The applicant's report. Raises BureauUnavailable when the bureau cannot answer."""
        ...


def _no_wait(seconds: float) -> None:
    return None


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw by multiplying uniforms (fine for the small means used here)."""
    limit, count, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        count += 1
        product *= rng.random()
    return count


def _digest(*parts: str) -> bytes:
    return hashlib.sha256("\x1f".join(parts).encode()).digest()


class SimulatedCreditBureau:
    """A local stand-in for a credit bureau, for development, tests and the demo — not a real
    bureau. Its reports follow the generating process of ``scorecard.generate`` (step 3), so
    live applicants look like the population the demo model was trained on.

    Deterministic: the same ``id_number_hash`` (the same person) always gets the same figures;
    about 5 % of people have a thin file. ``failure_rate`` makes that share of people (chosen
    by a hash, so a test can find one) get BureauUnavailable; ``latency_s`` is passed to
    ``sleep`` on every call, which by default does not wait (inject ``time.sleep`` to really
    wait). Knobs not given come from ``HUJIN_SIMULATED_BUREAU`` (a dict with ``failure_rate``
    and ``latency_s``)."""

    name = "simulated"
    THIN_FILE_SHARE = 0.05

    def __init__(
        self,
        *,
        failure_rate: float | None = None,
        latency_s: float | None = None,
        sleep: Callable[[float], None] = _no_wait,
    ) -> None:
        knobs = getattr(settings, "HUJIN_SIMULATED_BUREAU", None) or {}
        self.failure_rate = float(
            knobs.get("failure_rate", 0.0) if failure_rate is None else failure_rate
        )
        self.latency_s = float(knobs.get("latency_s", 0.0) if latency_s is None else latency_s)
        self.sleep = sleep

    def fails_for(self, id_number_hash: str) -> bool:
        """Whether this person's enquiries fail (the simulated outage)."""
        share = int.from_bytes(_digest("outage", id_number_hash)[:8], "big") / 2**64
        return share < self.failure_rate

    def report(self, *, customer_ref: str, id_number_hash: str, now: datetime) -> BureauReport:
        if self.latency_s:
            self.sleep(self.latency_s)
        if self.fails_for(id_number_hash):
            raise BureauUnavailable(details={"bureau": self.name})
        rng = random.Random(_digest("person", id_number_hash))
        reference = "SIM-" + _digest("enquiry", customer_ref, now.isoformat()).hex()[:20]
        thin = rng.random() < self.THIN_FILE_SHARE
        if thin:
            return BureauReport(None, None, None, None, False, reference, now)
        strain = rng.gauss(0.0, 1.0)  # the latent financial strain u of the process
        age = min(18 + round(rng.gammavariate(4.0, 4.5)), 70)
        open_accounts = _poisson(rng, math.exp(0.9 + 0.01 * (age - 35) + 0.15 * strain))
        logit = -0.6 + 0.9 * strain + rng.gauss(0.0, 0.8)
        utilisation = round(1.0 / (1.0 + math.exp(-logit)), 3) if open_accounts else None
        return BureauReport(
            bureau_inquiries_6m=_poisson(rng, math.exp(0.2 + 0.45 * strain)),
            bureau_open_accounts=open_accounts,
            bureau_delinquencies_24m=_poisson(rng, math.exp(-1.9 + 0.8 * strain)),
            bureau_utilisation=utilisation,
            file_found=True,
            reference=reference,
            fetched_at=now,
        )


def bureau() -> CreditBureau:
    """The configured bureau (a new instance per call, so a settings change takes effect)."""
    path = getattr(settings, "HUJIN_CREDIT_BUREAU", "") or DEFAULT_BUREAU
    return import_string(path)()
