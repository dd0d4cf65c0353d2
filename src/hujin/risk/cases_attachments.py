"""A case's files: evidence about a person (a bank statement, a screenshot, a letter).

- Taken: PDF, PNG, JPEG, CSV and plain text, told by their content (the first bytes of a PDF,
  a PNG or a JPEG; UTF-8 text without control characters otherwise), never by their name; a
  name whose extension says another type is refused. At most ``MAX_BYTES`` (10 MB).
- Kept encrypted at rest: the bytes, as base64, in the project's encrypted column
  (``core.crypto.EncryptedTextField``, AES-256-GCM, the purpose binding the ciphertext to this
  column), so ``hujin keys status`` counts them and ``hujin keys rotate`` re-encrypts them with
  the other personal data; the SHA-256 of the clear bytes is kept beside it.
- Read back only by who holds ``risk.view_risk``, and every download is in the audit trail."""

from __future__ import annotations

import base64
import hashlib
import unicodedata
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.db import transaction

from hujin.core.actors import Actor, require_scope
from hujin.core.audit import audit_record
from hujin.risk.cases import TARGET, case_locked, entry_add, recorded
from hujin.risk.errors import AttachmentRefused, CaseNotFound
from hujin.risk.events import CASE_ATTACHMENT_ADDED
from hujin.risk.models_cases import CaseAttachment
from hujin.risk.permissions import VIEW_RISK, WORK_ALERTS
from hujin.risk.rulebook import person_id

MAX_BYTES = 10 * 1024 * 1024
NAME_MAX = 200
PDF, PNG, JPEG, CSV, TEXT = "application/pdf", "image/png", "image/jpeg", "text/csv", "text/plain"
EXTENSIONS = {
    PDF: {".pdf"},
    PNG: {".png"},
    JPEG: {".jpg", ".jpeg"},
    CSV: {".csv"},
    TEXT: {".txt", ".text", ".log", ""},
}
_MAGIC = ((b"%PDF-", PDF), (b"\x89PNG\r\n\x1a\n", PNG), (b"\xff\xd8\xff", JPEG))


@dataclass(frozen=True, slots=True)
class AttachmentFile:
    file_name: str
    content_type: str
    content: bytes
    sha256: str


def _is_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return not any(unicodedata.category(c) == "Cc" and c not in "\t\n\r\f" for c in text)


def content_type_of(content: bytes, file_name: str) -> str:
    """The type ``content`` is (its name only tells CSV from plain text), or AttachmentRefused
    (``type``: none of the types taken; ``name``: the name says another type)."""
    found = next((kind for magic, kind in _MAGIC if content.startswith(magic)), None)
    suffix = PurePath(file_name).suffix.lower()
    if found is None:
        if not _is_text(content):
            raise AttachmentRefused(details={"reason": "type"})
        found = CSV if suffix == ".csv" else TEXT
    if suffix not in EXTENSIONS[found]:
        raise AttachmentRefused(details={"reason": "name", "content_type": found})
    return found


def _clean_name(file_name) -> str:
    name = PurePath(str(file_name or "").replace("\\", "/")).name.strip()
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    return name[-NAME_MAX:] or "file.txt"


def case_attachment_add(*, actor: Actor, case_id, file_name: str, content: bytes,
                        now: datetime) -> CaseAttachment:  # fmt: skip
    """Attach a file to the open case: checked by its content, at most 10 MB, kept encrypted
    with its SHA-256. Raises PermissionDenied, AttachmentRefused (``empty``, ``too_large``,
    ``type``, ``name``), CaseNotFound, CaseStateInvalid (closed)."""
    require_scope(actor, WORK_ALERTS)
    content = bytes(content or b"")
    if not content:
        raise AttachmentRefused(details={"reason": "empty"})
    if len(content) > MAX_BYTES:
        raise AttachmentRefused(details={"reason": "too_large", "max_bytes": MAX_BYTES})
    name = _clean_name(file_name)
    kind = content_type_of(content, name)
    digest = hashlib.sha256(content).hexdigest()
    with transaction.atomic():
        case = case_locked(case_id)
        attachment = CaseAttachment.objects.create(
            case=case, file_name=name, content_type=kind, size_bytes=len(content),
            sha256=digest, content=base64.b64encode(content).decode(),
            uploaded_by=person_id(actor), uploaded_at=now,
        )  # fmt: skip
        entry_add(case, "attachment", actor=actor, now=now, text=name,
                  details={"attachment_id": str(attachment.id), "sha256": digest,
                           "size_bytes": len(content)})  # fmt: skip
        recorded(case, actor=actor, action="risk.case_attachment_add",
                 event_type=CASE_ATTACHMENT_ADDED, now=now,
                 after={"attachment_id": str(attachment.id), "content_type": kind,
                        "size_bytes": len(content), "sha256": digest},
                 payload={"attachment_id": str(attachment.id), "sha256": digest})  # fmt: skip
    return attachment


def case_attachment_read(*, actor: Actor, case_id, attachment_id,
                         now: datetime) -> AttachmentFile:  # fmt: skip
    """The clear bytes of one of the case's files, for who holds ``risk.view_risk``; the
    download is written to the audit trail. Raises PermissionDenied, CaseNotFound."""
    require_scope(actor, VIEW_RISK)
    try:
        attachment = CaseAttachment.objects.filter(id=attachment_id, case_id=case_id).first()
    except (ValidationError, ValueError, TypeError):
        attachment = None
    if attachment is None:
        raise CaseNotFound(details={"attachment_id": str(attachment_id)})
    content = base64.b64decode(attachment.content)
    with transaction.atomic():
        audit_record(actor=actor, action="risk.case_attachment_download", target_type=TARGET,
                     target_id=str(attachment.case_id), occurred_at=now,
                     after={"attachment_id": str(attachment.id),
                            "sha256": attachment.sha256})  # fmt: skip
    return AttachmentFile(attachment.file_name, attachment.content_type, content,
                          attachment.sha256)  # fmt: skip
