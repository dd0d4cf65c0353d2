"""Risk assessments become append-only like the audit trail: UPDATE, DELETE and (PostgreSQL)
TRUNCATE refused, test databases still wiped between tests.

Migration 0001 refused UPDATE and DELETE on PostgreSQL but only UPDATE on SQLite, and let
TRUNCATE through. Its triggers are replaced by ``hujin.core.ddl.append_only``'s; reversing puts
0001's back (their text is kept here, as 0001 ran it).
"""

from django.db import migrations

from hujin.core.ddl import append_only_sql, vendor_sql

TABLE = "suitability_assessment"
APPEND_ONLY = append_only_sql(
    TABLE, function="suitability_refuse_change", reason="risk assessments are history"
)

DROP_0001_POSTGRES = f"""
DROP TRIGGER IF EXISTS suitability_assessment_immutable ON {TABLE};
DROP FUNCTION IF EXISTS suitability_refuse_change();
"""
DROP_0001_SQLITE = "DROP TRIGGER IF EXISTS suitability_assessment_immutable;"
RESTORE_0001_POSTGRES = f"""
CREATE OR REPLACE FUNCTION suitability_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'risk assessments are history: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER suitability_assessment_immutable BEFORE UPDATE OR DELETE ON {TABLE}
  FOR EACH ROW EXECUTE FUNCTION suitability_refuse_change();
"""
RESTORE_0001_SQLITE = (
    "CREATE TRIGGER IF NOT EXISTS suitability_assessment_immutable BEFORE UPDATE "
    "ON suitability_assessment BEGIN SELECT RAISE(ABORT, "
    "'risk assessments are history: UPDATE on suitability_assessment refused'); END;"
)


class Migration(migrations.Migration):
    dependencies = [
        ("suitability", "0001_initial"),
        ("core", "0003_audit_chain_and_approvals"),  # hujin_audit_wipe_allowed()
    ]

    operations = [
        vendor_sql(
            postgresql=DROP_0001_POSTGRES,
            postgresql_reverse=RESTORE_0001_POSTGRES,
            sqlite=DROP_0001_SQLITE,
            sqlite_reverse=RESTORE_0001_SQLITE,
            params=None,
        ),
        APPEND_ONLY.operation(),
    ]
