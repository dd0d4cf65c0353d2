"""Screening names against the lists' current versions, and the hits as alerts for an analyst.

- ``party_screen``: one person or company (a customer at onboarding, a customer's new payee)
  against every list's current version;
- ``watchlist_version_screen``: every verified customer against one version, in batches (two
  or three queries a batch of 1,000 customers, whatever the number of hits), run as a task after
  an import commits (``hujin.risk.tasks_lists``); ``watchlists_rescreen``: against every current
  version (``hujin risk lists screen``).

Each version's names are loaded once per process and kept (a version never changes after its
import) with their comparable forms (``names.name_forms``) in one flat list, and a name is
compared with all of them in one call of ``rapidfuzz.process.extract``: only the entries with a
form scoring the threshold go on to ``names.list_matches``, which gives the same hits as
comparing with every entry (its score is the best over the same pairs of forms) and cuts them by
date of birth and nationality.

**One alert per hit, not repeated.** A hit raises an alert (``Alert``, source ``watchlist``)
unless the same party already hit the same entry of the list and that alert is still open or
escalated, or was dismissed as a false positive on this same version (a new version of the list
raises it again, for the entry may have changed). ``WatchListHit`` holds at most one hit per
customer, party and entry of a version (a database rule): screenings that overlap raise it once.
The alert keeps the customer's id and the masked name that was compared, never the name itself.
"""

import logging
import uuid
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from django.db import IntegrityError, transaction
from rapidfuzz import fuzz, process

from hujin.core.actors import system_actor
from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.core.masking import mask_name
from hujin.customers.selectors import ScreeningFacts, customers_screening_facts
from hujin.risk.events import WATCHLIST_HIT, WATCHLIST_SCREENED
from hujin.risk.models import DISMISSED, OPEN, Alert
from hujin.risk.models_lists import (
    CURRENT,
    ROLE_CUSTOMER,
    ROLE_PAYEE,
    WatchListEntry,
    WatchListHit,
    WatchListVersion,
)
from hujin.risk.names import THRESHOLD, Hit, ListEntry, Party, list_matches, name_forms

logger = logging.getLogger(__name__)

SOURCE = "watchlist"
BATCH = 1000
SCREENER = system_actor("risk.watchlist_screening")


@dataclass(frozen=True, slots=True)
class LoadedVersion:
    """A version's entries as ``names.ListEntry`` values and every form of their names."""

    version_id: uuid.UUID
    list_code: str
    list_name: str
    number: int
    entries: tuple[ListEntry, ...]
    choices: tuple[str, ...]  # every comparable form of every name
    owners: tuple[int, ...]  # the entry (index) each form belongs to


@dataclass(frozen=True, slots=True)
class ScreenHit:
    """A hit of one screening: the entry, the score, and the alert (``raised``: new)."""

    list_code: str
    version_id: uuid.UUID
    reference: str
    score: int
    listed_name: str
    birth: str
    nationality: str
    alert_id: uuid.UUID | None
    raised: bool


def _entry(row: WatchListEntry, list_code: str) -> ListEntry:
    return ListEntry(
        list_name=list_code, reference=row.reference, names=tuple(row.names),
        birth_dates=tuple(date.fromisoformat(d) for d in row.birth_dates),
        birth_years=tuple(row.birth_years), nationalities=tuple(row.nationalities),
    )  # fmt: skip


@lru_cache(maxsize=16)
def version_loaded(version_id: uuid.UUID) -> LoadedVersion:
    """A version's entries and forms, read once per process (a version never changes)."""
    version = WatchListVersion.objects.select_related("watchlist").get(id=version_id)
    code = version.watchlist.code
    entries = tuple(_entry(r, code) for r in version.entries.order_by("reference"))
    choices, owners = [], []
    for i, entry in enumerate(entries):
        for form in sorted({f for n in entry.names for f in name_forms(n)}):
            choices.append(form)
            owners.append(i)
    return LoadedVersion(
        version_id=version.id, list_code=code, list_name=version.watchlist.name,
        number=version.number, entries=entries, choices=tuple(choices), owners=tuple(owners),
    )  # fmt: skip


def version_matches(loaded: LoadedVersion, party: Party) -> list[Hit]:
    """``names.list_matches`` of ``party`` over the version's entries, the entries without a
    form scoring the threshold left out first in one pass per form of the party's name."""
    candidates: set[int] = set()
    for form in name_forms(party.name):
        for _, _, index in process.extract(
            form, loaded.choices, scorer=fuzz.token_sort_ratio,
            score_cutoff=float(THRESHOLD), limit=None,
        ):  # fmt: skip
            candidates.add(loaded.owners[index])
    if not candidates:
        return []
    return list_matches(party, [loaded.entries[i] for i in sorted(candidates)])


