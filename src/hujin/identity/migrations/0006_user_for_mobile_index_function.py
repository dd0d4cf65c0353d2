"""PostgreSQL: ``identity_user_for_mobile_index(index)``, the login registered with a mobile
number, by the number's blind index (``phones.mobile_index_of``), as a database function: what
``selectors.user_id_for_mobile`` answers, for the database functions of modules above that find
a payee in the same round trip as everything else (payments' transfers). Returns an id, never
personal data; no row when no login has that index. A set-returning SQL function, so that a
query calling it in ``FROM`` has it inlined."""

from django.db import migrations

from hujin.core.ddl import vendor_sql

FUNCTION = """
CREATE OR REPLACE FUNCTION identity_user_for_mobile_index(p_index text)
RETURNS TABLE (user_id uuid)
LANGUAGE sql STABLE AS $fn$
  SELECT u.id FROM identity_user u WHERE u.mobile_index = p_index AND p_index <> ''
$fn$
"""


class Migration(migrations.Migration):
    dependencies = [("identity", "0005_otp_step_up")]

    operations = [
        vendor_sql(
            postgresql=FUNCTION,
            postgresql_reverse="DROP FUNCTION IF EXISTS identity_user_for_mobile_index(text)",
            params=None,
        )
    ]
