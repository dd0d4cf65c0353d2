"""PostgreSQL: ``core_audit_append``, one audit entry appended to a chain in one call.

The function locks and advances the chain head (creating it on first use) and inserts the entry
linked to it, computing ``entry_hash = sha256("<prev_hash>|<position>|<content_hash>")`` as
``hujin.core.audit.entry_hash_of`` does. ``audit_record`` calls it, and so can another database
function that writes and audits in a single statement (the ledger's single-transfer path).
"""

from django.db import migrations

from hujin.core.ddl import vendor_sql

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
    -- The chain's first entry (also after a test database was flushed).
    INSERT INTO core_auditchainhead (chain, last_seq, last_hash, prev_hash, length)
    VALUES (p_chain, 0, repeat('0', 64), repeat('0', 64), 0) ON CONFLICT (chain) DO NOTHING;
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


class Migration(migrations.Migration):
    dependencies = [("core", "0003_audit_chain_and_approvals")]

    operations = [
        vendor_sql(
            postgresql=AUDIT_APPEND,
            postgresql_reverse="DROP FUNCTION IF EXISTS core_audit_append("
            "int, text, timestamptz, text, text, text, text, text, text, jsonb, jsonb, text, text)",
            params=None,
        )
    ]
