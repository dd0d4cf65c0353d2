"""A missing audit chain head stops the write instead of being recreated.

From 0007 on every chain's head exists and none can be deleted, so an append that finds no head
means a chain and its head were removed behind the database's back. ``core_audit_append`` (same
signature as in 0004 and 0007) used to recreate every head there, quietly starting that chain
afresh so that ``hujin audit verify`` found nothing wrong. Now it recreates them only where
``hujin_audit_wipe_allowed()`` says so (a Django test database, flushed between tests), and
anywhere else raises ``audit chain head N missing`` (SQLSTATE XX001, data_corrupted): the write's
transaction rolls back and verify keeps reporting the chain as missing. SQLite's path
(``hujin.core.audit.chain``) does the same in Python; it needs no schema change.

The SQL is written out here, for this migration only; 15 is ``AUDIT_CHAINS - 1`` as of this
migration. The reverse restores 0007's function, also written out here.
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
    -- Heads are never deleted: a missing one was removed with its chain, or p_chain is not a
    -- chain. Only a flushed test database gets its heads back, every one, in chain order.
    IF attempt = 2 OR NOT hujin_audit_wipe_allowed() THEN
      RAISE EXCEPTION 'audit chain head % missing', p_chain
        USING ERRCODE = 'data_corrupted',
              HINT = 'The chain or its head was removed; run hujin audit verify.';
    END IF;
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

# 0007's function: every head recreated whenever one is missing.
AUDIT_APPEND_0007 = """
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


class Migration(migrations.Migration):
    dependencies = [("core", "0007_audit_every_chain_head")]

    operations = [
        vendor_sql(postgresql=AUDIT_APPEND, postgresql_reverse=AUDIT_APPEND_0007, params=None),
    ]
