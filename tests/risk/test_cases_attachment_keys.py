"""A case's files are personal data under the project's key rotation: ``hujin keys status``
counts them and ``hujin keys rotate`` re-encrypts them, so the old key can be dropped and every
file still reads."""

from io import StringIO

import pytest
from django.core.management import call_command

from hujin.core import crypto
from hujin.risk.cases import case_open
from hujin.risk.cases_attachments import case_attachment_add, case_attachment_read
from tests.payments.conftest import make_customer  # noqa: F401 -- a fixture
from tests.risk.cases_helpers import PDF, actor_of, analyst_made, customer_made, stored_content

pytestmark = pytest.mark.django_db

OLD = f"old:{crypto.new_key_material()}"
NEW = f"new:{crypto.new_key_material()}"


@pytest.fixture
def use_keys(monkeypatch):
    def configure(spec: str):
        monkeypatch.setenv("HUJIN_DATA_KEYS", spec)
        return crypto.reload_keyring()

    yield configure
    monkeypatch.undo()
    crypto.reload_keyring()


def keys(*args) -> str:
    out = StringIO()
    call_command("keys", *args, stdout=out)
    return out.getvalue()


def test_rotating_the_keys_re_encrypts_a_case_file_which_reads_without_the_old_key(
    make_customer, now, use_keys  # noqa: F811
):  # fmt: skip
    use_keys(OLD)
    analyst = actor_of(analyst_made())
    case = case_open(actor=analyst, customer_id=customer_made(make_customer), title="t", now=now)
    kept = case_attachment_add(actor=analyst, case_id=case.id, file_name="statement.pdf",
                               content=PDF, now=now)  # fmt: skip
    assert crypto.key_id_of(stored_content(kept.id)) == "old"

    use_keys(f"{NEW},{OLD}")
    assert "risk.caseattachment.content" in keys("status")
    output = keys("rotate")

    assert "risk.caseattachment.content: 1 rows re-encrypted" in output
    assert crypto.key_id_of(stored_content(kept.id)) == "new"
    use_keys(NEW)  # the old key dropped
    read = case_attachment_read(actor=analyst, case_id=case.id, attachment_id=kept.id, now=now)
    assert read.content == PDF
