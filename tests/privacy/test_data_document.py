"""The readable "my data" document is laid out from the export's dict alone: known parts in their
sections, values typed for the page, and whatever else a module exports still shown."""

from datetime import date, datetime

import pytest
from django.utils import translation

from hujin.privacy.data_document import data_document

EXPORT = {
    "format": "hujin.personal-data.v1",
    "generated_at": "2026-12-06T11:00:00+00:00",
    "user_id": "u-1",
    "parts": {
        "identity": {"mobile": "+8613912345678", "last_login": "2026-12-06T10:00:00+00:00",
                     "two_step_verification": False, "sessions": [], "security_events": []},
        "customers": {
            "customer": {"status": "frozen", "kyc_status": "verified", "type": "individual"},
            "verification_applications": [
                {"document_type": "resident_id", "birth_date": "1992-02-02", "status": "verified"}
            ],
            "accounts": [{"code": "2001.wallet", "currency": "CNY", "balance_minor": 123450}],
        },
        "suitability": {"assessments": []},
        "privacy": {"consents": [], "requests": []},
        "loyalty": {"points": 120, "tier_history": [{"tier": "gold", "since": "2026-01-01"}]},
    },
}  # fmt: skip


def section(doc, key):
    return next(s for s in doc.sections if s.key == key)


@pytest.fixture(autouse=True)
def _english():
    """Labels in English unless a test asks otherwise (pages leave a language active)."""
    with translation.override("en"):
        yield


def test_the_profile_holds_identity_and_the_customer_with_typed_values():
    doc = data_document(EXPORT)

    rows = {row.label: row.value for row in section(doc, "profile").fields}
    assert rows["Mobile number"].value == "+8613912345678"
    assert rows["Last log-in"].kind == "moment"
    assert isinstance(rows["Last log-in"].value, datetime)
    assert rows["Two-step verification"].kind == "no"
    assert (rows["Status"].kind, rows["Status"].value) == ("status", "frozen")
    assert rows["Customer type"].value == "Individual"
    assert doc.generated_at == datetime.fromisoformat("2026-12-06T11:00:00+00:00")


def test_verification_rows_carry_days_and_document_names():
    (table,) = section(data_document(EXPORT), "verification").tables

    assert table.columns == ["Document type", "Date of birth", "Status"]
    document_type, birth_date, status = table.rows[0]
    assert document_type.value == "Mainland resident identity card"
    assert (birth_date.kind, birth_date.value) == ("day", date(1992, 2, 2))
    assert status.kind == "status"


def test_accounts_and_balances_get_their_section_with_money():
    accounts = section(data_document(EXPORT), "accounts")

    assert accounts.title == "Accounts and balances"
    balance = accounts.tables[0].rows[0][2]
    assert (balance.kind, balance.value, balance.label) == ("money", 123450, "CNY")


def test_a_part_no_section_knows_is_still_shown():
    loyalty = section(data_document(EXPORT), "part-loyalty")

    assert [(r.label, r.value.value) for r in loyalty.fields] == [("Points", 120)]
    assert loyalty.tables[0].columns == ["Tier", "Since"]


def test_empty_sections_say_so_and_labels_follow_the_language():
    with translation.override("zh-hans"):
        doc = data_document(EXPORT)

    assert section(doc, "sessions").empty and section(doc, "sessions").title == "登录设备"
