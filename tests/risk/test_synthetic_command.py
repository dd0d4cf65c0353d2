"""``hujin risk synthetic`` writes the labelled history the rules and the model are measured on:
one event a line with its customer and typology, the same file for the same seed."""

import csv

from django.core.management import call_command

from hujin.risk.synthetic import TYPOLOGIES


def _written(tmp_path, name, *args):
    out = tmp_path / name
    call_command("risk", "synthetic", "--customers", "5", "--per-typology", "1", "--out",
                 str(out), *args)  # fmt: skip
    return out


def test_every_typology_is_labelled_beside_the_ordinary_customers(tmp_path):
    with _written(tmp_path, "history.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))

    assert {r["typology"] for r in rows} == {"normal", *TYPOLOGIES}
    assert all(int(r["amount_fen"]) >= 0 and r["kind"] for r in rows)
    assert len({r["customer"] for r in rows if r["typology"] == "normal"}) == 5


def test_the_same_seed_writes_the_same_file_and_another_seed_another(tmp_path):
    first = _written(tmp_path, "a.csv").read_bytes()
    again = _written(tmp_path, "b.csv").read_bytes()
    other = _written(tmp_path, "c.csv", "--seed", "2").read_bytes()

    assert first == again and first != other


def test_without_a_file_it_writes_to_the_commands_output():
    import io

    out, err = io.StringIO(), io.StringIO()
    call_command("risk", "synthetic", "--customers", "3", "--per-typology", "1", "--out", "-",
                 stdout=out, stderr=err)  # fmt: skip

    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len({r["customer"] for r in rows if r["typology"] == "normal"}) == 3
    assert "recall of the shipped rules" in err.getvalue()
