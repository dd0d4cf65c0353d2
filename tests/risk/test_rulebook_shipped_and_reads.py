"""The house's shipped rules loaded into the store (by the system only, once), and the store's
reads: the rule list, one rule's history, and what a version in shadow would have fired on."""

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import BaseCommand

from hujin.core.actors import system_actor
from hujin.core.errors import PermissionDenied
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.risk import events
from hujin.risk.commands_rules import rules_handle, rules_parser_add
from hujin.risk.errors import RuleNotFound
from hujin.risk.inforce import generation_read, rules_in_force
from hujin.risk.models import Decision, RuleVersion
from hujin.risk.selectors import rule_history, rule_list, shadow_results
from hujin.risk.services import shipped_rules_load
from hujin.risk.shipped import shipped_rules
from tests.risk.rulebook_support import MAKER, NOBODY, READER, approved, written

pytestmark = pytest.mark.django_db


class _RulesCommand(BaseCommand):
    """The ``risk`` command's ``rules`` area, as that command adds it."""

    def add_arguments(self, parser):
        rules_parser_add(parser.add_subparsers(dest="area", required=True))

    def handle(self, *args, area, action, **options):
        rules_handle(self, action, options)


SYSTEM = system_actor("risk.load-shipped")


class TestLoadingTheShippedRules:
    def test_puts_every_shipped_rule_live_as_version_1_written_by_nobody(self, now):
        load = shipped_rules_load(actor=SYSTEM, now=now)

        shipped = shipped_rules()
        assert len(load.written) == len(shipped) and load.kept == ()
        assert RuleVersion.objects.filter(state="live", number=1, written_by=None).count() == len(
            shipped
        )
        assert generation_read() == 1 and len(rules_in_force().rules) == len(shipped)
        assert AuditEntry.objects.filter(action="risk.rule_version_written").count() == len(shipped)
        assert OutboxEvent.objects.filter(event_type=events.RULE_IN_FORCE_CHANGED).count() == len(
            shipped
        )

    def test_loading_again_changes_nothing(self, now):
        shipped_rules_load(actor=SYSTEM, now=now)
        entries = AuditEntry.objects.count()

        again = shipped_rules_load(actor=SYSTEM, now=now + timedelta(days=1))

        assert again.written == () and again.generation is None
        assert AuditEntry.objects.count() == entries and generation_read() == 1

    def test_leaves_alone_a_code_an_analyst_already_wrote(self, now):
        written(now, code="SINGLE-LARGE", score=55)

        load = shipped_rules_load(actor=SYSTEM, now=now, state="shadow")

        assert load.kept == ("SINGLE-LARGE",)
        assert RuleVersion.objects.get(code="SINGLE-LARGE").score == 55
        assert {rule.mode for rule in rules_in_force().rules} == {"shadow"}

    def test_only_the_system_loads_them(self, now):
        with pytest.raises(PermissionDenied):
            shipped_rules_load(actor=MAKER, now=now)
        assert not RuleVersion.objects.exists()

    def test_the_command_loads_them_in_shadow(self):
        out = StringIO()

        call_command(_RulesCommand(), "rules", "load-shipped", "--shadow", stdout=out)

        assert RuleVersion.objects.filter(state="shadow").count() == len(shipped_rules())
        assert "in shadow" in out.getvalue()


class TestTheRuleList:
    def test_shows_each_code_with_its_live_shadow_and_waiting_versions(self, now):
        approved(written(now), "live", now)
        approved(written(now, score=45), "shadow", now)
        third = written(now, score=50)
        from hujin.risk.services import rule_version_propose

        rule_version_propose(actor=MAKER, version_id=third.id, target="shadow", reason="try",
                             now=now)  # fmt: skip
        written(now, code="DRAFT_ONLY", name_en="Only a draft")

        rows = {row.code: row for row in rule_list(actor=READER)}

        big = rows["BIG-OUT"]
        assert (big.live, big.shadow, big.waiting, big.latest) == (1, 2, ((3, "shadow"),), 3)
        assert big.score == 30  # named by the live version
        assert rows["DRAFT_ONLY"].live is None and rows["DRAFT_ONLY"].name_en == "Only a draft"

    def test_is_refused_without_view_risk(self):
        with pytest.raises(PermissionDenied):
            rule_list(actor=NOBODY)


class TestARulesHistory:
    def test_lists_the_versions_newest_first_with_the_pending_request(self, now):
        approved(written(now), "live", now)
        second = written(now, score=45)
        from hujin.risk.services import rule_version_propose

        rule_version_propose(actor=MAKER, version_id=second.id, target="live", reason="go",
                             now=now)  # fmt: skip

        history = rule_history(actor=READER, code="BIG-OUT")

        assert [v.number for v in history.versions] == [2, 1]
        assert history.live.number == 1 and history.shadow is None
        assert history.versions[0].approval_id and not history.versions[1].approval_id
        assert not history.may_edit and not history.may_approve

    def test_an_unknown_or_malformed_code_is_not_found(self):
        for code in ("NOPE_NOPE", "../x", ""):
            with pytest.raises(RuleNotFound):
                rule_history(actor=READER, code=code)


def _decision(at, *, shadow=(), fired=(), findings=()):
    return Decision.objects.create(
        event=uuid.uuid4(), kind="transfer", direction="out", amount=350_000_00, currency="CNY",
        occurred_at=at, outcome="review" if fired else "allow", shadow_fired=list(shadow),
        fired=list(fired), findings=list(findings),
    )  # fmt: skip


class TestShadowResults:
    def test_count_what_the_shadow_version_would_have_fired_on_since_it_went_there(self, now):
        approved(written(now - timedelta(days=10)), "live", now - timedelta(days=10))
        shadow = approved(written(now, score=45), "shadow", now)
        finding = {"code": "BIG-OUT", "mode": "shadow", "outcome": "review", "fired": True,
                   "failed": "", "seen": {"amount": 350_000_00, "direction": "out"}}  # fmt: skip
        _decision(now - timedelta(hours=1), shadow=["BIG-OUT@shadow"])  # before: not counted
        _decision(now + timedelta(hours=1), shadow=["BIG-OUT@shadow"], fired=["BIG-OUT"],
                  findings=[finding])  # fmt: skip
        _decision(now + timedelta(hours=2), shadow=["BIG-OUT@shadow", "OTHER@shadow"],
                  findings=[finding])  # fmt: skip
        _decision(now + timedelta(hours=3), fired=["BIG-OUT"])  # the live one only
        _decision(now + timedelta(hours=4), shadow=["BIG-OUT-2@shadow"])  # another code

        results = shadow_results(actor=READER, version_id=shadow.id)

        assert (results.decisions, results.fired, results.live_fired) == (4, 2, 1)
        assert results.since == now
        assert [e.live_fired for e in results.events] == [False, True]  # newest first
        assert results.events[0].seen == {"amount": 350_000_00, "direction": "out"}

    def test_a_version_not_in_shadow_has_none(self, now):
        version = written(now)

        results = shadow_results(actor=READER, version_id=version.id)

        assert results.since is None and results.fired == 0 and results.events == ()
