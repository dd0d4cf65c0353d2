"""PostgreSQL: ``customers_user_of(customer_id)``, the login a customer profile belongs to, for
the database functions and hot reads of modules above that carry it in their events (payments'
channel callbacks). NULL for no such customer."""

from django.db import migrations

from hujin.core.ddl import vendor_sql

FUNCTION = """
CREATE OR REPLACE FUNCTION customers_user_of(p_customer_id uuid)
RETURNS uuid
LANGUAGE sql STABLE AS $fn$
  SELECT user_id FROM customers_customer WHERE id = p_customer_id
$fn$
"""


class Migration(migrations.Migration):
    dependencies = [("customers", "0003_standing_of_user_function")]

    operations = [
        vendor_sql(
            postgresql=FUNCTION,
            postgresql_reverse="DROP FUNCTION IF EXISTS customers_user_of(uuid)",
            params=None,
        )
    ]
