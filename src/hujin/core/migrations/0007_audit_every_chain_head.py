"""Every audit chain has its head, and a head only ever advances.

- The heads of all 16 chains are created now (those not yet used start empty), so the trail's
  chain count is in the database from here on and ``audit_verify`` requires every head: a chain
  removed together with its head no longer goes unnoticed.
- ``core_audit_append`` (same signature as in 0004) creates all the heads at once when it finds
  none, which happens only on a test database whose tables were flushed.
- Triggers refuse deleting a head, truncating the heads (a Django test database excepted, as for
  the entries) and any update other than advancing a head by one entry linked to its last.

The SQL is written out here, for this migration only; 16 is ``AUDIT_CHAINS`` as of this migration.
"""

from django.db import migrations

from hujin.core.ddl import vendor_sql

CHAINS = 16
GENESIS = "0" * 64

AUDIT_APPEND = """
CREATE OR REPLACE FUNCTION core_audit_append(
  p_chain int, p_content_hash text, p_occurred_at timestamptz, p_actor_kind text,
  p_actor_id text, p_actor_label text, p_action text, p_target_type text, p_target_id text,
  p_before jsonb, p_after jsonb, p_ip text, p_request_id text,
  OUT entry_id bigint, OUT entry_position bigint, OUT entry_prev_hash text, OUT entry_hash text)
LANGUAGE plpgsql AS $fn$
BEGIN
  FOR attempt IN 1..2 LOOP
    UPDATE core_auditchainhead
       SET last_seq = last_seq + 1, length = length + 1, prev_hash = last_hash,
           last_hash = encode(sha256(convert_to(
               last_hash || '|' || (last_seq + 1)::text || '|' || p_content_hash, 'UTF8')), 'hex')
     WHERE chain = p_chain
    RETURNING last_seq, prev_hash, last_hash INTO entry_position, entry_prev_hash, entry_hash;
    EXIT WHEN FOUND;
    -- No head: a flushed test database. Every chain's head, in chain order.
    INSERT INTO core_auditchainhead (chain, last_seq, last_hash, prev_hash, length)
    SELECT g, 0, repeat('0', 64), repeat('0', 64), 0 FROM generate_series(0, 15) AS g
    ON CONFLICT (chain) DO NOTHING;
  END LOOP;
  INSERT INTO core_auditentry (occurred_at, actor_kind, actor_id, actor_label, action,
      target_type, target_id, before, after, ip, request_id, chain, position, prev_hash,
      entry_hash)
  VALUES (p_occurred_at, p_actor_kind, p_actor_id, p_actor_label, p_action, p_target_type,
      p_target_id, p_before, p_after, p_ip, p_request_id, p_chain, entry_position,
      entry_prev_hash, entry_hash)
  RETURNING id INTO entry_id;
END
$fn$
"""

# The WHEN clause keeps the trigger function off the hot path: it runs only to refuse.
NOT_AN_ADVANCE = (
    "NEW.chain <> OLD.chain OR NEW.last_seq <> OLD.last_seq + 1 "
    "OR NEW.length <> OLD.length + 1 OR NEW.prev_hash <> OLD.last_hash"
)
REASON = "an audit chain head only advances"

POSTGRES_UP = [
    AUDIT_APPEND,
    f"""
CREATE FUNCTION core_auditchainhead_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'TRUNCATE' AND hujin_audit_wipe_allowed() THEN
    RETURN NULL;
  END IF;
  RAISE EXCEPTION '{REASON}: % on % refused', TG_OP, TG_TABLE_NAME
    USING ERRCODE = 'restrict_violation';
END $$;
CREATE TRIGGER core_auditchainhead_advance_only BEFORE UPDATE ON core_auditchainhead
  FOR EACH ROW WHEN ({NOT_AN_ADVANCE})
  EXECUTE FUNCTION core_auditchainhead_refuse_change();
CREATE TRIGGER core_auditchainhead_no_delete BEFORE DELETE ON core_auditchainhead
  FOR EACH ROW EXECUTE FUNCTION core_auditchainhead_refuse_change();
CREATE TRIGGER core_auditchainhead_no_truncate BEFORE TRUNCATE ON core_auditchainhead
  FOR EACH STATEMENT EXECUTE FUNCTION core_auditchainhead_refuse_change();
""",
]
POSTGRES_DOWN = """
DROP TRIGGER IF EXISTS core_auditchainhead_no_truncate ON core_auditchainhead;
DROP TRIGGER IF EXISTS core_auditchainhead_no_delete ON core_auditchainhead;
DROP TRIGGER IF EXISTS core_auditchainhead_advance_only ON core_auditchainhead;
DROP FUNCTION IF EXISTS core_auditchainhead_refuse_change();
"""
# As for the entries: a test database is wiped with DELETE, allowed by hujin_audit_wipe_allowed()
# on Django test databases only.
SQLITE_UP = [
    "CREATE TRIGGER core_auditchainhead_advance_only BEFORE UPDATE ON core_auditchainhead "
    f"WHEN {NOT_AN_ADVANCE} BEGIN "
    f"SELECT RAISE(ABORT, '{REASON}: UPDATE on core_auditchainhead refused'); END;",
    "CREATE TRIGGER core_auditchainhead_no_delete BEFORE DELETE ON core_auditchainhead "
    "WHEN NOT hujin_audit_wipe_allowed() BEGIN "
    f"SELECT RAISE(ABORT, '{REASON}: DELETE on core_auditchainhead refused'); END;",
]
SQLITE_DOWN = [
    "DROP TRIGGER IF EXISTS core_auditchainhead_advance_only;",
    "DROP TRIGGER IF EXISTS core_auditchainhead_no_delete;",
]


def create_every_head(apps, schema_editor):
    AuditChainHead = apps.get_model("core", "AuditChainHead")
    existing = set(AuditChainHead.objects.values_list("chain", flat=True))
    AuditChainHead.objects.bulk_create(
        AuditChainHead(chain=chain, last_seq=0, length=0, last_hash=GENESIS, prev_hash=GENESIS)
        for chain in range(CHAINS)
        if chain not in existing
    )


class Migration(migrations.Migration):
    dependencies = [("core", "0006_events_per_subscriber")]

    operations = [
        migrations.RunPython(create_every_head, migrations.RunPython.noop),
        # The reverse leaves this core_audit_append in place: it only creates more heads.
        vendor_sql(
            postgresql=POSTGRES_UP,
            postgresql_reverse=POSTGRES_DOWN,
            sqlite=SQLITE_UP,
            sqlite_reverse=SQLITE_DOWN,
            params=None,
        ),
    ]
