"""Each version of ``ledger_transfer_create_one`` is frozen in its own SQL file.

Migration 0004 made the function, and 0005, 0006 and 0007 each made a new version. Each reads its
own file under ``ledger/migrations/sql/`` (and the previous version's, to go back); no migration
imports SQL from live code, so a later edit cannot silently rewrite a past migration. The
bodies of 0004's and 0005's files are byte for byte the functions those migrations made before
the files existed (``pg_get_functiondef`` compared on a fresh database).
"""

import ast
import hashlib
from pathlib import Path

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

import hujin.ledger.migrations

MIGRATIONS = Path(hujin.ledger.migrations.__file__).parent
VERSIONS = {  # migration -> sha256 of the function body ($fn$ ... $fn$) its file holds
    "0004_transfer_create_one": "f74a4f493e6143f66672ec229206e167678b85b21f7cb0e3a29ead5776429a44",
    "0005_account_numbers": "b76d07d64826f8240975c17745ad1f49e39bf48863eaafac27325b77d6fb8147",
    "0006_account_debits_frozen": "f99a16802f65bb5c3e017ddc9fc31de87f06e5ea7111139e597ce414edc85139",  # noqa: E501
    "0007_transfer_provenance": "b9abe60f4d1745a220a8719ef02ba5509595f1e31b8c1876fc5eee737d8349fe",
}


def body_of_file(migration: str) -> str:
    text = (MIGRATIONS / "sql" / f"{migration[:4]}_transfer_create_one.sql").read_text()
    return text.split("$fn$")[1]


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@pytest.mark.parametrize("migration", VERSIONS)
def test_each_version_s_file_holds_the_function_it_always_held(migration):
    assert sha256(body_of_file(migration)) == VERSIONS[migration]


def test_migrations_take_no_sql_from_live_code():
    allowed = {"pathlib", "hujin.core.ddl"}
    for path in sorted(MIGRATIONS.glob("0*.py")):
        tree = ast.parse(path.read_text())
        imported = {
            node.module
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.module
        } | {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import)
             for alias in node.names}  # fmt: skip
        live = {m for m in imported if not m.startswith("django") and m not in allowed}
        assert live == set(), f"{path.name} imports {live}"


# -- on PostgreSQL: what each migration makes ----------------------------------------------------


def migrate_to(target: tuple[str, str]) -> None:
    MigrationExecutor(connection).migrate([target])


def function_body() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = 'ledger_transfer_create_one'")
        [(body,)] = cursor.fetchall()
    return body


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_each_migration_makes_its_file_s_version_and_going_back_restores_the_one_before():
    order = list(VERSIONS)
    try:
        for migration in order:
            migrate_to(("ledger", migration))
            assert sha256(function_body()) == VERSIONS[migration], migration
        for migration in reversed(order[:-1]):
            migrate_to(("ledger", migration))
            assert sha256(function_body()) == VERSIONS[migration], f"back to {migration}"
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
