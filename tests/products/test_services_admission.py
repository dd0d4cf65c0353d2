"""A product's admission, step by step: draft → submitted → approved (by someone other than the
maker) or returned → on sale from a date → suspended / resumed → closed. Every step audited,
with its event and a line in the history."""

from datetime import timedelta

import pytest

from hujin.core.actors import Actor
from hujin.core.errors import PermissionDenied
from hujin.core.models import AuditEntry, OutboxEvent
from hujin.products.errors import (
    AdmissionStateInvalid,
    ChecklistIncomplete,
    DocumentsMissing,
    MakerCannotApprove,
    ProductInvalid,
    ReasonRequired,
)
from hujin.products.models import AdmissionStep
from hujin.products.permissions import MANAGE_PRODUCTS, REVIEW_PRODUCTS, VIEW_PRODUCTS
from hujin.products.services import (
    product_approve,
    product_close,
    product_create,
    product_put_on_sale,
    product_resume,
    product_return,
    product_submit,
    product_suspend,
    product_update,
)
from hujin.products.types import checklist_for
from tests.products.factories import (
    TODAY,
    approved,
    documents_attached,
    fixed_draft,
    mmf_draft,
    on_sale,
    submitted,
)

pytestmark = pytest.mark.django_db
ALL_TICKED = {item: "seen" for item in checklist_for("mmf")}
MANAGE_AND_REVIEW = frozenset({VIEW_PRODUCTS, MANAGE_PRODUCTS, REVIEW_PRODUCTS})


def _steps(product) -> list[tuple[str, str]]:
    return list(AdmissionStep.objects.filter(product=product).values_list("action", "to_state"))


class TestSubmit:
    def test_sends_a_draft_with_its_documents_to_review(self, maker, now):
        product = submitted(maker, mmf_draft(), now)

        assert product.state == "submitted"
        assert product.submitted_by == maker.id
        assert _steps(product) == [("create", "draft"), ("submit", "submitted")]
        assert AuditEntry.objects.filter(action="products.admission_submit").exists()
        assert OutboxEvent.objects.filter(event_type="products.admission_changed").count() == 1

    def test_refuses_a_draft_without_its_three_documents(self, maker, now):
        product = product_create(actor=maker, draft=mmf_draft(), now=now)
        with pytest.raises(DocumentsMissing):
            product_submit(actor=maker, product_id=product.id, now=now)
        product.refresh_from_db()
        assert product.state == "draft"
        assert _steps(product) == [("create", "draft")]


class TestApprove:
    def test_a_reviewer_approves_with_every_item_ticked(self, maker, checker, now):
        product = submitted(maker, mmf_draft(), now)

        product = product_approve(
            actor=checker, product_id=product.id, checklist=ALL_TICKED, now=now
        )

        assert product.state == "approved"
        assert product.approved_by == checker.id
        step = AdmissionStep.objects.get(product=product, action="approve")
        assert step.checklist == ALL_TICKED
        entry = AuditEntry.objects.get(action="products.admission_approve")
        assert entry.after["checklist"] == ALL_TICKED

    def test_the_submitter_can_never_approve_their_own_product(self, now):
        both = frozenset({VIEW_PRODUCTS, MANAGE_PRODUCTS, REVIEW_PRODUCTS})
        admin = Actor(kind="staff", id="7", label="admin", scopes=both)
        product = submitted(admin, mmf_draft(), now)

        with pytest.raises(MakerCannotApprove):
            product_approve(actor=admin, product_id=product.id, checklist=ALL_TICKED, now=now)
        product.refresh_from_db()
        assert product.state == "submitted"

    def test_whoever_edited_someone_elses_draft_can_never_approve_it(self, maker, now):
        admin = Actor(kind="staff", id="7", label="admin", scopes=MANAGE_AND_REVIEW)
        product = product_create(actor=maker, draft=mmf_draft(), now=now)
        product_update(
            actor=admin, product_id=product.id, draft=mmf_draft(name_en="Hujin Cash+"), now=now
        )
        documents_attached(maker, product, now)
        product_submit(actor=maker, product_id=product.id, now=now)

        with pytest.raises(MakerCannotApprove):
            product_approve(actor=admin, product_id=product.id, checklist=ALL_TICKED, now=now)
        product.refresh_from_db()
        assert product.state == "submitted"

    def test_whoever_attached_a_document_can_never_approve_even_after_a_return(
        self, maker, checker, now
    ):
        admin = Actor(kind="staff", id="7", label="admin", scopes=MANAGE_AND_REVIEW)
        product = product_create(actor=maker, draft=mmf_draft(), now=now)
        documents_attached(admin, product, now)
        product_submit(actor=maker, product_id=product.id, now=now)
        product_return(actor=checker, product_id=product.id, reason="fix", now=now)
        product_submit(actor=maker, product_id=product.id, now=now)

        with pytest.raises(MakerCannotApprove):
            product_approve(actor=admin, product_id=product.id, checklist=ALL_TICKED, now=now)
        product = product_approve(
            actor=checker, product_id=product.id, checklist=ALL_TICKED, now=now
        )
        assert product.state == "approved"

    def test_the_checklist_notes_are_optional(self, maker, checker, now):
        product = submitted(maker, mmf_draft(), now)
        ticks = {item: None for item in checklist_for("mmf")}
        product = product_approve(actor=checker, product_id=product.id, checklist=ticks, now=now)
        assert product.state == "approved"

    def test_refuses_an_incomplete_checklist(self, maker, checker, now):
        product = submitted(maker, fixed_draft(), now)
        ticks = {item: "" for item in checklist_for("mmf")}  # the raise terms left out
        with pytest.raises(ChecklistIncomplete) as refused:
            product_approve(actor=checker, product_id=product.id, checklist=ticks, now=now)
        assert refused.value.details["missing"] == ["raise_terms"]
        product.refresh_from_db()
        assert product.state == "submitted"

    def test_a_product_manager_cannot_approve(self, maker, now):
        product = submitted(maker, mmf_draft(), now)
        with pytest.raises(PermissionDenied):
            product_approve(actor=maker, product_id=product.id, checklist=ALL_TICKED, now=now)

    def test_a_draft_cannot_be_approved(self, maker, checker, now):
        product = product_create(actor=maker, draft=mmf_draft(), now=now)
        with pytest.raises(AdmissionStateInvalid):
            product_approve(actor=checker, product_id=product.id, checklist=ALL_TICKED, now=now)


