"""The personal-data registry (hujin.core.personal_data) and the parts the modules register."""

import pytest

from hujin.core import personal_data as registry


@pytest.fixture
def empty_registry(monkeypatch):
    monkeypatch.setattr(registry, "_parts", {})
    monkeypatch.setattr(registry, "_withdrawal_guards", {})


def export(user_id):
    return {}


def anonymise(*, user_id, actor, now):
    return None


class TestRegisterPersonalData:
    def test_parts_are_listed_by_name(self, empty_registry):
        registry.register_personal_data("zeta", export=export, anonymise=anonymise)
        registry.register_personal_data(name="alpha", export=export, anonymise=anonymise)

        assert [p.name for p in registry.personal_data_parts()] == ["alpha", "zeta"]

    def test_registering_the_same_part_again_is_harmless(self, empty_registry):
        registry.register_personal_data("loans", export=export, anonymise=anonymise)
        registry.register_personal_data("loans", export=export, anonymise=anonymise)

        assert len(registry.personal_data_parts()) == 1

    def test_a_second_module_claiming_a_name_is_refused(self, empty_registry):
        registry.register_personal_data("loans", export=export, anonymise=anonymise)

        with pytest.raises(ValueError, match="already registered"):
            registry.register_personal_data("loans", export=lambda u: {}, anonymise=anonymise)

    def test_a_name_must_be_an_identifier(self, empty_registry):
        with pytest.raises(ValueError):
            registry.register_personal_data("my data!", export=export, anonymise=anonymise)

    def test_identity_suitability_and_privacy_are_registered(self):
        names = {p.name for p in registry.personal_data_parts()}

        assert {"identity", "suitability", "privacy"} <= names
        assert all(p.retention for p in registry.personal_data_parts() if p.name in names)


class TestEachModuleRegistersItsOwnPart:
    @pytest.mark.parametrize("name", ["customers", "identity", "privacy", "suitability"])
    def test_the_part_is_the_modules_own_code(self, name):
        (part,) = [p for p in registry.personal_data_parts() if p.name == name]

        assert part.export.__module__ == f"hujin.{name}.personal_data"
        assert part.anonymise.__module__ == f"hujin.{name}.personal_data"
        assert part.retention


def test_withdrawal_guards_are_kept_per_kind(empty_registry):
    def guard(*, user_id):
        return None

    registry.register_withdrawal_guard("service_agreement", guard)
    registry.register_withdrawal_guard("service_agreement", guard)

    assert registry.withdrawal_guards("service_agreement") == (guard,)
    assert registry.withdrawal_guards("privacy_policy") == ()
