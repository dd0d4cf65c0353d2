-- payments_payment_book and payments_payment_finish as payments migration 0008 makes them.
-- Frozen: read only by migration 0008 (and by a later one to go back); a change is a new file.

-- A payment's audit entry and its event (aggregate type and target type 'payments.payment').
CREATE OR REPLACE FUNCTION payments_payment_record(
  p_payment uuid, p_chain int, p_hash text, p_now timestamptz, p_actor_kind text,
  p_actor_id text, p_actor_label text, p_action text, p_before jsonb, p_after jsonb, p_ip text,
  p_request_id text, p_event_id uuid, p_event_type text, p_event_payload jsonb)
RETURNS void
LANGUAGE plpgsql AS $fn$
BEGIN
  PERFORM core_audit_append(p_chain, p_hash, p_now, p_actor_kind, p_actor_id, p_actor_label,
      p_action, 'payments.payment', p_payment::text, p_before, p_after, p_ip, p_request_id);
  INSERT INTO core_outboxevent (event_id, aggregate_type, aggregate_id, event_type, payload,
      occurred_at, attempts, last_error)
  VALUES (p_event_id, 'payments.payment', p_payment::text, p_event_type, p_event_payload, p_now,
      0, '');
END
$fn$;

-- A payment allowed by its screens (no reasons), with no fee, booked in one statement: the
-- running totals raised and found where the decision saw them, the screening decision, the
-- payment (p_status: 'succeeded' for a transfer between customers posted at once, 'created'
-- for a top-up whose pending credit waits on the channel), the ledger's transfer
-- (ledger_transfer_create_one), the audit entry and the event. Its amount, currency, time,
-- actor and the request's ip and id are the ledger transfer's own (l_amount, l_currency, l_now,
-- l_actor_*, l_ip, l_request_id), and its ledger transfer is l_id. The audit entry's target
-- type and the event's aggregate type are 'payments.payment'.
-- (Up to 50 arguments: psycopg caches the statement's parsing then.)
CREATE OR REPLACE FUNCTION payments_payment_book(
  p_customer uuid, p_kind text, p_day date, p_month date,
  p_day_cap bigint, p_month_cap bigint, p_count_max bigint,
  p_screening uuid, p_payment uuid, p_payee uuid, p_card uuid, p_key text, p_channel text,
  p_status text, p_audit_hash text, p_action text, p_after jsonb,
  p_event_id uuid, p_event_type text, p_event_payload jsonb,
  -- ledger_transfer_create_one's arguments
  l_id uuid, l_kind text, l_debit uuid, l_credit uuid, l_amount bigint, l_currency text,
  l_timeout int, l_code text, l_metadata jsonb, l_shape_result text,
  l_business_date date, l_now timestamptz, l_claim_class int, l_claim_bucket int,
  l_audit_chain int, l_actor_kind text, l_actor_id text, l_actor_label text,
  l_batch_id text, l_ip text, l_request_id text,
  l_after_ok jsonb, l_hash_ok text, l_after_failed jsonb, l_hash_failed text,
  l_event_id uuid, l_event_payload jsonb,
  l_action text, l_target_type text, l_event_type text)
RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
  u record;
  v_code text;
BEGIN
  FOR u IN
    INSERT INTO payments_limitusage (customer_id, kind, period, starts_on, amount_minor, "count")
    VALUES (p_customer, p_kind, 'day', p_day, l_amount, 1),
           (p_customer, p_kind, 'month', p_month, l_amount, 1)
    ON CONFLICT (customer_id, kind, period, starts_on) DO UPDATE
      SET amount_minor = payments_limitusage.amount_minor + excluded.amount_minor,
          "count" = payments_limitusage."count" + 1
    RETURNING period, amount_minor, "count"
  LOOP
    IF (u.period = 'day' AND u.amount_minor > p_day_cap)
       OR (u.period = 'month' AND (u.amount_minor > p_month_cap OR u."count" > p_count_max)) THEN
      RAISE EXCEPTION 'payments: stale';
    END IF;
  END LOOP;
  INSERT INTO payments_screening (id, customer_id, kind, amount_minor, outcome, reasons,
      decided_at, reviewed_by, reviewed_at, review_note)
  VALUES (p_screening, p_customer, p_kind, l_amount, 'allow', '[]', l_now, '', NULL, '');
  INSERT INTO payments_payment (id, customer_id, idempotency_key, kind, card_id, payee_id,
      amount, fee, currency, status, channel, channel_reference, hold_transfer_id,
      resolution_transfer_id, failure_code, created_at, updated_at, finished_at, screening_id,
      fee_transfer_id)
  VALUES (p_payment, p_customer, p_key, p_kind, p_card, p_payee, l_amount, 0, l_currency,
      p_status, p_channel, '', l_id, NULL, '', l_now, l_now,
      CASE WHEN p_status = 'succeeded' THEN l_now END, p_screening, NULL);
  -- The locks in the general way's order: a payment at a channel records itself before the
  -- ledger locks the channel's clearing account, which every such payment shares (held from
  -- there to the commit only); a transfer between customers after its ledger transfer.
  IF p_status <> 'succeeded' THEN
    PERFORM payments_payment_record(p_payment, l_audit_chain, p_audit_hash, l_now, l_actor_kind,
        l_actor_id, l_actor_label, p_action, NULL, p_after, l_ip, l_request_id, p_event_id,
        p_event_type, p_event_payload);
  END IF;
  v_code := ledger_transfer_create_one(
      l_id, l_kind, l_debit, l_credit, l_amount, l_currency, l_timeout, l_code, l_metadata,
      l_shape_result, l_business_date, l_now, l_claim_class, l_claim_bucket,
      l_audit_chain, l_actor_kind, l_actor_id, l_actor_label, l_batch_id, l_ip, l_request_id,
      l_after_ok, l_hash_ok, l_after_failed, l_hash_failed, l_event_id, l_event_payload,
      l_action, l_target_type, l_event_type);
  IF v_code <> 'ok' THEN
    RAISE EXCEPTION 'payments: ledger %', v_code;
  END IF;
  IF p_status = 'succeeded' THEN
    PERFORM payments_payment_record(p_payment, l_audit_chain, p_audit_hash, l_now, l_actor_kind,
        l_actor_id, l_actor_label, p_action, NULL, p_after, l_ip, l_request_id, p_event_id,
        p_event_type, p_event_payload);
  END IF;
  RETURN 'ok';
