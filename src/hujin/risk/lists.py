"""Importing a sanctions or watch list's file as a new version of the list.

``watchlist_import`` reads the whole file first (``watchlists.un_list_read`` or
``csv_list_read``): a file that cannot be read raises ``WatchlistInvalid`` and nothing is
written. Then, in one transaction: the list is created on its first import and locked, a file
with the SHA-256 of the list's current version is refused (``WatchlistUnchanged``), the current
version becomes ``superseded``, the new one and its entries are written, with an audit entry and
a ``risk.watchlist_imported`` event. Once that commits, every customer is screened against the
new version by a task (``hujin.risk.tasks_lists``), not in the request.
"""

import hashlib
import logging
import re
import uuid
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext as _

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.errors import PermissionDenied
from hujin.core.events import event_emit
from hujin.risk.errors import WatchlistInvalid, WatchlistUnchanged
from hujin.risk.events import WATCHLIST_IMPORTED
from hujin.risk.models_lists import (
    CURRENT,
    FORMATS,
    LIST_KINDS,
    SUPERSEDED,
    WatchList,
    WatchListEntry,
    WatchListVersion,
)
from hujin.risk.permissions import WORK_ALERTS
from hujin.risk.watchlists import UN_LIST, csv_list_read, un_list_read

logger = logging.getLogger(__name__)

LIST_CODE = re.compile(r"[a-z0-9][a-z0-9_.-]{0,63}")
FILE_MAX_BYTES = 50 * 1024 * 1024  # the UN consolidated list is about 2 MB
DEFAULT_NAMES = {UN_LIST: "UN Security Council consolidated list"}


@dataclass(frozen=True, slots=True)
class ImportedVersion:
    version_id: uuid.UUID
    list_code: str
    number: int
    entry_count: int
    sha256: str
    superseded_version_id: uuid.UUID | None


def _read(content: bytes, fmt: str, list_code: str):
    if fmt == "un_xml":
        return un_list_read(content, list_name=list_code)
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise WatchlistInvalid(_("The file is not UTF-8 text.")) from None
    return csv_list_read(text, list_name=list_code)


def _checked(*, list_code: str, kind: str, fmt: str, file_name: str, content: bytes) -> None:
    if not LIST_CODE.fullmatch(list_code or ""):
        raise WatchlistInvalid(
            _("A list's code is 1 to 64 lower-case letters, digits, '_', '.' or '-'."),
            details={"field": "list_code"},
        )
    if kind not in LIST_KINDS:
        raise WatchlistInvalid(
            _("The kind is one of %(kinds)s.") % {"kinds": ", ".join(LIST_KINDS)},
            details={"field": "kind"},
        )
    if fmt not in FORMATS:
        raise WatchlistInvalid(
            _("The format is one of %(formats)s.") % {"formats": ", ".join(FORMATS)},
            details={"field": "format"},
        )
    if not content:
        raise WatchlistInvalid(_("The file is empty."), details={"field": "file"})
    if len(content) > FILE_MAX_BYTES:
        raise WatchlistInvalid(_("The file is larger than 50 MB."), details={"field": "file"})
    if len(file_name or "") > 255:
        raise WatchlistInvalid(_("The file's name is longer than 255 characters."),
                               details={"field": "file"})  # fmt: skip


def _list_locked(*, code: str, kind: str, name: str, now: datetime) -> WatchList:
    """The list, created on its first import, locked for this import (two imports of one list
    are numbered one after the other)."""
    WatchList.objects.get_or_create(
        code=code, defaults={"kind": kind, "name": name or DEFAULT_NAMES.get(code, code),
                             "created_at": now},
    )  # fmt: skip
    watchlist = WatchList.objects.select_for_update().get(code=code)
    if watchlist.kind != kind:
        raise WatchlistInvalid(
            _("The list %(code)s is a %(kind)s list, not %(wanted)s.")
            % {"code": code, "kind": watchlist.kind, "wanted": kind},
            details={"field": "kind"},
        )
    return watchlist


