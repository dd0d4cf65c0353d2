"""The database holds no test document number, mobile or legal name in plain text."""

from pathlib import Path

import pytest
from django.db import connection

from hujin.core.actors import SYSTEM
from hujin.customers.models import Customer
from hujin.customers.services import kyb_submit, kyc_submit
from hujin.customers.services.wallet import wallet_open_if_ready
from tests.customers.conftest import actor_for, resident_id, uscc

pytestmark = pytest.mark.django_db(transaction=True)

PERSON_ID = resident_id("230102", "19770707", "864")
PERMIT = resident_id("810000", "19810808", "246")
REP_ID = resident_id("230102", "19660606", "975")
MOBILES = ["+8613512349876", "+8615887654321"]
NAMES = ["褚十四", "Zhang Plaintextcheck"]
MARKER = "scan-marker-7c1f0e"


def _plaintexts() -> list[bytes]:
    values = [
        PERSON_ID,
        PERMIT,
        REP_ID,
        *MOBILES,
        *(m.removeprefix("+86") for m in MOBILES),
        *NAMES,
    ]
    return [v.encode() for v in values]


def _populate(make_customer_user, now) -> None:
    people = [make_customer_user(m) for m in MOBILES]
    kyc_submit(
        user_id=people[0].pk,
        document_type="resident_id",
        document_number=PERSON_ID,
        legal_name=NAMES[0],
        actor=actor_for(people[0]),
        now=now,
    )
    kyb_submit(
        user_id=people[1].pk,
        uscc=uscc(),
        company_name="示例公司",
        representative_name=NAMES[1],
        representative_document_type="hmt_residence_permit",
        representative_document_number=PERMIT,
        operator_document_numbers=[PERSON_ID],
        actor=actor_for(people[1]),
        now=now,
    )
    customer = Customer.objects.get(user=people[0])
    wallet_open_if_ready(customer_id=customer.id, actor=SYSTEM, now=now)


def _sqlite_bytes() -> bytes:
    path = Path(connection.settings_dict["NAME"])
    connection.close()  # flush: every page is written to the file (and its -wal, if any)
    chunks = [path.read_bytes()]
    for suffix in ("-wal", "-journal"):
        extra = path.with_name(path.name + suffix)
        if extra.exists():
            chunks.append(extra.read_bytes())
    return b"".join(chunks)


def _postgres_text() -> bytes:
    """Every column of every table, cast to text: what a dump would contain."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            quoted = connection.ops.quote_name(table)
            cursor.execute(f"SELECT t::text FROM {quoted} AS t")  # table names from the catalogue
            rows.extend(r[0] for r in cursor.fetchall())
    return "\n".join(rows).encode()


def test_no_plaintext_personal_data_in_the_database(
    make_customer_user, now, simulated_provider, consents
):
    consents.outstanding = []
    _populate(make_customer_user, now)
    # A plain column with a marker proves the scan sees stored text at all.
    Customer.objects.filter(user__mobile_index__gt="").update(status_reason=MARKER)

    stored = _sqlite_bytes() if connection.vendor == "sqlite" else _postgres_text()

    assert MARKER.encode() in stored
    found = [value.decode() for value in _plaintexts() if value in stored]
    assert found == [], "plaintext personal data in the database"
