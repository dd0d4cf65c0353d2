-- ledger_transfer_resolve_one as ledger migration 0011 makes it: a pending transfer posted or
-- voided in full, in one call, when the engine would apply it cleanly; otherwise 'engine' and
-- nothing written (the caller goes the engine's way, which says why it refuses).
-- Frozen: read only by migration 0011 (and by a later one to go back); a change is a new file.
CREATE OR REPLACE FUNCTION ledger_transfer_resolve_one(
  p_id uuid, p_kind text, p_pending_id uuid, p_code text, p_metadata jsonb,
  p_business_date date, p_now timestamptz, p_claim_class int, p_claim_bucket int,
  p_audit_chain int, p_actor_kind text, p_actor_id text, p_actor_label text,
  p_batch_id text, p_ip text, p_request_id text, p_after_ok jsonb, p_hash_ok text,
  p_event_id uuid, p_event_payload jsonb,
  p_action text, p_target_type text, p_event_type text)
RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
  p record;
  a record;
  dr record;
  cr record;
  v_post boolean := p_kind = 'post_pending';
  v_dr_number bigint;
  v_cr_number bigint;
BEGIN
  IF p_kind NOT IN ('post_pending', 'void_pending') OR p_pending_id IS NULL
     OR p_pending_id = p_id THEN
    RETURN 'engine';
  END IF;
  -- The id's claim: a concurrent writer of the same id commits before we read it.
  PERFORM pg_advisory_xact_lock(p_claim_class, p_claim_bucket);
  IF EXISTS (SELECT 1 FROM ledger_transfer WHERE id = p_id)
     OR EXISTS (SELECT 1 FROM ledger_failedtransfer WHERE id = p_id) THEN
    RETURN 'engine';  -- a repeat (or a clash): the engine compares it with what is there
  END IF;
  SELECT kind, debit_account_id, credit_account_id, amount, currency, expires_at
    INTO p FROM ledger_transfer WHERE id = p_pending_id;
  IF NOT FOUND OR p.kind <> 'pending'
     OR (p.expires_at IS NOT NULL AND p.expires_at <= p_now) THEN
    RETURN 'engine';
  END IF;
  FOR a IN SELECT id, number, closed, debits_frozen
             FROM ledger_account WHERE id IN (p.debit_account_id, p.credit_account_id)
            ORDER BY id FOR UPDATE LOOP
    IF a.id = p.debit_account_id THEN dr := a; v_dr_number := a.number; END IF;
    IF a.id = p.credit_account_id THEN cr := a; v_cr_number := a.number; END IF;
  END LOOP;
  -- Resolved or expired already (checked under the accounts' locks, as the engine does).
  IF EXISTS (SELECT 1 FROM ledger_transfer WHERE pending_id = p_pending_id) THEN
    RETURN 'engine';
  END IF;
  IF v_post AND (dr.closed OR cr.closed OR dr.debits_frozen) THEN
    RETURN 'engine';
  END IF;
  UPDATE ledger_account
     SET debits_pending = debits_pending - p.amount,
         debits_posted = debits_posted + CASE WHEN v_post THEN p.amount ELSE 0 END
   WHERE id = p.debit_account_id
  RETURNING debits_pending, debits_posted, credits_pending, credits_posted INTO dr;
  UPDATE ledger_account
     SET credits_pending = credits_pending - p.amount,
         credits_posted = credits_posted + CASE WHEN v_post THEN p.amount ELSE 0 END
   WHERE id = p.credit_account_id
  RETURNING debits_pending, debits_posted, credits_pending, credits_posted INTO cr;
  INSERT INTO ledger_transfer (id, kind, debit_account_id, credit_account_id, debit_number,
      credit_number, currency, amount,
      pending_id, linked, timeout_seconds, expires_at, code, metadata, business_date, created_at,
      dr_debits_pending, dr_debits_posted, dr_credits_pending, dr_credits_posted,
      cr_debits_pending, cr_debits_posted, cr_credits_pending, cr_credits_posted,
      actor_kind, actor_id, batch_id)
  VALUES (p_id, p_kind, p.debit_account_id, p.credit_account_id, v_dr_number, v_cr_number,
      p.currency,
      p.amount, p_pending_id, FALSE, NULL, NULL, p_code, p_metadata, p_business_date, p_now,
      dr.debits_pending, dr.debits_posted, dr.credits_pending, dr.credits_posted,
      cr.debits_pending, cr.debits_posted, cr.credits_pending, cr.credits_posted,
      p_actor_kind, p_actor_id, p_batch_id::uuid);
  PERFORM core_audit_append(p_audit_chain, p_hash_ok, p_now, p_actor_kind, p_actor_id,
      p_actor_label, p_action, p_target_type, p_batch_id, NULL, p_after_ok,
      p_ip, p_request_id);
  INSERT INTO core_outboxevent (event_id, aggregate_type, aggregate_id, event_type, payload,
      occurred_at, attempts, last_error)
  VALUES (p_event_id, p_target_type, p_batch_id, p_event_type, p_event_payload,
      p_now, 0, '');
  RETURN 'ok';
END
$fn$
