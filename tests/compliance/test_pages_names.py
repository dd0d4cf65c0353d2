"""The compliance console names what it shows: an approval's action by its label and its object
as the thing itself (a customer's masked name, linked to the customer's page), the audit trail's
actors, actions and objects the same way; codes and ids only in the technical details."""

import re
import uuid
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.core.links import target_links, target_type_register
from hujin.core.models import AuditEntry
from hujin.customers.models import Customer
from hujin.customers.services import status
from hujin.identity.access import staff_actor
from hujin.identity.models import User

pytestmark = pytest.mark.django_db


def visible(response) -> str:
    """What a person reads: the page's text, without the technical details."""
    technical = re.compile(r'<details class="technical-details">.*?</details>', re.S)
    html = technical.sub(" ", response.content.decode())
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def customer(now):
    user = User.objects.create(username=f"c-{uuid.uuid4().hex[:10]}", kind="customer")
    return Customer.objects.create(user=user, legal_name="欧阳娜娜", created_at=now)


@pytest.fixture
def freeze_request(staff_with, customer, now):
    maker, _ = staff_with("customers.request_freeze", "core.view_approvals", username="maker")
    return status.customer_freeze_request(
        customer_id=customer.id, freeze=True, reason="Fraud report received",
        actor=staff_actor(maker), now=now,
    )  # fmt: skip


class TestApprovals:
    def test_the_detail_names_the_action_and_links_the_customer(
        self, staff_client, customer, freeze_request
    ):
        response = staff_client.get(reverse("compliance:approval_detail", args=[freeze_request.id]))

        page = visible(response)
        assert "Freeze a customer" in page
        assert "customers.freeze" not in page and "customers.customer" not in page
        assert "欧*** " in page and "欧阳娜娜" not in page
        assert str(customer.id) not in page
        customer_url = reverse("customers:detail", args=[customer.id])
        assert f'<a href="{customer_url}">欧***</a>' in response.content.decode()
        assert "maker" in page and "Fraud report received" in page
        assert 'data-status="pending"' in response.content.decode()

    def test_the_inbox_links_each_object_too(self, staff_client, customer, freeze_request):
        response = staff_client.get(reverse("compliance:approvals"))

        assert reverse("customers:detail", args=[customer.id]) in response.content.decode()
        assert str(customer.id) not in visible(response)

    def test_the_time_asked_is_in_the_business_time_zone(self, staff_client, freeze_request):
        page = visible(
            staff_client.get(reverse("compliance:approval_detail", args=[freeze_request.id]))
        )

        shanghai = freeze_request.requested_at.astimezone(ZoneInfo("Asia/Shanghai"))
        assert shanghai.strftime("%Y-%m-%d %H:%M") in page


class TestAuditTrail:
    def test_the_list_names_actor_kinds_actions_and_objects(
        self, staff_client, customer, freeze_request
    ):
        response = staff_client.get(reverse("compliance:audit"))

        page = visible(response)
        assert "Approval requested" in page and "Staff member" in page
        assert "Approval request Freeze a customer" in page
        assert "approval.requested" not in page
        approval_url = reverse("compliance:approval_detail", args=[freeze_request.id])
        assert approval_url in response.content.decode()

    def test_an_entry_about_a_customer_links_the_customer(self, staff_client, customer, now):
        audit_record(
            actor=Actor(kind="system", id="system", label="system"),
            action="test.poked", target_type="customers.customer",
            target_id=str(customer.id), occurred_at=now,
        )  # fmt: skip
        entry = AuditEntry.objects.get(action="test.poked")

        response = staff_client.get(reverse("compliance:audit_detail", args=[entry.id]))

        page = visible(response)
        assert "Customer 欧***" in page and "<code>test.poked</code>" in (response.content.decode())
        assert reverse("customers:detail", args=[customer.id]) in response.content.decode()
        assert str(customer.id) not in page
        assert str(customer.id) in response.content.decode()  # in the technical details

    def test_an_entry_about_a_ledger_account_names_and_links_the_account(
        self, staff_client, customer, now
    ):
        from hujin.ledger.services import account_create

        system = Actor(kind="system", id="system", label="system")
        account, _ = account_create(
            currency="CNY", code="2001.wallet", kind="liability", name="Customer wallet",
            owner_ref=f"customer:{customer.id}", actor=system, now=now,
        )  # fmt: skip

        response = staff_client.get(reverse("compliance:audit"), {"target_type": "ledger.account"})

        page = visible(response)
        assert "Ledger account 2001.wallet Customer wallet · 欧***" in page
        assert "Ledger account opened" in page and "ledger.account_create" not in page
        assert reverse("ledger:account_detail", args=[account.id]) in response.content.decode()
        assert str(account.id) not in page

    def test_a_module_names_the_actions_it_records(self, staff_client, customer, now):
        audit_record(
            actor=Actor(kind="system", id="system", label="system"),
            action="customers.close", target_type="customers.customer",
            target_id=str(customer.id), occurred_at=now,
        )  # fmt: skip

        page = visible(
            staff_client.get(reverse("compliance:audit"), headers={"accept-language": "zh-hans"})
        )

        assert "注销客户 客户 欧***" in page and "customers.close" not in page

    def test_an_object_no_module_names_shows_its_type_and_id(self, staff_client, now):
        audit_record(
            actor=Actor(kind="system", id="system", label="system"),
            action="test.poked", target_type="test.widget", target_id="w-7", occurred_at=now,
        )  # fmt: skip

        page = visible(staff_client.get(reverse("compliance:audit")))

        assert "test.widget w-7" in page


class TestTheRegistry:
    def test_objects_are_named_one_query_per_type(self, customer, django_assert_num_queries):
        others = [
            Customer.objects.create(
                user=User.objects.create(username=f"c{n}", kind="customer"),
                legal_name=name,
                created_at=customer.created_at,
            )
            for n, name in enumerate(("李四", "王五"))
        ]
        officer = Actor(
            kind="staff", id="1", label="o", scopes=frozenset({"customers.view_customers"})
        )
        targets = [("customers.customer", str(c.id)) for c in (customer, *others)]

        with django_assert_num_queries(1):
            links = target_links(actor=officer, targets=targets)

        assert sorted(str(link.name) for link in links.values()) == ["李*", "欧***", "王*"]

    def test_a_type_keeps_its_one_label(self):
        target_type_register("test.gadget", label="Gadget")

        with pytest.raises(ValueError):
            target_type_register("test.gadget", label="Gizmo")


class TestStaffByName:
    def test_the_audit_trail_and_the_approvals_name_staff_by_their_names(
        self, staff_client, staff_actor, now
    ):
        from hujin.core.audit import audit_record

        audit_record(actor=staff_actor, action="test.named", target_type="x", target_id="1",
                     occurred_at=now)  # fmt: skip

        content = staff_client.get("/compliance/audit/").content.decode()

        assert "Staff Member" in content  # staff_user's first and last name

    def test_the_audit_trail_names_a_customer_by_masked_mobile_not_login_name(
        self, staff_client, customer_user, now
    ):
        from hujin.core.audit import audit_record
        from hujin.identity.access import customer_actor

        audit_record(actor=customer_actor(customer_user), action="test.by_customer",
                     target_type="x", target_id="1", occurred_at=now)  # fmt: skip

        content = staff_client.get("/compliance/audit/").content.decode()

        assert customer_user.display_label in content
        assert customer_user.username not in content
