"""PostgreSQL: ``customers_standing_of_user(user_id)``, a customer's own standing as a database
function: what ``standing.own_standing`` reads (type, status, verification, the verified legal
name — still encrypted: ``standing.standing_of_row`` decrypts it — and the wallet), for the
database functions of modules above that check both sides of a payment in one round trip
(payments' transfers). No row for a login without a customer profile."""

from django.db import migrations

from hujin.core.ddl import vendor_sql

FUNCTION = """
CREATE OR REPLACE FUNCTION customers_standing_of_user(
  p_user_id uuid,
  OUT customer_id uuid, OUT type text, OUT status text, OUT verified boolean,
  OUT legal_name_stored text, OUT wallet_account_id uuid)
RETURNS SETOF record
LANGUAGE sql STABLE AS $fn$
  SELECT id, type, status, kyc_status = 'verified',
         CASE WHEN kyc_status = 'verified' THEN legal_name ELSE '' END, wallet_account_id
    FROM customers_customer WHERE user_id = p_user_id
$fn$
"""


class Migration(migrations.Migration):
    dependencies = [("customers", "0002_frozen_customers_ledger_debits")]

    operations = [
        vendor_sql(
            postgresql=FUNCTION,
            postgresql_reverse="DROP FUNCTION IF EXISTS customers_standing_of_user(uuid)",
            params=None,
        )
    ]
