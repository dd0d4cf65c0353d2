"""``hujin products nav-import PRODUCT_CODE FILE``: the console's CSV import from a terminal."""

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from hujin.core.models import BusinessDate
from hujin.products.models import NavPoint
from hujin.products.services import product_create
from tests.products.factories import TODAY, fund_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def fund(maker, now):
    BusinessDate.objects.create(name="default", current_date=TODAY, updated_at=now)
    return product_create(actor=maker, draft=fund_draft(), now=now)


def test_publishes_a_file_and_says_how_many_dates(fund, tmp_path, capsys):
    path = tmp_path / "navs.csv"
    path.write_text("date,nav\n2025-03-13,1.0000\n2025-03-14,1.0100\n")

    call_command("products", "nav-import", "hj-eq-01", str(path))

    assert "2 business dates published for HJ-EQ-01" in capsys.readouterr().out
    assert NavPoint.objects.filter(product=fund).last().nav == Decimal("1.0100")


def test_a_bad_line_is_named_and_nothing_is_published(fund, tmp_path):
    path = tmp_path / "navs.csv"
    path.write_text("2025-03-12,1.0000\n2025-03-14,1.0100\n")

    with pytest.raises(CommandError, match=r"line 2: .*gap"):
        call_command("products", "nav-import", "HJ-EQ-01", str(path))
    assert not NavPoint.objects.exists()


def test_a_jump_needs_confirmed(fund, tmp_path):
    path = tmp_path / "navs.csv"
    path.write_text("2025-03-13,1.0000\n2025-03-14,1.5000\n")
    with pytest.raises(CommandError, match="jump"):
        call_command("products", "nav-import", "HJ-EQ-01", str(path))
    call_command("products", "nav-import", "HJ-EQ-01", str(path), "--confirmed")
    assert NavPoint.objects.count() == 2


def test_an_unknown_code_is_refused(db, tmp_path):
    with pytest.raises(CommandError, match="no product"):
        call_command("products", "nav-import", "HJ-NOPE", str(tmp_path / "x.csv"))
