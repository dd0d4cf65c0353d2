"""Masked personal data, as every page, export and log shows it (JR/T 0171-2020)."""

import pytest

from hujin.core.masking import mask


@pytest.mark.parametrize(
    ("kind", "value", "masked"),
    [
        # The examples.
        ("name", "张三", "张*"),
        ("mobile", "13812345678", "138****5678"),
        ("document", "11010519491231002X", "110105********002X"),
        # More names and mobiles.
        ("name", "欧阳娜娜", "欧***"),
        ("name", "  李四 ", "李*"),
        ("name", "王", "王*"),
        ("mobile", "+8613812345678", "138****5678"),
        ("mobile", "138 1234 5678", "138****5678"),
        # Documents: 18-character IDs, 15-digit legacy IDs, short permits.
        ("document", "11010519491231002x", "110105********002X"),
        ("document", "110105491231002", "110105*****1002"),
        ("document", "H12345678", "H1*****78"),
        # Bank cards, e-mail, address.
        ("bank_card", "6222021234567890123", "622202*********0123"),
        ("bank_card", "6222 0212 3456 7890", "622202******7890"),
        ("email", "zhangsan@example.com", "z*******@example.com"),
        ("address", "北京市朝阳区建国路88号", "北京市朝阳区****"),
    ],
)
def test_masks(kind, value, masked):
    assert mask(kind, value) == masked


@pytest.mark.parametrize("kind", ["name", "mobile", "document", "bank_card", "email", "address"])
def test_nothing_to_mask_stays_empty(kind):
    assert mask(kind, "") == ""
    assert mask(kind, None) == ""


def test_a_document_number_hides_the_birth_date_and_sequence():
    masked = mask("document", "11010519491231002X")
    assert "19491231" not in masked
    assert len(masked) == 18


def test_a_bank_card_hides_the_account_digits():
    assert "123456789" not in mask("bank_card", "6222021234567890123")


def test_an_unknown_kind_is_a_programming_error():
    with pytest.raises(KeyError):
        mask("shoe_size", "42")
