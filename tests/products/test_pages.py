"""The console's and the portal's product pages: they render in both languages, they take each
admission step, and they keep everyone to their part (a customer never reaches the console, a
product manager never approves, a maker never checks their own product)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from hujin.core.models import BusinessDate
from hujin.identity.access import staff_actor
from hujin.products.models import NavPoint, Product
from hujin.products.services import nav_import_csv, product_create
from tests.products.factories import (
    PDF,
    TODAY,
    fixed_draft,
    fund_draft,
    mmf_draft,
    on_sale,
    submitted,
)

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


@pytest.fixture(autouse=True)
def business_today(db, now):
    BusinessDate.objects.create(name="default", current_date=TODAY, updated_at=now)


@pytest.fixture
def pm(role_client):
    return role_client("product_manager")


@pytest.fixture
def reviewer(role_client):
    return role_client("compliance_officer")


@pytest.fixture
def ops(role_client):
    return role_client("operations")


@pytest.fixture
def selling_fund(pm, reviewer, ops, now):
    product = on_sale(staff_actor(pm.user), staff_actor(reviewer.user), fund_draft(), now)
    lines = [f"{(TODAY - timedelta(days=n)).isoformat()},{1 + n / 1000:.4f}" for n in range(30)]
    nav_import_csv(
        actor=staff_actor(ops.user),
        product_id=product.id,
        text="\n".join(reversed(lines)),
        business_date=TODAY,
        now=now,
    )
    return product


class TestConsoleList:
    def test_lists_products_by_name_with_their_state(self, pm, selling_fund):
        page = pm.get("/products/console/")
        assert page.status_code == 200
        assert "Hujin Equity" in page.content.decode()
        assert 'data-status="on_sale"' in page.content.decode()

    def test_filters_by_state_and_type(self, pm, selling_fund):
        assert "Hujin Equity" not in pm.get("/products/console/?state=draft").content.decode()
        assert "Hujin Equity" not in pm.get("/products/console/?kind=mmf").content.decode()

    def test_speaks_chinese(self, pm, selling_fund):
        page = pm.get("/products/console/", **ZH).content.decode()
        assert "互金股票" in page and "在售" in page

    def test_a_customer_cannot_reach_the_console(self, customer_client):
        assert customer_client.get("/products/console/").status_code == 403


class TestConsoleCreateAndEdit:
    FORM = {
        "code": "HJ-FT-01",
        "name_zh": "互金定期",
        "name_en": "Hujin Term",
        "issuer": "互金",
        "risk_level": "R2",
        "min_amount": "1,000.00",
        "increment": "1000",
        "raise_start_date": "2025-03-14",
        "raise_end_date": "2025-03-20",
        "min_raise": "1000000",
        "max_size": "5000000",
        "value_date": "2025-03-21",
        "maturity_date": "2025-06-19",
        "expected_rate": "3.85",
    }

    def test_a_product_manager_creates_a_fixed_term_draft(self, pm):
        response = pm.post("/products/console/new/fixed_term/", self.FORM)

        product = Product.objects.get(code="HJ-FT-01")
        assert response.status_code == 302
        assert product.expected_rate == Decimal("0.0385")
        assert product.min_amount_minor == 100_000
        page = pm.get(response.url).content.decode()
        assert "3.85 %" in page and "1,000.00 CNY" in page

    def test_a_value_date_inside_the_window_is_refused_next_to_its_field(self, pm):
        response = pm.post(
            "/products/console/new/fixed_term/", {**self.FORM, "value_date": "2025-03-19"}
        )
        assert response.status_code == 400
        assert "after the end of the fundraising window" in response.content.decode()
        assert not Product.objects.exists()

    def test_a_fund_schedule_under_1_5_percent_for_7_days_is_refused(self, pm):
        form = {
            **self.FORM,
            "code": "HJ-EQ-07",
            "subtype": "equity",
            "redemption_fees": "0 1.0\n7 0.5",
        }
        response = pm.post("/products/console/new/nav_fund/", form)
        assert response.status_code == 400
        assert "at least 1.5 %" in response.content.decode()

    def test_a_fund_without_a_redemption_fee_schedule_is_refused(self, pm):
        form = {**self.FORM, "code": "HJ-EQ-08", "subtype": "equity", "redemption_fees": ""}
        response = pm.post("/products/console/new/nav_fund/", form)
        assert response.status_code == 400
        assert "at least 1.5 %" in response.content.decode()
        assert not Product.objects.exists()

    def test_the_edit_form_starts_from_the_draft_and_saves(self, pm, now):
        product = product_create(actor=staff_actor(pm.user), draft=fund_draft(), now=now)
        page = pm.get(f"/products/console/{product.id}/edit/").content.decode()
        assert "0 1.5" in page and "HJ-EQ-01" in page

        form = {
            "code": "HJ-EQ-01",
            "name_zh": "互金股票",
            "name_en": "Hujin Equity II",
            "issuer": "互金",
            "risk_level": "R4",
            "min_amount": "10",
            "increment": "0.01",
            "subtype": "equity",
            "subscription_fees": "0 1.5",
            "redemption_fees": "0 1.5",
        }
        assert pm.post(f"/products/console/{product.id}/edit/", form).status_code == 302
        product.refresh_from_db()
        assert product.name_en == "Hujin Equity II"

    def test_a_product_on_sale_cannot_be_edited(self, pm, selling_fund):
        response = pm.get(f"/products/console/{selling_fund.id}/edit/")
        assert response.status_code == 302
        assert response.url.endswith(f"/products/console/{selling_fund.id}/")


class TestConsoleAdmission:
    def test_upload_submit_approve_and_put_on_sale(self, pm, reviewer, now):
        product = product_create(actor=staff_actor(pm.user), draft=mmf_draft(), now=now)
        for kind in ("prospectus", "risk_disclosure", "contract"):
            upload = SimpleUploadedFile(f"{kind}.pdf", PDF, content_type="application/pdf")
            assert (
                pm.post(
                    f"/products/console/{product.id}/documents/", {"kind": kind, "file": upload}
                ).status_code
                == 302
            )
        assert pm.post(f"/products/console/{product.id}/submit/").status_code == 302

        queue = reviewer.get("/products/console/admission/").content.decode()
        assert "Hujin Cash" in queue
        ticks = {
            f"tick_{k}": "on"
            for k in (
                "prospectus_attached",
                "risk_disclosure_attached",
                "contract_attached",
                "risk_level_justified",
                "fees_disclosed",
            )
        }
        response = reviewer.post(
            f"/products/console/{product.id}/review/",
            {"decision": "approve", **ticks, "note_fees_disclosed": "p. 4"},
        )
        assert response.status_code == 302

        assert (
            pm.post(
                f"/products/console/{product.id}/on-sale/", {"on_sale_from": TODAY.isoformat()}
            ).status_code
            == 302
        )
        product.refresh_from_db()
        assert product.state == "on_sale"
        page = pm.get(f"/products/console/{product.id}/").content.decode()
        assert "p. 4" in page  # the checklist's note in the history

    def test_a_product_that_is_not_a_pdf_is_refused_on_the_page(self, pm, now):
        product = product_create(actor=staff_actor(pm.user), draft=mmf_draft(), now=now)
        upload = SimpleUploadedFile("x.pdf", b"hello", content_type="application/pdf")
        response = pm.post(
            f"/products/console/{product.id}/documents/", {"kind": "contract", "file": upload}
        )
        assert response.status_code == 400
        assert "PDF" in response.content.decode()

    def test_a_product_manager_cannot_approve(self, pm, now):
        product = submitted(staff_actor(pm.user), mmf_draft(), now)
        assert pm.get(f"/products/console/{product.id}/review/").status_code == 403
        assert (
            pm.post(f"/products/console/{product.id}/review/", {"decision": "approve"}).status_code
            == 403
        )

    def test_an_administrator_who_submitted_is_told_someone_else_must_approve(
        self, role_client, now
    ):
        admin = role_client("administrator")
        product = submitted(staff_actor(admin.user), mmf_draft(), now)
        ticks = {
            f"tick_{k}": "on"
            for k in (
                "prospectus_attached",
                "risk_disclosure_attached",
                "contract_attached",
                "risk_level_justified",
                "fees_disclosed",
            )
        }
        response = admin.post(
            f"/products/console/{product.id}/review/", {"decision": "approve", **ticks}
        )
        assert response.status_code == 400
        assert "someone else must review and approve it" in response.content.decode()
        product.refresh_from_db()
        assert product.state == "submitted"

    def test_a_reviewer_returns_with_a_reason(self, pm, reviewer, now):
        product = submitted(staff_actor(pm.user), mmf_draft(), now)
        reviewer.post(
            f"/products/console/{product.id}/review/",
            {"decision": "return", "reason": "Attach the signed contract"},
        )
        product.refresh_from_db()
        assert product.state == "draft"
        assert (
            "Attach the signed contract"
            in pm.get(f"/products/console/{product.id}/").content.decode()
        )


class TestConsoleProductPage:
    def test_shows_parameters_documents_history_and_the_chart(self, pm, selling_fund):
        page = pm.get(f"/products/console/{selling_fund.id}/").content.decode()
        assert "<svg" in page and "<polyline" in page
        assert "Prospectus" in page
        assert "Put on sale" in page or "Suspend" in page
        assert "1.50 %" in page

    def test_renders_in_chinese(self, pm, selling_fund):
        page = pm.get(f"/products/console/{selling_fund.id}/", **ZH).content.decode()
        assert "招募说明书" in page and "准入记录" in page


class TestConsoleNav:
    def test_operations_publish_one_date(self, ops, pm, now):
        product = product_create(actor=staff_actor(pm.user), draft=fund_draft(), now=now)
        response = ops.post(
            f"/products/console/{product.id}/nav/",
            {"business_date": TODAY.isoformat(), "nav": "1.0123"},
        )
        assert response.status_code == 302
        assert NavPoint.objects.get(product=product).nav == Decimal("1.0123")

    def test_a_bad_csv_says_which_line_and_changes_nothing(self, ops, pm, now):
        product = product_create(actor=staff_actor(pm.user), draft=fund_draft(), now=now)
        upload = SimpleUploadedFile("navs.csv", b"date,nav\n2025-03-13,1.0\n2025-03-14,x\n")
        response = ops.post(f"/products/console/{product.id}/nav/import/", {"file": upload})
        assert response.status_code == 400
        assert "Line 3" in response.content.decode()
        assert not NavPoint.objects.exists()

    def test_a_huge_number_in_a_csv_says_which_line_and_changes_nothing(self, ops, pm, now):
        product = product_create(actor=staff_actor(pm.user), draft=fund_draft(), now=now)
        upload = SimpleUploadedFile("navs.csv", b"date,nav\n2025-03-13,1.0\n2025-03-14,1e30\n")
        response = ops.post(f"/products/console/{product.id}/nav/import/", {"file": upload})
        assert response.status_code == 400
        assert "Line 3: The NAV must be" in response.content.decode()
        assert not NavPoint.objects.exists()

    def test_a_huge_7_day_yield_typed_in_is_refused_and_changes_nothing(self, ops, pm, now):
        product = product_create(actor=staff_actor(pm.user), draft=mmf_draft(), now=now)
        response = ops.post(
            f"/products/console/{product.id}/nav/",
            {"business_date": TODAY.isoformat(), "income_per_10k": "0.5", "yield_7d": "1e30"},
        )
        assert response.status_code == 400
        assert "between −100 and 100" in response.content.decode()
        assert not NavPoint.objects.exists()

    def test_a_product_manager_cannot_publish(self, pm, selling_fund):
        assert pm.get(f"/products/console/{selling_fund.id}/nav/").status_code == 403


class TestPortal:
    def test_a_customer_sees_products_on_sale_with_their_figures(
        self, customer_client, selling_fund, pm, now
    ):
        product_create(actor=staff_actor(pm.user), draft=mmf_draft(), now=now)  # a draft
        page = customer_client.get("/products/").content.decode()
        assert "Hujin Equity" in page and "Hujin Cash" not in page
        assert "¥10.00" in page  # the minimum amount as people read it
        assert "Buy" not in page

    def test_filters_by_risk_level_and_term(self, customer_client, selling_fund):
        assert "Hujin Equity" not in customer_client.get("/products/?risk=R1").content.decode()
        assert "Hujin Equity" in customer_client.get("/products/?term=open").content.decode()

    def test_a_product_page_explains_the_risk_and_draws_the_chart(
        self, customer_client, selling_fund
    ):
        page = customer_client.get(f"/products/{selling_fund.id}/").content.decode()
        assert "Medium-high risk" in page and "<polyline" in page
        # "Buy" is the wealth module's, registered on this page (core.navigation page actions).
        assert f'href="/wealth/buy/{selling_fund.id}/"' in page
        zh = customer_client.get(f"/products/{selling_fund.id}/", **ZH).content.decode()
        assert "中高风险" in zh and "互金股票" in zh

    def test_a_product_not_on_sale_is_not_found(self, customer_client, pm, now):
        draft = product_create(actor=staff_actor(pm.user), draft=fixed_draft(), now=now)
        assert customer_client.get(f"/products/{draft.id}/").status_code == 404

    def test_documents_download_for_products_on_sale_only(
        self, customer_client, selling_fund, pm, now
    ):
        document = selling_fund.documents.get(kind="prospectus")
        response = customer_client.get(f"/products/documents/{document.id}/")
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        draft = submitted(staff_actor(pm.user), mmf_draft(), now)
        hidden = draft.documents.get(kind="contract")
        assert customer_client.get(f"/products/documents/{hidden.id}/").status_code == 404

    def test_staff_cannot_use_the_portal(self, pm):
        assert pm.get("/products/").status_code == 403

    def test_an_anonymous_visitor_is_sent_to_log_in(self, client):
        response = client.get("/products/")
        assert response.status_code == 302 and "/auth/" in response.url


def test_the_console_menu_lists_products_for_the_product_manager(pm):
    page = pm.get("/products/console/").content.decode()
    assert 'href="/products/console/"' in page


def test_the_audit_trail_names_products_and_their_steps(role_client, selling_fund):
    auditor = role_client("auditor")
    page = auditor.get("/compliance/audit/").content.decode()
    assert "HJ-EQ-01" in page
    assert "Product approved" in page
    assert f'href="/products/console/{selling_fund.id}/"' in page


@pytest.mark.parametrize(
    "path",
    ["", "edit/", "nav/", "review/"],
)
def test_an_unknown_product_is_not_found_on_every_console_page(role_client, path):
    admin = role_client("administrator")
    missing = "00000000-0000-0000-0000-000000000000"
    assert admin.get(f"/products/console/{missing}/{path}").status_code == 404
    assert admin.post(f"/products/console/{missing}/{path or 'submit/'}").status_code in (404,)


def test_a_fixed_term_product_leads_with_its_expected_rate_on_the_portal(
    customer_client, pm, reviewer, now
):
    product = on_sale(staff_actor(pm.user), staff_actor(reviewer.user), fixed_draft(), now)
    page = customer_client.get(f"/products/{product.id}/").content.decode()
    assert "3.85 %" in page and "Expected annual rate" in page
    assert "¥1,000.00" in page and "actual/365" in page
