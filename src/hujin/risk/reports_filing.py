"""Helpers of a report's filing: the institution a batch was approved with, the next batch
file's sequence of a date, and a filed file given out again (checked, audited)."""

from datetime import date, datetime

from hujin.core.actors import Actor
from hujin.core.audit import audit_record
from hujin.risk.errors import ReportFileAltered, ReportStateInvalid
from hujin.risk.models_cases import LV, Report
from hujin.risk.reports_export import ReportFile, batch_prefix, file_from_kept
from hujin.risk.reports_str import TARGET


def approved_institution(reports: list[Report]) -> dict:
    """The reporting institution the reports were approved with (their content's)."""
    kept = {(r.content["institution"]["code"], r.content["institution"]["name"])
            for r in reports}  # fmt: skip
    if len(kept) != 1:
        raise ReportStateInvalid(details={"reason": "institutions_differ",
                                          "numbers": [r.number for r in reports]})  # fmt: skip
    code, name = kept.pop()
    return {"code": code, "name": name}


def batch_sequence(institution: str, on: date) -> int:
    """The next batch number of the date's large-value files (01 first)."""
    names = Report.objects.filter(
        kind=LV, occurred_on=on, export_name__startswith=batch_prefix(institution, on)
    )
    return names.values("export_name").distinct().count() + 1


def filed_file_download(actor: Actor, report: Report, now: datetime) -> ReportFile:
    """A filed report's file as it was filed, checked against its SHA-256, the download audited
    with the customers the file names (a large-value batch names every report's customer)."""
    file = file_from_kept(report.content["file"], report.export_name)
    if file.sha256 != report.export_sha256:
        raise ReportFileAltered(details={"number": report.number})
    same_file = Report.objects.filter(export_name=report.export_name, filed_at=report.filed_at)
    customers = sorted({str(c) for c in same_file.values_list("customer_id", flat=True)})
    audit_record(actor=actor, action="risk.report_download", target_type=TARGET,
                 target_id=str(report.id), occurred_at=now,
                 after={"number": report.number, "export_name": report.export_name,
                        "export_sha256": report.export_sha256,
                        "customer_ids": customers})  # fmt: skip
    return file