def watchlist_import(
    *, actor: Actor, list_code: str, kind: str, file_name: str, content: bytes, fmt: str,
    now: datetime, name: str = "", queue_screening: bool = True,
) -> ImportedVersion:  # fmt: skip
    """Import ``content`` (``fmt``: ``un_xml`` | ``csv``) as the next version of the list
    ``list_code`` (created as ``kind`` with ``name`` on its first import); needs
    ``risk.work_alerts``. Raises PermissionDenied, WatchlistInvalid (a malformed file, a bad
    code, kind or format; nothing written), WatchlistUnchanged (the current version's file
    again; nothing written). Every customer is screened against the new version by a task
    queued after the commit (``queue_screening=False``: the caller screens, as the command
    does)."""
    if not actor.has_scope(WORK_ALERTS):
        raise PermissionDenied(details={"required_permission": WORK_ALERTS})
    _checked(list_code=list_code, kind=kind, fmt=fmt, file_name=file_name, content=content)
    entries = _read(content, fmt, list_code)
    if not entries:
        raise WatchlistInvalid(_("The file lists nobody."), details={"field": "file"})
    seen: set[str] = set()
    for entry in entries:
        if entry.reference in seen:
            raise WatchlistInvalid(
                _("The reference %(reference)s appears twice.") % {"reference": entry.reference},
                details={"field": "file"},
            )
        if len(entry.reference) > 64:
            raise WatchlistInvalid(
                _("The reference %(reference)s is too long.") % {"reference": entry.reference[:70]},
                details={"field": "file"},
            )
        seen.add(entry.reference)
    sha256 = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        watchlist = _list_locked(code=list_code, kind=kind, name=name.strip()[:200], now=now)
        current = watchlist.versions.filter(state=CURRENT).first()
        if current is not None and current.sha256 == sha256:
            raise WatchlistUnchanged(details={"list": list_code, "version": current.number,
                                              "sha256": sha256})  # fmt: skip
        last = watchlist.versions.order_by("-number").values_list("number", flat=True).first()
        if current is not None:
            current.state, current.superseded_at = SUPERSEDED, now
            current.save(update_fields=["state", "superseded_at"])
        version = WatchListVersion.objects.create(
            watchlist=watchlist, number=(last or 0) + 1, format=fmt,
            file_name=(file_name or "")[:255], sha256=sha256, entry_count=len(entries),
            state=CURRENT, imported_at=now,
            imported_by=uuid.UUID(actor.id) if actor.kind == "staff" else None,
            imported_by_label=(actor.label or str(actor.id))[:150],
        )  # fmt: skip
        WatchListEntry.objects.bulk_create(
            [WatchListEntry(
                version=version, reference=e.reference, names=list(e.names),
                birth_dates=[d.isoformat() for d in e.birth_dates],
                birth_years=list(e.birth_years), nationalities=list(e.nationalities),
            ) for e in entries],
            batch_size=1000,
        )  # fmt: skip
        audit_record(
            actor=actor, action="risk.watchlist_import", target_type="risk.watchlist_version",
            target_id=str(version.id), occurred_at=now,
            before={"version": current.number, "sha256": current.sha256} if current else None,
            after={"list": list_code, "version": version.number, "file_name": version.file_name,
                   "sha256": sha256, "entries": len(entries)},
        )  # fmt: skip
        event_emit(
            aggregate_type="risk.watchlist", aggregate_id=str(watchlist.id),
            event_type=WATCHLIST_IMPORTED, occurred_at=now,
            payload={"version_id": str(version.id), "list": list_code, "kind": kind,
                     "number": version.number, "entry_count": len(entries), "sha256": sha256,
                     "superseded_version_id": str(current.id) if current else ""},
        )  # fmt: skip
        if queue_screening:
            transaction.on_commit(lambda: screen_request(version.id))
    return ImportedVersion(
        version_id=version.id, list_code=list_code, number=version.number,
        entry_count=len(entries), sha256=sha256,
        superseded_version_id=current.id if current else None,
    )  # fmt: skip


def screen_request(version_id: uuid.UUID) -> None:
    """Queue the screening of every customer against a version (at once when the queue runs
    tasks immediately). A queue that is down is logged: the periodic task
    ``watchlist_screen_pending`` screens every current version not screened yet."""
    from hujin.risk.tasks_lists import watchlist_screen_task

    try:
        watchlist_screen_task(str(version_id))
    except Exception:
        # The import has committed; a queue outage (Redis down, a queue file locked...) must not
        # turn it into an error. watchlist_screen_pending screens the version within minutes.
        logger.warning("could not queue the screening of list version %s; the periodic task "
                       "will run it", version_id)  # fmt: skip
