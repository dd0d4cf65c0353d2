"""The case pages' edges: a file past 10 MB stopped while it streams in, a download's name with
quotes and Chinese in it and its headers and audit entry, a bad title redrawing the opening
form, a joining refusal saying what is wrong with the alert, and a queue longer than a page
saying so."""
# ruff: noqa: F811 -- the case pages' fixtures are imported from test_pages_cases

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import StopUpload, TemporaryFileUploadHandler
from django.utils.http import content_disposition_header

from hujin.core.models import AuditEntry
from hujin.risk import views_cases
from hujin.risk.alerts import alert_dismiss
from hujin.risk.cases import case_open
from hujin.risk.cases_attachments import MAX_BYTES
from hujin.risk.models_cases import Case, CaseAttachment
from hujin.risk.views_cases import UploadCap
from tests.payments.conftest import make_customer  # noqa: F401 -- a fixture
from tests.risk.cases_helpers import actor_of, alert_for
from tests.risk.test_pages_cases import CASES, _main, analyst_client, case  # noqa: F401

pytestmark = pytest.mark.django_db


class TestUpload:
    def test_a_file_past_10_mb_is_stopped_while_it_streams(self, analyst_client, case,
                                                          monkeypatch):  # fmt: skip
        kept = []  # what Django's own handler (the one that stores a file) was given
        receive = TemporaryFileUploadHandler.receive_data_chunk

        def counted(handler, raw, start):
            kept.append(len(raw))
            return receive(handler, raw, start)

        monkeypatch.setattr(TemporaryFileUploadHandler, "receive_data_chunk", counted)
        upload = SimpleUploadedFile("big.txt", b"a" * (MAX_BYTES + 1))

        main = _main(analyst_client.post(f"{CASES}{case.id}/files/", {"file": upload}))

        assert "larger than 10 MB" in main and CaseAttachment.objects.count() == 0
        assert sum(kept) <= MAX_BYTES

    def test_the_cap_stops_at_the_first_chunk_past_the_limit(self):
        cap = UploadCap()
        assert cap.receive_data_chunk(b"a" * MAX_BYTES, 0) == b"a" * MAX_BYTES
        with pytest.raises(StopUpload):
            cap.receive_data_chunk(b"a", MAX_BYTES)
        assert cap.exceeded

    def test_the_upload_still_needs_the_csrf_token(self, analyst_client, case):
        analyst_client.handler.enforce_csrf_checks = True
        upload = SimpleUploadedFile("rows.txt", b"plain words")

        response = analyst_client.post(f"{CASES}{case.id}/files/", {"file": upload})

        assert response.status_code == 403 and CaseAttachment.objects.count() == 0


class TestDownload:
    def test_a_name_with_quotes_and_chinese_headers_and_audit(self, analyst_client, case):
        name = 'bank "reply" 回函.txt'
        upload = SimpleUploadedFile(name, "账户正常".encode())
        assert analyst_client.post(f"{CASES}{case.id}/files/", {"file": upload}).status_code == 302
        kept = CaseAttachment.objects.get()

        response = analyst_client.get(f"{CASES}{case.id}/files/{kept.id}/")

        assert response["Content-Disposition"] == content_disposition_header(True, name)
        assert (
            "filename*=utf-8''bank%20%22reply%22%20%E5%9B%9E%E5%87%BD.txt"
            in response["Content-Disposition"]
        )
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Cache-Control"] == "no-store"
        assert response["Content-Type"] == "text/plain; charset=utf-8"
        audit = AuditEntry.objects.get(action="risk.case_attachment_download")
        assert audit.target_id == str(case.id)
        assert audit.after["attachment_id"] == str(kept.id)


class TestOpeningForm:
    def _closed(self, client, case):
        closing = {"conclusion": "not_suspicious", "narrative": "Salary and rent, as every month."}
        assert client.post(f"{CASES}{case.id}/close/", closing).status_code == 302

    @pytest.mark.parametrize("title", ["   ", "tab\x01bed"])
    def test_a_bad_title_redraws_the_form_with_its_error(self, analyst_client, case, title):
        self._closed(analyst_client, case)
        asked = {"customer": case.customer_id, "back": case.id, "title": title}

        response = analyst_client.post(f"{CASES}open/", asked)

        main = _main(response)
        assert response.status_code == 400
        assert 'data-testid="open-form"' in main and "errorlist" in main
        assert Case.objects.count() == 1


class TestJoinRefusals:
    def test_a_dismissed_alert_is_said_to_be_dismissed(self, analyst_client, case, now):
        alert = alert_for(case.customer_id, now, code="BIG")
        alert_dismiss(actor=actor_of(analyst_client.user), alert_id=alert.id,
                      reason="A known salary payer", now=now)  # fmt: skip

        main = _main(analyst_client.post(f"{CASES}{case.id}/alerts/", {"alert": alert.id}))

        assert "was dismissed" in main and "This case is closed" not in main

    def test_an_alert_in_a_case_is_said_to_be_in_one(self, analyst_client, case):
        alert = case.alerts.get()
        main = _main(analyst_client.post(f"{CASES}{case.id}/alerts/", {"alert": alert.id}))

        assert "in a case already" in main and "This case is closed" not in main


class TestQueuePaging:
    def test_a_queue_longer_than_a_page_says_more_follow(self, analyst_client, case,
                                                        make_customer, now,
                                                        monkeypatch):  # fmt: skip
        other = make_customer(name="王伟").customer.id
        case_open(actor=actor_of(analyst_client.user), customer_id=other, title="t", now=now)
        monkeypatch.setattr(views_cases, "QUEUE_MAX", 1)

        main = _main(analyst_client.get(CASES))

        assert main.count("data-case=") == 1 and 'data-testid="case-rows-more"' in main
        chinese = _main(analyst_client.get(CASES, headers={"accept-language": "zh-hans"}))
        assert "仅显示前 1 个案件" in chinese

    def test_a_short_queue_says_nothing_more(self, analyst_client, case):
        assert 'data-testid="case-rows-more"' not in _main(analyst_client.get(CASES))
