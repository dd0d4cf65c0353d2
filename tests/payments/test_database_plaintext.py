"""A bound card's number, holder name and reserved mobile are not in the database in plain
text; the last four digits and the BIN are, by design."""

from django.db import connection

from hujin.payments.models import Card
from tests.payments.conftest import MOBILE, card_number


def test_the_card_row_holds_no_number_name_or_mobile_in_plain_text(customer, bound_card):
    bound_card()

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Card._meta.db_table}")
        row = " ".join(str(value) for value in cursor.fetchone())

    number = card_number()
    assert number not in row and "张三" not in row and MOBILE not in row
    assert number[-4:] in row and number[:6] in row
