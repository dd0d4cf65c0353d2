"""A case's files: taken by their content (PDF, PNG, JPEG, CSV, plain text), never by their
name, at most 10 MB, kept encrypted with their SHA-256; read back by who may see risk, every
download audited; a refused file changes nothing."""

import base64
import hashlib

import pytest

from hujin.core import crypto
from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied
from hujin.core.models import AuditEntry
from hujin.risk.cases import case_open
from hujin.risk.cases_attachments import MAX_BYTES, case_attachment_add, case_attachment_read
from hujin.risk.errors import AttachmentRefused, CaseNotFound
from hujin.risk.models_cases import CaseAttachment, CaseEntry
from hujin.risk.permissions import VIEW_RISK
from tests.payments.conftest import make_customer  # noqa: F401 -- a fixture
from tests.risk.cases_helpers import (
    CSV,
    JPEG,
    PDF,
    PNG,
    actor_of,
    analyst_made,
    customer_made,
    stored_content,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst(db):
    return analyst_made()


@pytest.fixture
def customer_id(make_customer):  # noqa: F811
    return customer_made(make_customer)


@pytest.fixture
def case(analyst, customer_id, now):
    return case_open(actor=actor_of(analyst), customer_id=customer_id, title="files", now=now)


@pytest.mark.parametrize("name, content, kind", [
    ("statement.pdf", PDF, "application/pdf"),
    ("screen.PNG", PNG, "image/png"),
    ("photo.jpeg", JPEG, "image/jpeg"),
    ("rows.csv", CSV, "text/csv"),
    ("notes.txt", "银行回函：账户正常。\n".encode(), "text/plain"),
])  # fmt: skip
def test_takes_each_type_by_its_content_and_keeps_it_encrypted(analyst, case, now, name, content,
                                                               kind):  # fmt: skip
    kept = case_attachment_add(actor=actor_of(analyst), case_id=case.id, file_name=name,
                               content=content, now=now)  # fmt: skip

    assert (kept.content_type, kept.size_bytes) == (kind, len(content))
    assert kept.sha256 == hashlib.sha256(content).hexdigest()
    stored = stored_content(kept.id)  # the column as the database holds it
    assert stored.startswith("v1:") and base64.b64encode(content).decode() not in stored
    assert (
        crypto.decrypt(stored, purpose="risk.caseattachment.content")
        == base64.b64encode(content).decode()
    )
    assert CaseEntry.objects.get(kind="attachment").text == name


@pytest.mark.parametrize("name, content, reason", [
    ("empty.txt", b"", "empty"),
    ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "type"),
    ("fake.pdf", PNG, "name"),
    ("page.png", PDF, "name"),
    ("archive.zip", b"PK\x03\x04" + bytes(20), "type"),
    ("big.txt", b"a" * (MAX_BYTES + 1), "too_large"),
])  # fmt: skip
def test_refuses_a_file_it_does_not_take_and_changes_nothing(analyst, case, now, name, content,
                                                              reason):  # fmt: skip
    audits = AuditEntry.objects.count()
    with pytest.raises(AttachmentRefused) as raised:
        case_attachment_add(actor=actor_of(analyst), case_id=case.id, file_name=name,
                            content=content, now=now)  # fmt: skip

    assert raised.value.details["reason"] == reason
    assert CaseAttachment.objects.count() == 0 and AuditEntry.objects.count() == audits


def test_a_path_in_the_name_is_dropped(analyst, case, now):
    kept = case_attachment_add(actor=actor_of(analyst), case_id=case.id,
                               file_name="../../etc/rows.csv", content=CSV, now=now)  # fmt: skip
    assert kept.file_name == "rows.csv"


def test_reads_the_file_back_and_audits_the_download(analyst, case, now):
    kept = case_attachment_add(actor=actor_of(analyst), case_id=case.id, file_name="s.pdf",
                               content=PDF, now=now)  # fmt: skip
    auditor = Actor(kind="staff", id="auditor", scopes=frozenset({VIEW_RISK}))

    read = case_attachment_read(actor=auditor, case_id=case.id, attachment_id=kept.id, now=now)

    assert read.content == PDF and read.content_type == "application/pdf"
    assert AuditEntry.objects.filter(action="risk.case_attachment_download").count() == 1


def test_who_may_not_see_risk_cannot_read_it_nor_a_file_of_another_case(analyst, case, now):
    kept = case_attachment_add(actor=actor_of(analyst), case_id=case.id, file_name="s.pdf",
                               content=PDF, now=now)  # fmt: skip
    with pytest.raises(PermissionDenied):
        case_attachment_read(actor=Actor(kind="staff", id="x"), case_id=case.id,
                             attachment_id=kept.id, now=now)  # fmt: skip
    with pytest.raises(CaseNotFound):
        case_attachment_read(actor=actor_of(analyst), case_id=kept.id, attachment_id=kept.id,
                             now=now)  # fmt: skip
