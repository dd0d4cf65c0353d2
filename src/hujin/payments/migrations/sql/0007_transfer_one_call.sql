-- payments_transfer_facts and payments_transfer_book as payments migration 0007 makes them.
-- Frozen: read only by migration 0007 (and by a later one to go back); a change is a new file.

-- Everything a transfer between customers decides on, read in one query (no lock): both
-- sides' standing (customers' own function), the payee by their mobile's blind index
-- (identity's), a payment already made with the key, whether the payer has a card the bank
-- verified, the kind's limit rules and fee rule, the payer's running totals, the business date.
-- One SQL query over set-returning SQL functions: PostgreSQL inlines them all into the
-- caller's statement.
CREATE OR REPLACE FUNCTION payments_transfer_facts(
  p_payer_user uuid, p_payee_index text, p_key text, p_kind text, p_day date, p_month date,
  p_business_date_name text)
RETURNS TABLE (
  business_date date,
  payer_customer uuid, payer_type text, payer_status text, payer_verified boolean,
  payer_name text, payer_wallet uuid,
  payee_user uuid,
  payee_customer uuid, payee_type text, payee_status text, payee_verified boolean,
  payee_name text, payee_wallet uuid,
  existing uuid, payer_has_card boolean, limit_rules jsonb,
  fee_found boolean, fee_free int, fee_rate text, fee_fixed bigint, fee_minimum bigint,
  fee_maximum bigint,
  day_amount bigint, month_amount bigint, month_count bigint)
LANGUAGE sql STABLE AS $fn$
  SELECT bd.business_date,
         pr.customer_id, pr.type, pr.status, pr.verified, pr.legal_name_stored,
         pr.wallet_account_id,
         pu.user_id,
         pe.customer_id, pe.type, pe.status, pe.verified, pe.legal_name_stored,
         pe.wallet_account_id,
         (SELECT p.id FROM payments_payment p
           WHERE p.customer_id = pr.customer_id AND p.idempotency_key = p_key),
         EXISTS (SELECT 1 FROM payments_card c
                  WHERE c.customer_id = pr.customer_id AND c.status = 'active'),
         (SELECT jsonb_agg(jsonb_build_object(
                   'tier', r.tier, 'level', r.level,
                   'per_transaction_minor', r.per_transaction_minor,
                   'per_day_minor', r.per_day_minor, 'per_month_minor', r.per_month_minor))
            FROM payments_limitrule r WHERE r.kind = p_kind),
         f.kind IS NOT NULL, f.free_per_month, f.rate::text, f.fixed_minor, f.minimum_minor,
         f.maximum_minor,
         ud.amount_minor, um.amount_minor, um."count"
    FROM (SELECT 1) AS one
    LEFT JOIN core_business_date(p_business_date_name) bd ON TRUE
    LEFT JOIN customers_standing_of_user(p_payer_user) pr ON TRUE
    LEFT JOIN identity_user_for_mobile_index(p_payee_index) pu ON TRUE
    LEFT JOIN LATERAL customers_standing_of_user(pu.user_id) pe ON TRUE
    LEFT JOIN payments_feerule f ON f.kind = p_kind
    LEFT JOIN payments_limitusage ud
      ON ud.customer_id = pr.customer_id AND ud.kind = p_kind AND ud.period = 'day'
     AND ud.starts_on = p_day
    LEFT JOIN payments_limitusage um
      ON um.customer_id = pr.customer_id AND um.kind = p_kind AND um.period = 'month'
     AND um.starts_on = p_month
$fn$;

-- The transfer is the plain case by construction: allowed (no reasons), no fee, posted at once
-- ('succeeded'); its amount, currency, time, actor and the request's ip and id are the ledger
-- transfer's own (l_amount, l_currency, l_now, l_actor_*, l_ip, l_request_id), and its ledger
-- transfer is l_id. (Up to 50 arguments: psycopg caches the statement's parsing then.)
CREATE OR REPLACE FUNCTION payments_transfer_book(
  p_customer uuid, p_kind text, p_day date, p_month date,
  p_day_cap bigint, p_month_cap bigint, p_count_max bigint,
  p_screening uuid, p_payment uuid, p_payee uuid, p_key text, p_channel text,
  p_audit_hash text, p_action text, p_target_type text, p_after jsonb,
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
  VALUES (p_payment, p_customer, p_key, p_kind, NULL, p_payee, l_amount, 0, l_currency,
      'succeeded', p_channel, '', l_id, NULL, '', l_now, l_now, l_now, p_screening, NULL);
  v_code := ledger_transfer_create_one(
      l_id, l_kind, l_debit, l_credit, l_amount, l_currency, l_timeout, l_code, l_metadata,
      l_shape_result, l_business_date, l_now, l_claim_class, l_claim_bucket,
      l_audit_chain, l_actor_kind, l_actor_id, l_actor_label, l_batch_id, l_ip, l_request_id,
      l_after_ok, l_hash_ok, l_after_failed, l_hash_failed, l_event_id, l_event_payload,
      l_action, l_target_type, l_event_type);
  IF v_code <> 'ok' THEN
    RAISE EXCEPTION 'payments: ledger %', v_code;
  END IF;
  PERFORM core_audit_append(l_audit_chain, p_audit_hash, l_now, l_actor_kind, l_actor_id,
      l_actor_label, p_action, p_target_type, p_payment::text, NULL, p_after, l_ip,
      l_request_id);
  INSERT INTO core_outboxevent (event_id, aggregate_type, aggregate_id, event_type, payload,
      occurred_at, attempts, last_error)
  VALUES (p_event_id, p_target_type, p_payment::text, p_event_type, p_event_payload, l_now, 0,
      '');
  RETURN 'ok';
END
$fn$;