END
$fn$;

-- A channel's callback applied in one statement on the clean path: the payment p_payment,
-- still 'pending' at channel p_channel under p_reference with no fee, becomes p_outcome; its
-- hold is posted or voided in full (ledger_transfer_resolve_one), with the audit entry and the
-- event. Anything else — the payment moved meanwhile, the ledger's 'engine' — raises
-- 'payments: stale' or 'payments: ledger engine', rolling all of it back: the caller then goes
-- the general way, which says what happened.
CREATE OR REPLACE FUNCTION payments_payment_finish(
  p_payment uuid, p_channel text, p_reference text, p_outcome text, p_failure_code text,
  p_audit_hash text, p_action text, p_before jsonb, p_after jsonb,
  p_event_id uuid, p_event_type text, p_event_payload jsonb,
  -- ledger_transfer_resolve_one's arguments
  l_id uuid, l_kind text, l_pending_id uuid, l_code text, l_metadata jsonb,
  l_business_date date, l_now timestamptz, l_claim_class int, l_claim_bucket int,
  l_audit_chain int, l_actor_kind text, l_actor_id text, l_actor_label text,
  l_batch_id text, l_ip text, l_request_id text, l_after_ok jsonb, l_hash_ok text,
  l_event_id uuid, l_event_payload jsonb,
  l_action text, l_target_type text, l_event_type text)
RETURNS text
LANGUAGE plpgsql AS $fn$
DECLARE
  v_code text;
BEGIN
  UPDATE payments_payment
     SET status = p_outcome, resolution_transfer_id = l_id, failure_code = p_failure_code,
         finished_at = l_now, updated_at = l_now
   WHERE id = p_payment AND channel = p_channel AND channel_reference = p_reference
     AND status = 'pending' AND kind <> 'transfer' AND fee = 0
     AND hold_transfer_id = l_pending_id;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'payments: stale';
  END IF;
  -- As the general way: the payment's record, then the ledger (the clearing account locked
  -- from there to the commit only).
  PERFORM payments_payment_record(p_payment, l_audit_chain, p_audit_hash, l_now, l_actor_kind,
      l_actor_id, l_actor_label, p_action, p_before, p_after, l_ip, l_request_id, p_event_id,
      p_event_type, p_event_payload);
  v_code := ledger_transfer_resolve_one(
      l_id, l_kind, l_pending_id, l_code, l_metadata, l_business_date, l_now, l_claim_class,
      l_claim_bucket, l_audit_chain, l_actor_kind, l_actor_id, l_actor_label, l_batch_id, l_ip,
      l_request_id, l_after_ok, l_hash_ok, l_event_id, l_event_payload, l_action,
      l_target_type, l_event_type);
  IF v_code <> 'ok' THEN
    RAISE EXCEPTION 'payments: ledger %', v_code;
  END IF;
  RETURN 'ok';
END
$fn$;
