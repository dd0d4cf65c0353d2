-- ledger_transfer_create_one as ledger migration 0004 makes it: one single or pending transfer
-- in one call (see that migration's docstring).
-- Frozen: read only by migration 0004 (and by 0005 to go back); a later change is a new file.
CREATE OR REPLACE FUNCTION ledger_transfer_create_one(
  p_id uuid, p_kind text, p_debit uuid, p_credit uuid, p_amount bigint, p_currency text,
  p_timeout int, p_code text, p_metadata jsonb, p_shape_result text,
  p_business_date date, p_now timestamptz, p_claim_class int, p_claim_bucket int,
  p_audit_chain int, p_actor_kind text, p_actor_id text, p_actor_label text,
  p_batch_id text, p_ip text, p_request_id text,
  p_after_ok jsonb, p_hash_ok text, p_after_failed jsonb, p_hash_failed text,
  p_event_id uuid, p_event_payload jsonb,
  p_action text, p_target_type text, p_event_type text)
RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
  t record;
  a record;
  dr record;
  cr record;
  v_result text;
  v_currency text;
  v_pending boolean := p_kind = 'pending';
  v_timeout int := NULLIF(p_timeout, 0);
  max_balance CONSTANT bigint := 9223372036854775807;
BEGIN
  -- The id's claim: a concurrent writer of the same id commits before we read it.
  PERFORM pg_advisory_xact_lock(p_claim_class, p_claim_bucket);
  SELECT kind, debit_account_id, credit_account_id, amount, currency, pending_id, linked,
         timeout_seconds, code, metadata
    INTO t FROM ledger_transfer WHERE id = p_id;
  IF FOUND THEN
    IF t.kind = p_kind AND NOT t.linked AND t.code = p_code AND t.metadata = p_metadata
       AND t.pending_id IS NULL AND t.timeout_seconds IS NOT DISTINCT FROM v_timeout
       AND t.debit_account_id = p_debit AND t.credit_account_id = p_credit
       AND t.amount = p_amount AND (p_currency IS NULL OR p_currency = t.currency) THEN
      RETURN 'exists';
    END IF;
    RETURN 'exists_with_different_fields';
  END IF;
  IF EXISTS (SELECT 1 FROM ledger_failedtransfer WHERE id = p_id) THEN
    RETURN 'id_already_failed';
  END IF;
  IF p_shape_result IS NOT NULL THEN
    RETURN p_shape_result;
  END IF;
  FOR a IN SELECT id, currency, closed, debits_must_not_exceed_credits AS dmnec,
                  credits_must_not_exceed_debits AS cmned, debits_pending, debits_posted,
                  credits_pending, credits_posted
             FROM ledger_account WHERE id IN (p_debit, p_credit) ORDER BY id FOR UPDATE LOOP
    IF a.id = p_debit THEN dr := a; ELSE cr := a; END IF;
  END LOOP;
  IF dr IS NULL OR cr IS NULL THEN
    v_result := 'account_not_found';
  ELSIF dr.currency <> cr.currency OR (p_currency IS NOT NULL AND p_currency <> dr.currency) THEN
    RETURN 'currency_mismatch';
  ELSIF dr.closed OR cr.closed THEN
    v_result := 'account_closed';
  ELSIF dr.debits_pending + dr.debits_posted > max_balance - p_amount
     OR cr.credits_pending + cr.credits_posted > max_balance - p_amount THEN
    v_result := 'overflows_balance';
  ELSIF dr.dmnec AND dr.debits_pending + dr.debits_posted + p_amount > dr.credits_posted THEN
    v_result := 'exceeds_credits';
  ELSIF cr.cmned AND cr.credits_pending + cr.credits_posted + p_amount > cr.debits_posted THEN
    v_result := 'exceeds_debits';
  END IF;
  IF v_result IS NOT NULL THEN
    -- A failure that depends on the ledger's state burns the id.
    INSERT INTO ledger_failedtransfer (id, code, failed_at) VALUES (p_id, v_result, p_now);
    PERFORM core_audit_append(p_audit_chain, p_hash_failed, p_now, p_actor_kind, p_actor_id,
        p_actor_label, p_action, p_target_type, p_batch_id, NULL,
        p_after_failed, p_ip, p_request_id);
    RETURN v_result;
  END IF;
  v_currency := dr.currency;
  IF v_pending THEN
    UPDATE ledger_account SET debits_pending = debits_pending + p_amount WHERE id = p_debit
      RETURNING debits_pending, debits_posted, credits_pending, credits_posted INTO dr;
    UPDATE ledger_account SET credits_pending = credits_pending + p_amount WHERE id = p_credit
      RETURNING debits_pending, debits_posted, credits_pending, credits_posted INTO cr;
  ELSE
    UPDATE ledger_account SET debits_posted = debits_posted + p_amount WHERE id = p_debit
      RETURNING debits_pending, debits_posted, credits_pending, credits_posted INTO dr;
    UPDATE ledger_account SET credits_posted = credits_posted + p_amount WHERE id = p_credit
      RETURNING debits_pending, debits_posted, credits_pending, credits_posted INTO cr;
  END IF;
  INSERT INTO ledger_transfer (id, kind, debit_account_id, credit_account_id, currency, amount,
      pending_id, linked, timeout_seconds, expires_at, code, metadata, business_date, created_at,
      dr_debits_pending, dr_debits_posted, dr_credits_pending, dr_credits_posted,
      cr_debits_pending, cr_debits_posted, cr_credits_pending, cr_credits_posted)
  VALUES (p_id, p_kind, p_debit, p_credit, v_currency, p_amount, NULL, FALSE, v_timeout,
      CASE WHEN v_pending AND v_timeout IS NOT NULL THEN p_now + make_interval(secs => v_timeout) END,
      p_code, p_metadata, p_business_date, p_now,
      dr.debits_pending, dr.debits_posted, dr.credits_pending, dr.credits_posted,
      cr.debits_pending, cr.debits_posted, cr.credits_pending, cr.credits_posted);
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
