"""``hujin risk lists import`` and ``hujin risk lists screen``; the ``watchlist.hit`` a
customer's movements are screened with."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from hujin.risk.lists_selectors import customer_watchlist_hit
from hujin.risk.models import Alert
from hujin.risk.models_lists import WatchListVersion
from tests.risk.lists_helpers import DATA, verified_customer

pytestmark = pytest.mark.django_db
UN_FILE = str(DATA / "sample_un_list.xml")


def _run(*args) -> str:
    out = io.StringIO()
    call_command("risk", *args, stdout=out)
    return out.getvalue()


class TestCommand:
    def test_import_then_screens_and_reports(self, now, settings):
        customer = verified_customer("张伟", now=now, settings=settings)

        out = _run("lists", "import", "--list", "un_consolidated", "--format", "un_xml", UN_FILE)

        assert "un_consolidated v1: 4 entries, sha256 " in out
        assert "1 customers screened, 1 hits, 1 new alerts" in out
        version = WatchListVersion.objects.get()
        assert version.imported_by_label == "hujin risk lists" and version.screened == 1
        assert customer_watchlist_hit(customer_id=customer)

    def test_the_same_file_again_fails_with_the_reason(self):
        _run("lists", "import", "--list", "un_consolidated", "--format", "un_xml", UN_FILE)

        with pytest.raises(CommandError, match="current version already"):
            _run("lists", "import", "--list", "un_consolidated", "--format", "un_xml", UN_FILE)

    def test_a_missing_or_malformed_file_fails(self, tmp_path):
        with pytest.raises(CommandError):
            _run("lists", "import", "--list", "x", "--format", "csv", str(tmp_path / "none.csv"))
        bad = tmp_path / "bad.csv"
        bad.write_text("reference,name\n")
        with pytest.raises(CommandError, match="columns"):
            _run("lists", "import", "--list", "x", "--format", "csv", str(bad))

    def test_screen_rescreens_everyone_against_every_current_list(self, now, settings):
        _run("lists", "import", "--list", "un_consolidated", "--format", "un_xml", UN_FILE)
        customer = verified_customer("张伟", now=now, settings=settings)  # screened at onboarding
        Alert.objects.filter(customer_id=customer).update(state="dismissed")

        out = _run("lists", "screen")

        assert "un_consolidated v1: 1 customers screened, 1 hits, 0 new alerts" in out
        assert not customer_watchlist_hit(customer_id=customer)
