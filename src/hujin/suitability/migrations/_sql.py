"""Database rules for suitability: an assessment, once written, is history and never changes.

PostgreSQL refuses UPDATE and DELETE; SQLite refuses UPDATE (test databases are flushed with
DELETE there).
"""

from hujin.core.ddl import vendor_sql

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION suitability_refuse_change() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'risk assessments are history: %% on %% refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER suitability_assessment_immutable BEFORE UPDATE OR DELETE ON suitability_assessment
  FOR EACH ROW EXECUTE FUNCTION suitability_refuse_change();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS suitability_assessment_immutable ON suitability_assessment;
DROP FUNCTION IF EXISTS suitability_refuse_change();
"""
SQLITE_UP = [
    "CREATE TRIGGER IF NOT EXISTS suitability_assessment_immutable BEFORE UPDATE "
    "ON suitability_assessment BEGIN SELECT RAISE(ABORT, "
    "'risk assessments are history: UPDATE on suitability_assessment refused'); END;",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS suitability_assessment_immutable;"]


OPERATION = vendor_sql(
    postgresql=POSTGRES_UP,
    postgresql_reverse=POSTGRES_DOWN,
    sqlite=SQLITE_UP,
    sqlite_reverse=SQLITE_DOWN,
)
