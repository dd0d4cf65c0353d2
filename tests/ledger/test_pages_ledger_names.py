"""The ledger's pages name things: an account's owner by name (a customer's masked, linked to
the customer's page), a customer's account by what customers calls it (never the name it was
stored under), the other side of a transfer by name and code, transfer codes by their labels,
a hold's timeout as a duration. Owner references and UUIDs stay out of what people read."""

import re
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from hujin.core.actors import Actor
from hujin.customers.models import Customer
from hujin.identity.models import User
from hujin.ledger.naming import owner_labels, transfer_code_label, transfer_code_label_register
from tests.ledger.test_pages_ledger import NOW, move, open_account, text

UUID_RE = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def make_customer(legal_name: str, *, type: str = "individual") -> Customer:
    user = User.objects.create(username=f"c-{uuid.uuid4().hex[:10]}", kind="customer")
    return Customer.objects.create(user=user, legal_name=legal_name, type=type, created_at=NOW)


@pytest.fixture
def bank(db):
    return open_account("1001.bank", "asset", name="Custodian bank")


@pytest.fixture
def zhang(db):
    return make_customer("张三丰")


@pytest.fixture
def zhang_wallet(zhang):
    # An older wallet whose stored name carries the customer's legal name.
    return open_account(name="张三丰的钱包", owner_ref=f"customer:{zhang.id}")


class TestOwnersByName:
    def test_the_accounts_list_shows_a_customer_masked_and_linked_never_the_reference(
        self, staff_client, bank, zhang, zhang_wallet
    ):
        response = staff_client.get(reverse("ledger:accounts"))

        page = text(response)
        assert "张** " in page
        assert "张三丰" not in page
        assert "customer:" not in page
        assert str(zhang.id) not in page
        assert f'href="{reverse("customers:detail", args=[zhang.id])}"' in (
            response.content.decode()
        )

    def test_a_customer_account_shows_the_name_customers_gives_it_not_its_stored_name(
        self, staff_client, zhang_wallet
    ):
        detail = text(staff_client.get(reverse("ledger:account_detail", args=[zhang_wallet.id])))

        assert "Customer account" in detail
        assert "张三丰" not in detail

    def test_a_wallet_customers_opened_is_called_customer_wallet_in_chinese_too(
        self, staff_client, zhang
    ):
        wallet = open_account(name="Customer wallet", owner_ref=f"customer:{zhang.id}")

        page = text(
            staff_client.get(
                reverse("ledger:account_detail", args=[wallet.id]),
                headers={"accept-language": "zh-hans"},
            )
        )

        assert "客户钱包" in page and "张**" in page

    def test_a_company_is_named_in_full_it_is_public(self, staff_client, db):
        company = make_customer("北京互金科技有限公司", type="enterprise")
        open_account(name="Customer wallet", owner_ref=f"customer:{company.id}")

        assert "北京互金科技有限公司" in text(staff_client.get(reverse("ledger:accounts")))

    def test_house_accounts_plain_references_and_unknown_customers(self, staff_client, bank):
        open_account(name="Wallet", owner_ref="demo:wang")
        open_account(name="Lost", owner_ref=f"customer:{uuid.uuid4()}")
        open_account(name="Odd", owner_ref=f"partner:{uuid.uuid4()}")

        page = text(staff_client.get(reverse("ledger:accounts")))

        assert "House" in page and "demo:wang" in page
        assert page.count("Unknown customer") == 1 and "Unknown owner" in page
        assert not UUID_RE.search(page)

    def test_the_account_s_id_shows_only_in_its_technical_details(self, staff_client, zhang_wallet):
        content = staff_client.get(
            reverse("ledger:account_detail", args=[zhang_wallet.id])
        ).content.decode()

        technical = content.split('<details class="technical-details">')[1].split("</details>")[0]
        outside = content.replace(technical, "")
        assert str(zhang_wallet.id) in technical
        assert str(zhang_wallet.id) not in text_of(outside)

    def test_staff_who_may_not_see_customers_get_the_masked_name_without_a_link(
        self, zhang, zhang_wallet
    ):
        ref = f"customer:{zhang.id}"
        teller = Actor(kind="staff", id="1", label="teller", scopes=frozenset())
        officer = Actor(
            kind="staff", id="2", label="officer", scopes=frozenset({"customers.view_customers"})
        )

        seen_by_teller = owner_labels(actor=teller, owner_refs=[ref])[ref]
        seen_by_officer = owner_labels(actor=officer, owner_refs=[ref])[ref]

        assert (str(seen_by_teller.name), seen_by_teller.url) == ("张**", "")
        assert seen_by_officer.url == reverse("customers:detail", args=[zhang.id])

    def test_a_page_of_customers_accounts_names_its_owners_in_one_query(
        self, staff_client, bank, db
    ):
        for name in ("赵一", "钱二", "孙三"):
            owner = make_customer(name)
            move(bank, open_account(owner_ref=f"customer:{owner.id}"), 100)
        staff_client.get(reverse("ledger:accounts"))  # warm the session and the caches

        with CaptureQueriesContext(connection) as queries:
            page = text(staff_client.get(reverse("ledger:accounts")))

        assert "赵* " in page and "钱* " in page and "孙* " in page
        customer_reads = [q for q in queries if "customers_customer" in q["sql"]]
        assert len(customer_reads) == 1


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


class TestTransfersByName:
    def test_the_list_names_both_accounts_and_labels_the_code(
        self, staff_client, bank, zhang, zhang_wallet
    ):
        move(bank, zhang_wallet, 1_000, code="topup")

        response = staff_client.get(reverse("ledger:transfers"))

        page = text(response)
        assert "Custodian bank 1001.bank" in page
        assert "Customer account 2001.wallet · 张**" in page
        assert "Top-up" in page and "topup" not in page
        assert "10.00 CNY" in page
        assert not UUID_RE.search(page)

    def test_an_unlabelled_code_shows_as_it_is(self, staff_client, bank, zhang_wallet):
        move(bank, zhang_wallet, 1_000, code="bonus.spring")

        content = staff_client.get(reverse("ledger:transfers")).content.decode()

        assert "<code>bonus.spring</code>" in content

    def test_a_module_labels_its_own_codes(self, staff_client, bank, zhang_wallet):
        transfer_code_label_register("test.cashback", "Cashback")
        move(bank, zhang_wallet, 1_000, code="test.cashback")

        assert "Cashback" in text(staff_client.get(reverse("ledger:transfers")))
        assert str(transfer_code_label("test.cashback")) == "Cashback"

    def test_a_code_is_labelled_once(self, db):
        with pytest.raises(ValueError):
            transfer_code_label_register("topup", "Something else")

    def test_a_hold_shows_its_status_and_timeout_as_people_say_them(
        self, staff_client, bank, zhang_wallet
    ):
        hold = move(zhang_wallet, bank, 500, kind="pending", code="withdrawal",
                    timeout_seconds=7 * 24 * 3600)  # fmt: skip
        response = staff_client.get(reverse("ledger:transfer_detail", args=[hold]))

        page = text(response)
        assert "7 days" in page and "604800" not in page
        assert 'data-status="pending"' in response.content.decode()
        assert "Withdrawal" in page
        assert "2025-03-21 10:00" in page  # expires a week later, in Shanghai time

    def test_the_account_history_names_the_other_side(self, staff_client, bank, zhang_wallet):
        move(bank, zhang_wallet, 1_000, code="topup")

        page = text(staff_client.get(reverse("ledger:account_detail", args=[bank.id])))

        assert "Customer account 2001.wallet · 张**" in page
        assert "Top-up" in page
