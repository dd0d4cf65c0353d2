"""PostgreSQL: ``core_business_date(name)``, the business date as a database function, for the
database functions of modules above that book money in one call (payments' transfers) and
must date what they write without another round trip. Reads what ``business_date_get`` reads;
no row before the first business date exists (the caller then goes the general way, which
creates it). A set-returning SQL function, so that a query calling it in ``FROM`` has it
inlined."""

from django.db import migrations

from hujin.core.ddl import vendor_sql

FUNCTION = """
CREATE OR REPLACE FUNCTION core_business_date(p_name text)
RETURNS TABLE (business_date date)
LANGUAGE sql STABLE AS $fn$
  SELECT b.current_date FROM core_businessdate b WHERE b.name = p_name
$fn$
"""


class Migration(migrations.Migration):
    dependencies = [("core", "0008_audit_missing_head_refused")]

    operations = [
        vendor_sql(
            postgresql=FUNCTION,
            postgresql_reverse="DROP FUNCTION IF EXISTS core_business_date(text)",
            params=None,
        )
    ]
