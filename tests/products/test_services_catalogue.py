"""Product managers create and edit drafts and attach their documents; a refused input changes
nothing."""

from datetime import timedelta
from decimal import Decimal

import pytest

from hujin.core.errors import PermissionDenied
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.products.errors import (
    DocumentInvalid,
    ProductCodeTaken,
    ProductInvalid,
    ProductNotEditable,
    ShortHoldingFeeTooLow,
)
from hujin.products.models import Product, ProductDocument
from hujin.products.services import document_attach, product_create, product_update
from hujin.products.types import RedemptionTier
from tests.products.factories import PDF, fixed_draft, fund_draft, mmf_draft, on_sale

pytestmark = pytest.mark.django_db


def _audit_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("id").values_list("action", flat=True))


class TestProductCreate:
    def test_creates_a_draft_with_its_audit_entry_and_event(self, maker, now):
        product = product_create(actor=maker, draft=mmf_draft(), now=now)

        assert product.state == "draft"
        assert product.created_by == maker.id
        assert product.fast_redemption_quota_minor == 1_000_000  # CNY 10,000.00 by default
        assert product.redemption_days == 1
        assert "products.product_create" in _audit_actions()
        assert OutboxEvent.objects.filter(event_type="products.product_created").count() == 1

    def test_a_nav_fund_gets_the_cut_off_and_settlement_defaults_of_its_subtype(self, maker, now):
        equity = product_create(actor=maker, draft=fund_draft(), now=now)
        bond = product_create(
            actor=maker, draft=fund_draft(code="HJ-BOND-01", subtype="bond"), now=now
        )

        assert equity.cutoff_time.hour == 15 and equity.confirm_days == 1
        assert equity.redemption_days == 2
        assert bond.redemption_days == 1

    def test_refuses_a_customer_or_a_reviewer(self, checker, now):
        with pytest.raises(PermissionDenied):
            product_create(actor=checker, draft=mmf_draft(), now=now)
        assert Product.objects.count() == 0

    def test_refuses_a_taken_code(self, maker, now):
        product_create(actor=maker, draft=mmf_draft(), now=now)
        with pytest.raises(ProductCodeTaken):
            product_create(actor=maker, draft=mmf_draft(name_en="Another"), now=now)
        assert Product.objects.count() == 1

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"value_date": fixed_draft().raise_end_date}, "value_date"),
            ({"maturity_date": fixed_draft().value_date}, "maturity_date"),
            (
                {"raise_end_date": fixed_draft().raise_start_date - timedelta(days=1)},
                "raise_end_date",
            ),
            ({"max_size_minor": 1}, "max_size_minor"),
            ({"expected_rate": Decimal("1.5")}, "expected_rate"),
            ({"min_amount_minor": 0}, "min_amount_minor"),
            ({"per_customer_cap_minor": 1}, "per_customer_cap_minor"),
            ({"risk_level": "R6"}, "risk_level"),
            ({"code": "bad code"}, "code"),
            ({"name_en": ""}, "name_en"),
        ],
    )
    def test_refuses_a_fixed_term_product_whose_terms_do_not_hold(self, maker, now, changes, field):
        with pytest.raises(ProductInvalid) as refused:
            product_create(actor=maker, draft=fixed_draft(**changes), now=now)
        assert refused.value.details["field"] == field
        assert Product.objects.count() == 0
        assert "products.product_create" not in _audit_actions()

    def test_refuses_a_redemption_fee_under_1_5_percent_for_holdings_under_7_days(self, maker, now):
        cheap = (RedemptionTier(0, Decimal("0.015")), RedemptionTier(5, Decimal("0.01")))
        with pytest.raises(ShortHoldingFeeTooLow):
            product_create(actor=maker, draft=fund_draft(redemption_fees=cheap), now=now)
        assert Product.objects.count() == 0

    def test_refuses_a_nav_fund_without_a_redemption_fee_schedule(self, maker, now):
        # No schedule would let units held under 7 days out for nothing.
        with pytest.raises(ShortHoldingFeeTooLow) as refused:
            product_create(actor=maker, draft=fund_draft(redemption_fees=()), now=now)
        assert refused.value.details["field"] == "redemption_fees"
        assert Product.objects.count() == 0
        assert "products.product_create" not in _audit_actions()


class TestProductUpdate:
    def test_changes_a_draft_and_audits_what_changed(self, maker, now):
        product = product_create(actor=maker, draft=mmf_draft(), now=now)

        product_update(
            actor=maker, product_id=product.id, draft=mmf_draft(name_en="Hujin Cash Plus"), now=now
        )

        product.refresh_from_db()
        assert product.name_en == "Hujin Cash Plus"
        assert "products.product_update" in _audit_actions()

    def test_refuses_to_edit_a_product_on_sale(self, maker, checker, now):
        product = on_sale(maker, checker, mmf_draft(), now)

        with pytest.raises(ProductNotEditable):
            product_update(
                actor=maker, product_id=product.id, draft=mmf_draft(name_en="Changed"), now=now
            )
        product.refresh_from_db()
        assert product.name_en == "Hujin Cash"

    def test_an_edit_cannot_empty_a_nav_funds_redemption_fee_schedule(self, maker, now):
        product = product_create(actor=maker, draft=fund_draft(), now=now)
        with pytest.raises(ShortHoldingFeeTooLow):
            product_update(
                actor=maker, product_id=product.id, draft=fund_draft(redemption_fees=()), now=now
            )
        product.refresh_from_db()
        assert product.redemption_fees[0] == [0, "0.015"]

    def test_a_refused_edit_changes_nothing(self, maker, now):
        product = product_create(actor=maker, draft=fixed_draft(), now=now)
        with pytest.raises(ProductInvalid):
            product_update(
                actor=maker,
                product_id=product.id,
                draft=fixed_draft(name_en="New", maturity_date=fixed_draft().value_date),
                now=now,
            )
        product.refresh_from_db()
        assert product.name_en == "Hujin Quarterly"


class TestDocumentAttach:
    def test_attaches_a_pdf_and_a_second_upload_replaces_it(self, maker, now, documents_dir):
        product = product_create(actor=maker, draft=mmf_draft(), now=now)

        document_attach(
            actor=maker,
            product_id=product.id,
            kind="prospectus",
            file_name="p.pdf",
            content=PDF,
            now=now,
        )
        document_attach(
            actor=maker,
            product_id=product.id,
            kind="prospectus",
            file_name="p2.pdf",
            content=PDF,
            now=now,
        )

        documents = ProductDocument.objects.filter(product=product)
        assert [d.file_name for d in documents] == ["p2.pdf"]
        assert documents[0].file.read() == PDF

    def test_refuses_what_is_not_a_pdf_or_is_over_5_mb(self, maker, now):
        product = product_create(actor=maker, draft=mmf_draft(), now=now)
        with pytest.raises(DocumentInvalid):
            document_attach(
                actor=maker,
                product_id=product.id,
                kind="contract",
                file_name="x.pdf",
                content=b"MZ not a pdf",
                now=now,
            )
        with pytest.raises(DocumentInvalid):
            document_attach(
                actor=maker,
                product_id=product.id,
                kind="contract",
                file_name="x.pdf",
                content=b"%PDF-" + b"0" * (5 * 1024 * 1024),
                now=now,
            )
        assert ProductDocument.objects.count() == 0
