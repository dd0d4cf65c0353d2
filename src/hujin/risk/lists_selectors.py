"""The screening lists' reads, for who holds ``risk.view_risk``: the lists with their versions,
one version's entries (searchable by name, however written, or by reference), and the
watch-list hits (alerts of source ``watchlist``). Values out, never querysets; the hits show the
masked name that was compared, never the customer's name."""

import uuid
from dataclasses import dataclass
from datetime import date, datetime

from hujin.core.actors import Actor, require_scope
from hujin.core.links import TargetLink
from hujin.risk.decisions_selectors import customer_links
from hujin.risk.errors import WatchlistNotFound
from hujin.risk.lists_screening import SOURCE
from hujin.risk.models import DISMISSED, ESCALATED, OPEN, Alert
from hujin.risk.models_lists import ROLE_CUSTOMER, WatchList, WatchListHit, WatchListVersion
from hujin.risk.names import name_forms, name_score
from hujin.risk.permissions import VIEW_RISK

ENTRIES_SHOWN = 200
HITS_SHOWN = 200
SEARCH_SCORE = 80  # a search finds a name a little further off than a screening hit
HIT_STATES = (OPEN, ESCALATED, DISMISSED)


@dataclass(frozen=True, slots=True)
class VersionRow:
    id: uuid.UUID
    number: int
    state: str
    format: str
    file_name: str
    sha256: str
    entry_count: int
    imported_at: datetime
    imported_by: str
    superseded_at: datetime | None
    screened_at: datetime | None
    screened: int
    hits: int

    @property
    def sha256_grouped(self) -> str:
        """The SHA-256 in groups of eight, for reading aloud and for a narrow screen."""
        return " ".join(self.sha256[i : i + 8] for i in range(0, len(self.sha256), 8))


@dataclass(frozen=True, slots=True)
class ListRow:
    code: str
    name: str
    kind: str
    versions: list[VersionRow]

    @property
    def current(self) -> VersionRow | None:
        return next((v for v in self.versions if v.state == "current"), None)


@dataclass(frozen=True, slots=True)
class EntryRow:
    reference: str
    names: list[str]
    birth: list[str]  # dates (ISO) and years alone
    nationalities: list[str]


@dataclass(frozen=True, slots=True)
class VersionEntries:
    list_code: str
    list_name: str
    kind: str
    version: VersionRow
    query: str
    entries: list[EntryRow]
    matched: int  # entries matching the query (all of them without one)


@dataclass(frozen=True, slots=True)
class HitRow:
    alert_id: uuid.UUID
    state: str
    raised_at: datetime
    customer_id: str
    role: str  # customer | payee
    party_id: str
    score: int
    list_code: str
    version: int
    version_id: str
    reference: str
    compared: str  # the masked name compared
    listed_name: str
    listed_forms: list[str]
    entry_names: list[str]
    entry_birth: list[str]
    entry_nationalities: list[str]
    birth: str  # agrees | unknown
    nationality: str  # agrees | unknown
    triage_reason: str
    customer: TargetLink | None = None  # the customer concerned, as the console names them
    list_name: str = ""


def _version_row(v: WatchListVersion) -> VersionRow:
    return VersionRow(
        id=v.id, number=v.number, state=v.state, format=v.format, file_name=v.file_name,
        sha256=v.sha256, entry_count=v.entry_count, imported_at=v.imported_at,
        imported_by=v.imported_by_label, superseded_at=v.superseded_at,
        screened_at=v.screened_at, screened=v.screened, hits=v.hits,
    )  # fmt: skip


def watchlists_overview(*, actor: Actor) -> list[ListRow]:
    """Every list with its versions, the newest first. Raises PermissionDenied."""
    require_scope(actor, VIEW_RISK)
    versions: dict[uuid.UUID, list[VersionRow]] = {}
    for v in WatchListVersion.objects.order_by("watchlist_id", "-number"):
        versions.setdefault(v.watchlist_id, []).append(_version_row(v))
    return [ListRow(code=w.code, name=w.name, kind=w.kind, versions=versions.get(w.id, []))
            for w in WatchList.objects.order_by("code")]  # fmt: skip


