"""`vendor_sql` runs the statements written for the connection's database, and only those."""

from types import SimpleNamespace

from hujin.core.ddl import vendor_sql


class Recorder:
    def __init__(self, vendor):
        self.connection = SimpleNamespace(vendor=vendor)
        self.ran = []

    def execute(self, sql, params=()):
        self.ran.append((sql, params))


def test_each_vendor_runs_its_own_statements_forwards_and_backwards():
    operation = vendor_sql(postgresql="PG UP", sqlite=["SQ 1", "SQ 2"], sqlite_reverse="SQ DOWN")
    pg, sq = Recorder("postgresql"), Recorder("sqlite")

    operation.code(None, pg)
    operation.code(None, sq)
    operation.reverse_code(None, sq)

    assert pg.ran == [("PG UP", ())]
    assert sq.ran == [("SQ 1", ()), ("SQ 2", ()), ("SQ DOWN", ())]


def test_another_database_runs_nothing_and_params_pass_through():
    operation = vendor_sql(postgresql="PG UP", params=None)
    mysql, pg = Recorder("mysql"), Recorder("postgresql")

    operation.code(None, mysql)
    operation.code(None, pg)

    assert mysql.ran == []
    assert pg.ran == [("PG UP", None)]
