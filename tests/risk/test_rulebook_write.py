"""Writing a rule's version: a draft numbered after the last, its condition checked when it is
written, and any refusal changing nothing."""

import pytest

from hujin.core.errors import PermissionDenied
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.risk import events
from hujin.risk.errors import ExpressionInvalid, RuleInvalid
from hujin.risk.models import RuleVersion
from tests.risk.rulebook_support import MAKER, NOBODY, READER, written

pytestmark = pytest.mark.django_db


class TestWritingAVersion:
    def test_a_new_code_starts_at_version_1_as_a_draft_by_its_writer(self, now):
        version = written(now)

        assert (version.code, version.number, version.state) == ("BIG-OUT", 1, "draft")
        assert str(version.written_by) == MAKER.id and version.written_at == now
        assert version.decided_by is None and version.proposed_state == ""

    def test_the_next_version_of_a_code_is_numbered_after_the_last(self, now):
        written(now)
        second = written(now, score=40)
        other = written(now, code="OTHER_RULE")

        assert second.number == 2 and other.number == 1
        assert RuleVersion.objects.filter(code="BIG-OUT").count() == 2

    def test_keeps_the_condition_as_written_without_the_space_around_it(self, now):
        version = written(now, condition='\n  (direction == "out"\r\n   and amount > 0)  \n')

        assert version.condition == '(direction == "out"\n   and amount > 0)'

    def test_leaves_one_audit_entry_and_one_event(self, now):
        version = written(now)

        entry = AuditEntry.objects.get(action="risk.rule_version_written")
        assert entry.target_id == str(version.id) and entry.actor_id == MAKER.id
        event = OutboxEvent.objects.get(event_type=events.RULE_VERSION_WRITTEN)
        assert event.payload["code"] == "BIG-OUT" and event.payload["number"] == 1


class TestARefusedVersion:
    def test_a_misspelt_name_is_refused_with_where_and_what_was_meant(self, now):
        with pytest.raises(ExpressionInvalid) as refused:
            written(now, condition='(direction == "out" and\n custmer.age >= 70)')

        assert refused.value.details == {"line": 2, "column": 2, "name": "custmer.age"}
        assert "Did you mean 'customer.age'?" in str(refused.value.message)
        assert not RuleVersion.objects.exists() and not AuditEntry.objects.exists()

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"code": "lower"}, "code"),
            ({"code": "AB"}, "code"),
            ({"code": "HAS SPACE"}, "code"),
            ({"outcome": "freeze"}, "outcome"),
            ({"score": 101}, "score"),
            ({"score": -1}, "score"),
            ({"score": "30"}, "score"),
            ({"score": True}, "score"),
            ({"name_en": "  "}, "name_en"),
            ({"name_zh": ""}, "name_zh"),
            ({"reason_en": ""}, "reason_en"),
            ({"reason_zh": " "}, "reason_zh"),
            ({"name_en": "x" * 201}, "name_en"),
            ({"note": "x" * 501}, "note"),
        ],
    )
    def test_other_bad_input_is_refused_naming_the_field(self, now, changes, field):
        with pytest.raises(RuleInvalid) as refused:
            written(now, **changes)

        assert refused.value.details["field"] == field
        assert refused.value.code == "risk_rule_invalid" and refused.value.status == 400
        assert not RuleVersion.objects.exists() and not OutboxEvent.objects.exists()

    def test_a_reader_or_a_clerk_may_not_write(self, now):
        from hujin.risk.services import rule_version_write

        for actor in (READER, NOBODY):
            with pytest.raises(PermissionDenied):
                rule_version_write(actor=actor, code="BIG-OUT", name_en="a", name_zh="b",
                                   condition="amount > 0", outcome="alert", score=0,
                                   reason_en="c", reason_zh="d", now=now)  # fmt: skip
        assert not RuleVersion.objects.exists()