def _matches(query: str, reference: str, names: list[str]) -> bool:
    if query.casefold() in reference.casefold():
        return True
    wanted = name_forms(query)
    for name in names:
        if any(w in form for w in wanted for form in name_forms(name)):
            return True
        if name_score(query, name) >= SEARCH_SCORE:
            return True
    return False


def watchlist_version_entries(
    *, actor: Actor, version_id: uuid.UUID, query: str = ""
) -> VersionEntries:
    """A version's entries (at most ``ENTRIES_SHOWN``), those whose reference or a name matches
    ``query`` (a name however written: 张伟 finds "ZHANG Wei"). Raises PermissionDenied,
    WatchlistNotFound."""
    require_scope(actor, VIEW_RISK)
    version = WatchListVersion.objects.select_related("watchlist").filter(id=version_id).first()
    if version is None:
        raise WatchlistNotFound()
    query = " ".join((query or "").split())[:100]
    rows = []
    for e in version.entries.order_by("reference"):
        if query and not _matches(query, e.reference, e.names):
            continue
        rows.append(EntryRow(
            reference=e.reference, names=list(e.names),
            birth=[*e.birth_dates, *(str(y) for y in e.birth_years)],
            nationalities=list(e.nationalities),
        ))  # fmt: skip
    return VersionEntries(
        list_code=version.watchlist.code, list_name=version.watchlist.name,
        kind=version.watchlist.kind, version=_version_row(version), query=query,
        entries=rows[:ENTRIES_SHOWN], matched=len(rows),
    )  # fmt: skip


def _birth(details: dict) -> list[str]:
    dates = [date.fromisoformat(d).isoformat() for d in details.get("entry_birth_dates", [])]
    return [*dates, *(str(y) for y in details.get("entry_birth_years", []))]


def watchlist_hits(*, actor: Actor, state: str = OPEN, customer_id=None) -> list[HitRow]:
    """The watch-list alerts in ``state`` (``""``: every state), the newest first, at most
    ``HITS_SHOWN``; of one customer when ``customer_id`` is given. Raises PermissionDenied."""
    require_scope(actor, VIEW_RISK)
    alerts = Alert.objects.filter(source=SOURCE)
    if state:
        alerts = alerts.filter(state=state)
    if customer_id:
        alerts = alerts.filter(customer_id=customer_id)
    shown = list(alerts.order_by("-raised_at", "-id")[:HITS_SHOWN])
    customers = customer_links(actor, (a.customer_id for a in shown))
    lists = dict(WatchList.objects.filter(code__in={a.code for a in shown})
                 .values_list("code", "name"))  # fmt: skip
    out = []
    for a in shown:
        d, why = a.details, a.details.get("why_not_cut", {})
        out.append(HitRow(
            alert_id=a.id, state=a.state, raised_at=a.raised_at,
            customer_id=str(a.customer_id or ""), role=d.get("role", "customer"),
            party_id=d.get("party_id", ""), score=a.score, list_code=a.code,
            version=d.get("version", 0), version_id=d.get("version_id", ""),
            reference=d.get("reference", ""), compared=d.get("compared", ""),
            listed_name=d.get("listed_name", ""),
            listed_forms=d.get("listed_forms", []), entry_names=d.get("entry_names", []),
            entry_birth=_birth(d), entry_nationalities=d.get("entry_nationalities", []),
            birth=why.get("birth", "unknown"), nationality=why.get("nationality", "unknown"),
            triage_reason=a.triage_reason, customer=customers.get(a.customer_id),
            list_name=lists.get(a.code) or a.code,
        ))  # fmt: skip
    return out


def watchlist_open_hits_count(*, actor: Actor) -> int:
    """The open watch-list alerts (the menu's waiting work); 0 for who may not see them."""
    if not actor.has_scope(VIEW_RISK):
        return 0
    return Alert.objects.filter(source=SOURCE, state=OPEN).count()


def customer_watchlist_hit(*, customer_id) -> bool:
    """Whether the customer's own name matched a list entry in a hit still open or escalated
    (a dismissed false positive does not count; a payee's hit is the payee's). The movement
    screen reads the same fact inside its one statement (``windows_sql.WATCHLIST``)."""
    return WatchListHit.objects.filter(
        role=ROLE_CUSTOMER, party_id=customer_id, alert__source=SOURCE,
        alert__state__in=(OPEN, ESCALATED),
    ).exists()  # fmt: skip
