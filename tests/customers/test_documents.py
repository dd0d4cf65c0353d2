"""Identity documents and USCC: a table of valid and invalid numbers of each type."""

from datetime import date

import pytest
from stdnum.cn import ric as stdnum_ric
from stdnum.cn import uscc as stdnum_uscc

from hujin.customers import documents
from hujin.customers.documents import (
    FOREIGN_PERMANENT,
    HMT_PERMIT,
    RESIDENT_ID,
    DocumentInvalid,
    person_document_parse,
    uscc_parse,
)
from tests.customers.conftest import foreign_2023, resident_id, uscc

TODAY = date(2025, 3, 14)


def _with_wrong_check(number: str) -> str:
    wrong = "0" if number[-1] != "0" else "1"
    return number[:-1] + wrong


def _reason(document_type: str, number: str) -> str:
    with pytest.raises(DocumentInvalid) as caught:
        person_document_parse(document_type, number, today=TODAY)
    return caught.value.reason


VALID_PERSONS = [
    (RESIDENT_ID, "11010519491231002X", date(1949, 12, 31)),  # the GB 11643 example
    (RESIDENT_ID, resident_id("440305", "19900101", "123"), date(1990, 1, 1)),
    (RESIDENT_ID, resident_id("650102", "20000229", "001"), date(2000, 2, 29)),
    (RESIDENT_ID, resident_id("110105", "20070314", "002"), date(2007, 3, 14)),  # 18 today
    (HMT_PERMIT, resident_id("810000", "19800101", "018"), date(1980, 1, 1)),
    (HMT_PERMIT, resident_id("820000", "19751120", "022"), date(1975, 11, 20)),
    (HMT_PERMIT, resident_id("830000", "19660707", "031"), date(1966, 7, 7)),
    (FOREIGN_PERMANENT, foreign_2023(), date(1985, 6, 15)),
    (FOREIGN_PERMANENT, foreign_2023("31", "392", "19700102", "001"), date(1970, 1, 2)),
    (FOREIGN_PERMANENT, "USA118506151234", date(1985, 6, 15)),
    (FOREIGN_PERMANENT, "gbr 31 000101 0012", date(2000, 1, 1)),
]


@pytest.mark.parametrize(("document_type", "number", "birth"), VALID_PERSONS)
def test_accepts_valid_person_documents_and_reads_the_birth_date(document_type, number, birth):
    parsed = person_document_parse(document_type, number, today=TODAY)

    assert parsed.birth_date == birth
    assert parsed.number == documents.normalise(number)
    assert parsed.document_type == document_type


@pytest.mark.parametrize("number", [n for t, n, _ in VALID_PERSONS if t == RESIDENT_ID])
def test_valid_mainland_ids_agree_with_python_stdnum(number):
    assert stdnum_ric.is_valid(number)


def test_input_is_normalised_spaces_hyphens_case_and_full_width():
    parsed = person_document_parse(RESIDENT_ID, " 110105-19491231 002ｘ ", today=TODAY)

    assert parsed.number == "11010519491231002X"


INVALID_PERSONS = [
    (RESIDENT_ID, _with_wrong_check("11010519491231002X"), "checksum"),
    (RESIDENT_ID, "110105491231002", "legacy_15_digit"),
    (RESIDENT_ID, "1101051949123100", "length"),
    (RESIDENT_ID, "11010519491231A02X", "format"),
    (RESIDENT_ID, resident_id("000105", "19900101"), "region_unknown"),
    (RESIDENT_ID, resident_id("390105", "19900101"), "region_unknown"),
    (RESIDENT_ID, resident_id("710105", "19900101"), "region_unknown"),  # not on the shipped table
    (RESIDENT_ID, resident_id("110105", "19900230"), "birth_date_invalid"),
    (RESIDENT_ID, resident_id("110105", "19891301"), "birth_date_invalid"),
    (RESIDENT_ID, resident_id("110105", "18991231"), "birth_date_implausible"),
    (RESIDENT_ID, resident_id("110105", "20300101"), "birth_date_implausible"),
    (RESIDENT_ID, resident_id("110105", "20070315"), "under_age"),
    (RESIDENT_ID, resident_id("810000", "19800101"), "wrong_document_type"),
    (RESIDENT_ID, foreign_2023(), "wrong_document_type"),
    (HMT_PERMIT, resident_id("110105", "19800101"), "region_unknown"),
    (HMT_PERMIT, resident_id("840000", "19800101"), "region_unknown"),
    (HMT_PERMIT, _with_wrong_check(resident_id("810000", "19800101")), "checksum"),
    (HMT_PERMIT, resident_id("830000", "20100101"), "under_age"),
    (FOREIGN_PERMANENT, resident_id("110105", "19800101"), "format"),
    (FOREIGN_PERMANENT, foreign_2023(province="99"), "region_unknown"),
    (FOREIGN_PERMANENT, foreign_2023(nationality="156"), "nationality_unknown"),
    (FOREIGN_PERMANENT, foreign_2023(nationality="000"), "nationality_unknown"),
    (FOREIGN_PERMANENT, _with_wrong_check(foreign_2023()), "checksum"),
    (FOREIGN_PERMANENT, foreign_2023(birth="19850230"), "birth_date_invalid"),
    (FOREIGN_PERMANENT, "US1118506151234", "format"),
    (FOREIGN_PERMANENT, "USA1185061512X4", "format"),
    (FOREIGN_PERMANENT, "USA998506151234", "region_unknown"),
    (FOREIGN_PERMANENT, "USA118502301234", "birth_date_invalid"),
    (FOREIGN_PERMANENT, "USA111001011234", "under_age"),  # born 2010
    (FOREIGN_PERMANENT, "USA1185061512", "length"),
    ("passport", "E12345678", "document_type_unknown"),
]


