"""Where the reads add up amounts and balances: in the database, or in Python integers.

Every amount and every balance fits in a BIGINT (at most 2**63 - 1), but their sums need not: a
trial balance adds balances across accounts, and an account's past balances add every hold it
ever had (each one made, then released by its post, void or expiry). PostgreSQL sums bigints as
``numeric``, exactly, so it adds them itself. SQLite's ``SUM()`` stops with ``integer overflow``
past 2**63 - 1 (and its ``total()`` is a float): there the reads stream the rows and add them in
Python, as ``ledger_verify`` does.
"""

from django.db import connection


def sums_in_database() -> bool:
    """Whether the database adds BIGINTs exactly, past 2**63 - 1 (PostgreSQL)."""
    return connection.vendor == "postgresql"


STREAM_CHUNK = 5000  # rows fetched at a time when the sums are made in Python
