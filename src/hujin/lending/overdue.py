"""Days past due, delinquency buckets and the five-tier classification, recomputed set-based by
the close of business for every active loan.

- **DPD** on business date D: the days since the oldest instalment of the current schedule that
  fell due before D and is still unpaid (0 when none).
- **Buckets** (data: BUCKETS): M0 current, M1 1–30, M2 31–60, M3 61–90, M4 over 90 days.
- **Classification** (正常 / 关注 / 次级 / 可疑 / 损失) from DPD with the floors of
  《商业银行金融资产风险分类办法》(国家金融监督管理总局、中国人民银行令 2023年第1号), art. 10–12:
  overdue at all: at least special mention (关注); more than 90 days: at least substandard
  (次级); more than 270: at least doubtful (可疑); more than 360: loss (损失). A risk
  analyst's downgrade (``classification_manual``) holds when it is worse than the floor.
- **Provisions** by class (data: PROVISION_RATES), the rates of 《银行贷款损失准备计提指引》
  (银发〔2002〕98号): special mention 2 %, substandard 25 %, doubtful 50 %, loss 100 %, and a
  general reserve of 1 % on normal loans.

Every change of bucket or class is kept (LoanStatusChange): the loan page's history."""

from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from hujin.lending import types as t
from hujin.lending.recognition import date_sql, days_sql

# (from DPD, bucket), ascending
BUCKETS = ((0, "M0"), (1, "M1"), (31, "M2"), (61, "M3"), (91, "M4"))
# (from DPD, the class it is at least), ascending
CLASS_FLOORS = ((0, "normal"), (1, "special_mention"), (91, "substandard"), (271, "doubtful"),
                (361, "loss"))  # fmt: skip
CLASSES = ("normal", "special_mention", "substandard", "doubtful", "loss")
NON_PERFORMING = ("substandard", "doubtful", "loss")
PROVISION_RATES = {"normal": Decimal("0.01"), "special_mention": Decimal("0.02"),
                   "substandard": Decimal("0.25"), "doubtful": Decimal("0.50"),
                   "loss": Decimal("1.00")}  # fmt: skip
TABLE = "lending_status_lines"


def bucket_of(dpd: int) -> str:
    return [name for start, name in BUCKETS if dpd >= start][-1]


def class_floor(dpd: int) -> str:
    return [name for start, name in CLASS_FLOORS if dpd >= start][-1]


def worse(a: str, b: str) -> str:
    return a if CLASSES.index(a) >= CLASSES.index(b) else b


def _case(column: str, steps) -> str:
    parts = " ".join(f"WHEN {column} >= {start} THEN '{name}'" for start, name in reversed(steps))
    return f"CASE {parts} END"


def status_update(*, business_date: date) -> dict:
    """Recompute DPD, bucket and class of every active loan for ``business_date``; keep the
    changes. Idempotent: a second run changes nothing."""
    postgres = connection.vendor == "postgresql"
    d = date_sql(business_date)
    uuid_type = "uuid" if postgres else "char(32)"
    oldest = (
        "SELECT MIN(i.due_date) FROM lending_instalment i WHERE i.loan_id = l.id "
        f"AND i.schedule_version = l.schedule_version AND i.paid_on IS NULL AND i.due_date < {d}"
    )
    dpd = f"COALESCE({days_sql(d, f'({oldest})')}, 0)"
    floor = _case("s.dpd", CLASS_FLOORS)
    rank = " ".join(f"WHEN '{name}' THEN {n}" for n, name in enumerate(CLASSES))
    manual = "l.classification_manual"
    classification = (
        f"CASE WHEN {manual} <> '' AND (CASE {manual} {rank} END) > (CASE {floor} {rank} END) "
        f"THEN {manual} ELSE {floor} END"
    )
    params = {"d": business_date if postgres else business_date.isoformat()}
    target = "l" if postgres else "lending_loan"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {TABLE}")
        cursor.execute(f"CREATE TEMP TABLE {TABLE} (loan_id {uuid_type}, dpd integer, "
                       "bucket varchar(4), classification varchar(16))")  # fmt: skip
        cursor.execute(
            f"INSERT INTO {TABLE} SELECT s.id, s.dpd, {_case('s.dpd', BUCKETS)}, {classification} "
            f"FROM (SELECT l.id, {dpd} AS dpd FROM lending_loan l "
            f"WHERE l.state = '{t.LOAN_ACTIVE}') s JOIN lending_loan l ON l.id = s.id",
            params,
        )
        cursor.execute(
            "INSERT INTO lending_loanstatuschange (loan_id, business_date, dpd, bucket, "
            "classification, previous_bucket, previous_classification, reason) "
            f"SELECT l.id, %(d)s, n.dpd, n.bucket, n.classification, l.bucket, "
            f"l.classification, 'cob' FROM {TABLE} n JOIN lending_loan l ON l.id = n.loan_id "
            "WHERE n.bucket <> l.bucket OR n.classification <> l.classification",
            params,
        )
        changed = cursor.rowcount
        cursor.execute(
            f"UPDATE lending_loan {'l ' if postgres else ''}SET dpd = n.dpd, bucket = n.bucket, "
            f"classification = n.classification FROM {TABLE} n WHERE {target}.id = n.loan_id "
            f"AND ({target}.dpd <> n.dpd OR {target}.bucket <> n.bucket "
            f"OR {target}.classification <> n.classification)"
        )
        updated = cursor.rowcount
        cursor.execute(f"DROP TABLE {TABLE}")
    return {"updated": updated, "changed": changed}
