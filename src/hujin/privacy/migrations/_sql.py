"""Database rules for privacy: a consent record is evidence.

Who accepted which document version, when and through which channel never changes, and a record
is never deleted. Only two updates are allowed: recording the withdrawal (once) and clearing the
IP address when the person's data is anonymised. PostgreSQL enforces all of it; SQLite refuses
changes of the evidence columns (test databases are flushed with DELETE there).
"""

from hujin.core.ddl import vendor_sql

POSTGRES_UP = """
CREATE OR REPLACE FUNCTION privacy_consent_guard() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    RAISE EXCEPTION 'consent records are evidence: DELETE refused'
      USING ERRCODE = 'restrict_violation';
  END IF;
  IF NEW.user_id IS DISTINCT FROM OLD.user_id
     OR NEW.document_id IS DISTINCT FROM OLD.document_id
     OR NEW.accepted_at IS DISTINCT FROM OLD.accepted_at
     OR NEW.channel IS DISTINCT FROM OLD.channel
     OR (OLD.withdrawn_at IS NOT NULL AND NEW.withdrawn_at IS DISTINCT FROM OLD.withdrawn_at)
     OR (NEW.ip IS NOT NULL AND NEW.ip IS DISTINCT FROM OLD.ip) THEN
    RAISE EXCEPTION 'consent records are evidence: only withdrawal and IP removal may change'
      USING ERRCODE = 'restrict_violation';
  END IF;
  RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER privacy_consent_evidence BEFORE UPDATE OR DELETE ON privacy_consentrecord
  FOR EACH ROW EXECUTE FUNCTION privacy_consent_guard();
"""
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS privacy_consent_evidence ON privacy_consentrecord;
DROP FUNCTION IF EXISTS privacy_consent_guard();
"""
SQLITE_UP = [
    "CREATE TRIGGER IF NOT EXISTS privacy_consent_evidence BEFORE UPDATE OF "
    "user_id, document_id, accepted_at, channel ON privacy_consentrecord BEGIN SELECT RAISE("
    "ABORT, 'consent records are evidence: only withdrawal and IP removal may change'); END;",
]
SQLITE_DOWN = ["DROP TRIGGER IF EXISTS privacy_consent_evidence;"]


OPERATION = vendor_sql(
    postgresql=POSTGRES_UP,
    postgresql_reverse=POSTGRES_DOWN,
    sqlite=SQLITE_UP,
    sqlite_reverse=SQLITE_DOWN,
)