@pytest.mark.parametrize(("document_type", "number", "reason"), INVALID_PERSONS)
def test_refuses_invalid_person_documents_with_a_reason(document_type, number, reason):
    assert _reason(document_type, number) == reason


def test_two_digit_year_of_the_2017_card_takes_the_latest_century_not_in_the_future():
    parsed = person_document_parse(FOREIGN_PERMANENT, "DEU112504011234", today=TODAY)

    assert parsed.birth_date == date(1925, 4, 1)  # 2025-04-01 would be in the future


@pytest.mark.parametrize(
    ("birth", "today", "age"),
    [
        (date(2000, 2, 29), date(2018, 2, 28), 17),
        (date(2000, 2, 29), date(2018, 3, 1), 18),
        (date(2007, 3, 14), date(2025, 3, 14), 18),
        (date(2007, 3, 15), date(2025, 3, 14), 17),
    ],
)
def test_age_counts_full_years(birth, today, age):
    assert documents.age_on(birth, today) == age


VALID_USCC = [
    "91110000600037341L",  # python-stdnum's own example
    uscc("9", "1", "110000", "60003734"),
    uscc("9", "2", "440300", "MA5F1234"),
    uscc("1", "2", "100000", "40000711"),  # national-level public institution
    uscc("5", "3", "310000", "50000049"),
    uscc("A", "1", "110000", "MB1234560"[:8]),  # military unit: authority A
    uscc("N", "2", "510100", "MC1K2J3L"),  # rural collective: authority N
    uscc("Y", "1", "330100", "MD9876T5"),  # other authorities: Y
]


@pytest.mark.parametrize("number", VALID_USCC)
def test_accepts_valid_unified_social_credit_codes(number):
    assert uscc_parse(number).number == number


@pytest.mark.parametrize("number", [n for n in VALID_USCC if n[0].isdigit()])
def test_valid_numeric_authority_codes_agree_with_python_stdnum(number):
    assert stdnum_uscc.is_valid(number)


@pytest.mark.parametrize("number", [n for n in VALID_USCC if n[0] in "ANY"])
def test_authority_codes_a_n_y_are_accepted_although_python_stdnum_refuses_them(number):
    assert uscc_parse(number).number == number
    assert not stdnum_uscc.is_valid(number)


INVALID_USCC = [
    (_with_wrong_check("91110000600037341L"), "checksum"),
    ("9111000060003734", "length"),
    ("91110000600037341I", "format"),  # I is not in the alphabet
    ("91110000600O37341L", "format"),
    (uscc("B", "1"), "authority_unknown"),
    (uscc("0", "1"), "authority_unknown"),
    (uscc("9", "5"), "kind_unknown"),  # 工商 issues kinds 1-3 only
    (uscc("Y", "2"), "kind_unknown"),
    (uscc("9", "1", "990000"), "region_unknown"),
    (uscc("9", "1", "11A000"), "format"),
]


@pytest.mark.parametrize(("number", "reason"), INVALID_USCC)
def test_refuses_invalid_unified_social_credit_codes(number, reason):
    with pytest.raises(DocumentInvalid) as caught:
        uscc_parse(number)
    assert caught.value.reason == reason


def test_refuses_a_uscc_whose_organisation_code_check_is_wrong():
    body = "911100006000373" + "40"  # organisation code 60003734-0: its check should be 1
    number = body + documents.uscc_check(body)

    with pytest.raises(DocumentInvalid) as caught:
        uscc_parse(number)
    assert caught.value.reason == "organisation_code_checksum"