class TestReturn:
    def test_a_reviewer_returns_a_product_to_draft_with_the_reason(self, maker, checker, now):
        product = submitted(maker, mmf_draft(), now)

        product = product_return(
            actor=checker, product_id=product.id, reason="The fees are not disclosed", now=now
        )

        assert product.state == "draft"
        assert _steps(product)[-1] == ("return", "draft")
        assert AdmissionStep.objects.get(action="return").note == "The fees are not disclosed"

    def test_a_return_needs_a_reason(self, maker, checker, now):
        product = submitted(maker, mmf_draft(), now)
        with pytest.raises(ReasonRequired):
            product_return(actor=checker, product_id=product.id, reason="  ", now=now)
        product.refresh_from_db()
        assert product.state == "submitted"

    def test_a_returned_product_is_edited_and_submitted_again(self, maker, checker, now):
        product = submitted(maker, mmf_draft(), now)
        product_return(actor=checker, product_id=product.id, reason="fix", now=now)
        product = product_submit(actor=maker, product_id=product.id, now=now)
        assert product.state == "submitted"


class TestOnSale:
    def test_an_approved_product_goes_on_sale_from_a_date(self, maker, checker, now):
        product = approved(maker, checker, mmf_draft(), now)

        product = product_put_on_sale(
            actor=maker,
            product_id=product.id,
            on_sale_from=TODAY + timedelta(days=2),
            business_date=TODAY,
            now=now,
        )

        assert product.state == "on_sale"
        assert product.on_sale_from == TODAY + timedelta(days=2)

    def test_refuses_a_sale_date_in_the_past(self, maker, checker, now):
        product = approved(maker, checker, mmf_draft(), now)
        with pytest.raises(ProductInvalid):
            product_put_on_sale(
                actor=maker,
                product_id=product.id,
                on_sale_from=TODAY - timedelta(days=1),
                business_date=TODAY,
                now=now,
            )
        product.refresh_from_db()
        assert product.state == "approved"

    def test_a_fixed_term_product_goes_on_sale_before_its_window_ends(self, maker, checker, now):
        product = approved(maker, checker, fixed_draft(), now)
        with pytest.raises(ProductInvalid):
            product_put_on_sale(
                actor=maker,
                product_id=product.id,
                on_sale_from=TODAY + timedelta(days=11),
                business_date=TODAY,
                now=now,
            )

    def test_a_submitted_product_cannot_go_on_sale(self, maker, now):
        product = submitted(maker, mmf_draft(), now)
        with pytest.raises(AdmissionStateInvalid):
            product_put_on_sale(
                actor=maker, product_id=product.id, on_sale_from=TODAY, business_date=TODAY, now=now
            )


class TestSuspendResumeClose:
    def test_suspend_resume_and_close_each_leave_their_step(self, maker, checker, now):
        product = on_sale(maker, checker, mmf_draft(), now)

        product_suspend(actor=maker, product_id=product.id, reason="Issuer review", now=now)
        product_resume(actor=maker, product_id=product.id, now=now)
        product = product_close(actor=maker, product_id=product.id, reason="Wound up", now=now)

        assert product.state == "closed"
        assert [a for a, _ in _steps(product)] == [
            "create",
            "submit",
            "approve",
            "put_on_sale",
            "suspend",
            "resume",
            "close",
        ]
        actions = set(AuditEntry.objects.values_list("action", flat=True))
        assert {
            "products.admission_suspend",
            "products.admission_resume",
            "products.admission_close",
        } <= actions

    def test_a_suspension_needs_a_reason(self, maker, checker, now):
        product = on_sale(maker, checker, mmf_draft(), now)
        with pytest.raises(ReasonRequired):
            product_suspend(actor=maker, product_id=product.id, reason="", now=now)
        product.refresh_from_db()
        assert product.state == "on_sale"

    def test_a_closed_product_stays_closed(self, maker, checker, now):
        product = on_sale(maker, checker, mmf_draft(), now)
        product_close(actor=maker, product_id=product.id, reason="done", now=now)
        with pytest.raises(AdmissionStateInvalid):
            product_resume(actor=maker, product_id=product.id, now=now)

    def test_a_draft_cannot_be_suspended(self, maker, now):
        product = product_create(actor=maker, draft=mmf_draft(), now=now)
        documents_attached(maker, product, now)
        with pytest.raises(AdmissionStateInvalid):
            product_suspend(actor=maker, product_id=product.id, reason="x", now=now)
