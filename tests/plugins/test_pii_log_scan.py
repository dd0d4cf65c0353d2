"""The PII log scan finds what it must and leaves ordinary log lines alone."""

from tests.plugins.pii_log_scan import pii_scan


def kinds(text: str, samples=frozenset()) -> set[tuple[str, str]]:
    return {(leak.kind, leak.masked) for leak in pii_scan(text, samples=set(samples))}


class TestPiiScan:
    def test_finds_a_known_sample_and_masks_it_in_the_report(self):
        leaks = pii_scan("INFO hujin.customers: created 张三 ok", samples={"张三"})
        assert [(leak.kind, leak.logger, leak.count) for leak in leaks] == [
            ("sample", "hujin.customers", 1)
        ]
        assert "张三" not in str(leaks[0])

    def test_finds_any_mainland_mobile_number(self):
        found = kinds("WARNING hujin.identity: sms to +86 13700001111 failed")
        assert found == {("mobile", "137****1111")}

    def test_finds_any_resident_id_number(self):
        found = kinds("ERROR django.request: bad id 11010519491231002x in form")
        assert found == {("document", "110105********002X")}

    def test_counts_repeats_per_logger(self):
        text = "INFO a: 13700001111\nINFO a: 13700001111\nINFO b: 13700001111"
        counts = {(leak.logger, leak.count) for leak in pii_scan(text, samples=set())}
        assert counts == {("a", 2), ("b", 1)}

    def test_leaves_masked_values_ids_and_timestamps_alone(self):
        text = "\n".join(
            [
                "INFO hujin.customers: mobile 138****5678 document 110105********002X",
                "INFO hujin.ledger: transfer 01937a6e-1389-7c3e-8a35-12345678901a posted",
                "INFO huey: task done in 1731234567890 ms",
                "INFO hujin.core: batch 213812345678901 done",
                "WARNING django.request: Not Found: /orders/01a24ceb-81a0-7630-b344-a15212341623/",
                "WARNING django.request: Not Found: /me/01a24ceb-81a0-7630-b344-15212341623e/",
            ]
        )
        assert pii_scan(text, samples=set()) == []

    def test_finds_a_mobile_next_to_punctuation_or_words(self):
        found = kinds("INFO a: mobile=13700001111, to:13700002222; 手机13700003333")
        assert found == {("mobile", "137****1111"), ("mobile", "137****2222"),
                         ("mobile", "137****3333")}  # fmt: skip

    def test_reports_a_sample_mobile_once(self):
        found = kinds("INFO a: +8613812345678", samples={"+8613812345678"})
        assert found == {("mobile", "138****5678")}
