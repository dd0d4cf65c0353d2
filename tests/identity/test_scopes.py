import pytest

from hujin.identity import scopes
from hujin.identity.scopes import scope_catalogue, scope_is_known, scope_register


@pytest.fixture
def isolated_catalogue(monkeypatch):
    monkeypatch.setattr(scopes, "_catalogue", dict(scopes._catalogue))


class TestScopeCatalogue:
    def test_holds_the_ledger_scopes(self):
        names = [s.name for s in scope_catalogue()]

        assert "ledger:read" in names and "ledger:write" in names
        assert names == sorted(names)

    def test_a_module_can_register_its_own(self, isolated_catalogue):
        scope_register(name="payments:write", description="Move money")

        assert scope_is_known("payments:write")
        assert "payments:write" in [s.name for s in scope_catalogue()]

    def test_refuses_a_name_registered_twice(self, isolated_catalogue):
        with pytest.raises(ValueError, match="already registered"):
            scope_register(name="ledger:read", description="again")

    @pytest.mark.parametrize("name", ["ledger", ":read", "ledger:", "ledger: read", " a:b"])
    def test_refuses_a_name_not_shaped_module_colon_access(self, isolated_catalogue, name):
        with pytest.raises(ValueError):
            scope_register(name=name, description="bad")
