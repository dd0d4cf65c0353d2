import pytest
from django.db import transaction
from django.urls import reverse

from hujin.core import context
from hujin.core.actors import Actor
from hujin.core.audit import audit_record

pytestmark = pytest.mark.django_db

OFFICER = Actor(kind="staff", id="42", label="li.officer")


def write(now, *, action="customers.freeze", target_id="c-1", after=None, request_id=""):
    token = context.bind(context.RequestContext(request_id=request_id, ip="198.51.100.7"))
    try:
        with transaction.atomic():
            return audit_record(
                actor=OFFICER, action=action, target_type="customers.customer",
                target_id=target_id, occurred_at=now, after=after,
            )  # fmt: skip
    finally:
        context.unbind(token)


class TestAuditListPage:
    def test_lists_entries_newest_first(self, staff_client, now):
        first = write(now, target_id="c-1")
        second = write(now, target_id="c-2")
        response = staff_client.get(reverse("compliance:audit"))
        assert response.status_code == 200
        rows = [row.id for row in response.context["page"].rows]
        assert rows.index(second.id) < rows.index(first.id)
        assert b"customers.freeze" in response.content

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ({"action": "customers.freeze"}, {"c-1"}),
            ({"action": "customers."}, {"c-1", "c-2"}),
            ({"target_id": "c-2"}, {"c-2"}),
            ({"request_id": "req-1"}, {"c-1"}),
            ({"actor": "li.officer"}, {"c-1", "c-2"}),
            ({"actor": "42"}, {"c-1", "c-2"}),
            ({"actor": "nobody"}, set()),
            ({"date_from": "2025-03-14", "date_to": "2025-03-14"}, {"c-1", "c-2"}),
            ({"date_from": "2025-03-15"}, set()),
        ],
    )
    def test_filters(self, staff_client, now, query, expected):
        write(now, target_id="c-1", request_id="req-1")
        write(now, action="customers.unfreeze", target_id="c-2")
        response = staff_client.get(reverse("compliance:audit"), query)
        assert response.status_code == 200
        targets = {
            row.target_id
            for row in response.context["page"].rows
            if row.target_type == "customers.customer"
        }
        assert targets == expected

    def test_pages_through_with_cursors(self, staff_client, now):
        ids = [write(now, target_id=f"c-{i}").id for i in range(3)]
        from hujin.compliance import selectors

        page = selectors.audit_entry_page(
            actor=Actor(kind="staff", id="1", scopes=frozenset({"core.view_audit"})),
            filters=selectors.AuditFilters(target_type="customers.customer"),
            limit=2,
        )
        assert [r.id for r in page.rows] == [ids[2], ids[1]]
        assert page.newer_cursor is None and page.older_cursor == ids[1]
        response = staff_client.get(
            reverse("compliance:audit"),
            {"target_type": "customers.customer", "before": page.older_cursor},
        )
        assert [r.id for r in response.context["page"].rows] == [ids[0]]

    def test_a_bad_date_range_is_explained_and_lists_nothing(self, staff_client):
        response = staff_client.get(
            reverse("compliance:audit"), {"date_from": "2025-03-15", "date_to": "2025-03-14"}
        )
        assert response.status_code == 200
        assert response.context["page"] is None
        assert "The end date is before the start date." in response.content.decode()

    def test_needs_the_view_audit_permission(self, staff_with):
        _, client = staff_with()
        assert client.get(reverse("compliance:audit")).status_code == 403

    def test_a_staff_member_with_the_permission_may_read(self, staff_with, now):
        write(now)
        _, client = staff_with("core.view_audit", username="auditor")
        response = client.get(reverse("compliance:audit"))
        assert response.status_code == 200
        assert b"customers.freeze" in response.content

    def test_anonymous_visitors_are_sent_to_log_in(self, client):
        response = client.get(reverse("compliance:audit"))
        assert response.status_code == 302


class TestAuditDetailPage:
    def test_shows_before_after_and_the_chain_links(self, staff_client, now):
        entry = write(now, after={"status": "frozen", "name": "张*"})
        response = staff_client.get(reverse("compliance:audit_detail", args=[entry.id]))
        assert response.status_code == 200
        html = response.content.decode()
        assert "&quot;status&quot;: &quot;frozen&quot;" in html
        assert "张*" in html
        assert entry.entry_hash in html
        assert entry.prev_hash in html
        assert "198.51.100.7" in html

    def test_an_unknown_entry_is_404(self, staff_client, db):
        assert (
            staff_client.get(reverse("compliance:audit_detail", args=[999999])).status_code == 404
        )

    def test_needs_the_view_audit_permission(self, staff_with, now):
        entry = write(now)
        _, client = staff_with()
        response = client.get(reverse("compliance:audit_detail", args=[entry.id]))
        assert response.status_code == 403


class TestInChinese:
    def test_the_audit_trail_speaks_simplified_chinese(self, staff_client):
        response = staff_client.get(
            reverse("compliance:audit"), headers={"accept-language": "zh-hans"}
        )
        html = response.content.decode()
        assert "审计日志" in html
        assert "筛选" in html

    def test_the_approvals_inbox_speaks_simplified_chinese(self, staff_client, db):
        response = staff_client.get(
            reverse("compliance:approvals"), headers={"accept-language": "zh-hans"}
        )
        assert "待您审批" in response.content.decode()