def _current_versions() -> list[LoadedVersion]:
    ids = WatchListVersion.objects.filter(state=CURRENT).order_by("watchlist__code")
    return [version_loaded(v) for v in ids.values_list("id", flat=True)]


@dataclass(frozen=True, slots=True)
class _Found:
    customer_id: uuid.UUID
    role: str
    party_id: uuid.UUID
    party: Party
    hit: Hit


def _already(found: list[_Found], loaded: LoadedVersion) -> set[tuple]:
    """The (customer, role, party, reference) among ``found`` that must not raise again."""
    if not found:
        return set()
    rows = WatchListHit.objects.filter(
        customer_id__in={f.customer_id for f in found},
        reference__in={f.hit.entry.reference for f in found},
        version__watchlist__code=loaded.list_code,
    ).values_list("customer_id", "role", "party_id", "reference", "version_id", "alert__state")
    blocked = set()
    for customer_id, role, party_id, reference, version_id, state in rows:
        same_version = version_id == loaded.version_id
        if state != DISMISSED or same_version:
            blocked.add((customer_id, role, party_id, reference))
    return blocked


def _details(found: _Found, loaded: LoadedVersion) -> dict:
    hit, entry = found.hit, found.hit.entry
    return {
        "list": loaded.list_code, "list_name": loaded.list_name, "version": loaded.number,
        "version_id": str(loaded.version_id), "reference": entry.reference,
        "entry_names": list(entry.names), "listed_name": hit.name,
        "listed_forms": sorted(name_forms(hit.name)),
        "entry_birth_dates": [d.isoformat() for d in entry.birth_dates],
        "entry_birth_years": list(entry.birth_years),
        "entry_nationalities": list(entry.nationalities),
        "score": int(hit.score),
        "role": found.role, "customer_id": str(found.customer_id),
        "party_id": str(found.party_id),
        # The masked name alone: masked pinyin forms ("wei zhang" as w*******) would tell the
        # given name's initial and its syllables' lengths, which 张* hides.
        "compared": mask_name(found.party.name),
        "why_not_cut": {"birth": hit.birth, "nationality": hit.nationality},
    }  # fmt: skip


def _raise(found: _Found, loaded: LoadedVersion, *, now: datetime) -> uuid.UUID | None:
    """The alert and the hit, in a savepoint: a hit raised meanwhile by an overlapping
    screening (the unique rule) leaves this one out. The alert's id, or None."""
    try:
        with transaction.atomic():
            alert = Alert.objects.create(
                customer_id=found.customer_id, source=SOURCE, code=loaded.list_code,
                score=min(int(found.hit.score), 100), details=_details(found, loaded),
                raised_at=now, state=OPEN,
            )  # fmt: skip
            WatchListHit.objects.create(
                alert=alert, customer_id=found.customer_id, role=found.role,
                party_id=found.party_id, version_id=loaded.version_id,
                reference=found.hit.entry.reference, score=int(found.hit.score), raised_at=now,
            )  # fmt: skip
            audit_record(
                actor=SCREENER, action="risk.watchlist_hit", target_type="risk.alert",
                target_id=str(alert.id), occurred_at=now,
                after={"list": loaded.list_code, "version": loaded.number,
                       "reference": found.hit.entry.reference, "score": int(found.hit.score),
                       "role": found.role, "customer_id": str(found.customer_id)},
            )  # fmt: skip
            event_emit(
                aggregate_type="risk.alert", aggregate_id=str(alert.id), event_type=WATCHLIST_HIT,
                occurred_at=now,
                payload={"alert_id": str(alert.id), "customer_id": str(found.customer_id),
                         "role": found.role, "party_id": str(found.party_id),
                         "list": loaded.list_code, "version_id": str(loaded.version_id),
                         "reference": found.hit.entry.reference, "score": int(found.hit.score)},
            )  # fmt: skip
    except IntegrityError:
        return None
    return alert.id


def _settle(found: list[_Found], loaded: LoadedVersion, *, now: datetime) -> dict[tuple, tuple]:
    """Raise what is new among ``found``: (customer, role, party, reference) -> (alert id or
    None, raised). Runs in the caller's transaction."""
    blocked = _already(found, loaded)
    out = {}
    for f in found:
        key = (f.customer_id, f.role, f.party_id, f.hit.entry.reference)
        if key in blocked or key in out:
            out.setdefault(key, (None, False))
            continue
        alert_id = _raise(f, loaded, now=now)
        out[key] = (alert_id, alert_id is not None)
    return out


def _party(value) -> Party:
    if isinstance(value, Party):
        return value
    if isinstance(value, ScreeningFacts):
        return Party(value.legal_name, value.birth_date, value.nationality)
    birth = value.get("date_of_birth") or value.get("birth_date")
    if isinstance(birth, str):
        birth = date.fromisoformat(birth)
    return Party(value["name"], birth, (value.get("nationality") or "").upper())


def party_screen(*, party, subject: dict, now: datetime) -> list[ScreenHit]:
    """Screen ``party`` ({name, date_of_birth?, nationality?}) against every list's current
    version; ``subject``: {customer_id, role: customer | payee, party_id?} (``party_id``: the
    payee's customer id; the customer's own for ``customer``). Raises an alert for each new hit
    (one transaction); returns every hit, those already raised with ``raised`` false."""
    who, role = uuid.UUID(str(subject["customer_id"])), subject.get("role", ROLE_CUSTOMER)
    if role not in (ROLE_CUSTOMER, ROLE_PAYEE):
        raise ValueError(f"role {role!r}: customer or payee")
    party_id = uuid.UUID(str(subject.get("party_id") or who))
    screened = _party(party)
    out: list[ScreenHit] = []
    with transaction.atomic():
        for loaded in _current_versions():
            found = [_Found(who, role, party_id, screened, h)
                     for h in version_matches(loaded, screened)]  # fmt: skip
            settled = _settle(found, loaded, now=now)
            for f in found:
                alert_id, raised = settled[(who, role, party_id, f.hit.entry.reference)]
                out.append(ScreenHit(
                    list_code=loaded.list_code, version_id=loaded.version_id,
                    reference=f.hit.entry.reference, score=int(f.hit.score),
                    listed_name=f.hit.name, birth=f.hit.birth, nationality=f.hit.nationality,
                    alert_id=alert_id, raised=raised,
                ))  # fmt: skip
    return out


@dataclass(frozen=True, slots=True)
class ScreeningReport:
    version_id: uuid.UUID
    list_code: str
    number: int
    screened: int
    hits: int  # hits found (raised or not)
    raised: int  # new alerts


def watchlist_version_screen(
    *, version_id: uuid.UUID, now: datetime, batch: int = BATCH
) -> ScreeningReport:
    """Screen every verified customer against one version, ``batch`` customers a transaction;
    then record on the version who was screened and how many new alerts it raised, with an
    outbox event. A version superseded meanwhile is still finished (its hits stand)."""
    loaded = version_loaded(version_id)
    screened = hits = raised = 0
    after = None
    while True:
        facts = customers_screening_facts(after=after, limit=batch)
        if not facts:
            break
        after = facts[-1].customer_id
        screened += len(facts)
        found = []
        for f in facts:
            party = _party(f)
            found.extend(_Found(f.customer_id, ROLE_CUSTOMER, f.customer_id, party, h)
                         for h in version_matches(loaded, party))  # fmt: skip
        hits += len(found)
        if found:
            with transaction.atomic():
                raised += sum(r for _, r in _settle(found, loaded, now=now).values())
        if len(facts) < batch:
            break
    with transaction.atomic():
        WatchListVersion.objects.filter(id=version_id).update(
            screened_at=now, screened=screened, hits=raised
        )
        event_emit(
            aggregate_type="risk.watchlist_version", aggregate_id=str(version_id),
            event_type=WATCHLIST_SCREENED, occurred_at=now,
            payload={"version_id": str(version_id), "list": loaded.list_code,
                     "number": loaded.number, "screened": screened, "hits": raised},
        )  # fmt: skip
    logger.info("list %s v%d: %d customers screened, %d hits, %d new alerts",
                loaded.list_code, loaded.number, screened, hits, raised)  # fmt: skip
    return ScreeningReport(version_id, loaded.list_code, loaded.number, screened, hits, raised)


def watchlists_rescreen(*, now: datetime) -> list[ScreeningReport]:
    """Every verified customer against every list's current version."""
    versions = WatchListVersion.objects.filter(state=CURRENT).order_by("watchlist__code")
    return [watchlist_version_screen(version_id=v, now=now)
            for v in versions.values_list("id", flat=True)]  # fmt: skip
