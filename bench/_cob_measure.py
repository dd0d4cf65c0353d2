"""The measurement half of ``hujin bench cob``, run in the subprocess on the scratch database:
setup (a money-market fund, N holdings given units), the income distribution timed, a bare
UPDATE of N rows timed on the same server, ``ledger_verify``."""

import json
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

INCOME_PER_10K = Decimal("0.6789")
UNITS_BASE = 1_000_00  # 1,000.00 units and up per holding


_scratch = sys.modules["hujin_bench__scratch"]  # loaded by bench/cob.py
_say = _scratch.say


def inner_main(opts) -> int:
    if not _scratch.in_scratch("cob"):
        return 2
    now = datetime.now(UTC)
    product = _setup(opts.holdings, now)
    report = {"holdings": opts.holdings, "product": product.code}

    from hujin.core.dates import business_date_get
    from hujin.wealth.services import income_distribute

    day = business_date_get(now=now)
    _say(f"  distributing the income of {day} to {opts.holdings:,} holdings ...")
    t0 = time.monotonic()
    outcome = income_distribute(product_id=product.id, business_date=day,
                                now=now + timedelta(hours=1))  # fmt: skip
    report["seconds"] = round(time.monotonic() - t0, 2)
    report["declared_minor"] = outcome["declared_minor"]
    report["distributed_minor"] = outcome["distributed_minor"]
    report["holders"] = outcome["holders"]
    _say(f"  distributed in {report['seconds']} s")

    report["bare_update_seconds"] = _scratch.bare_update(opts.holdings)
    report["ratio"] = round(report["seconds"] / max(report["bare_update_seconds"], 1e-6), 2)
    _say(f"  bare UPDATE of {opts.holdings:,} rows: {report['bare_update_seconds']} s")
    if not opts.no_verify:
        report["verify"] = _scratch.ledger_bench()._measure._verify(_say)
    Path(opts.inner).write_text(json.dumps(report))
    return 0


def _setup(holdings: int, now: datetime):
    from django.db import connection, transaction

    from hujin.core.actors import Actor
    from hujin.core.dates import business_date_get
    from hujin.core.money import unit_asset
    from hujin.ledger.services import transfers_fan_out
    from hujin.ledger.types import FanOutLines
    from hujin.products import permissions as p
    from hujin.products.services import nav_publish
    from hujin.wealth.accounts import HOLDING_CODE, product_accounts_open, units_issued_id

    day = business_date_get(now=now)
    product = _mmf_on_sale(now, day)
    product_accounts_open(product_code=product.code, now=now)
    currency = unit_asset(product.code)
    t0 = time.monotonic()
    _say(f"  opening {holdings:,} holding accounts ...")
    rows = (
        f"SELECT {_scratch.new_uuid()} AS id, 'Bench holding' AS name, 'bench:' || n AS owner_ref "
    )
    rows += f"FROM ({_scratch.series()}) s"
    with transaction.atomic(), connection.cursor() as cursor:
        _scratch.accounts_insert(cursor, rows_sql=rows, params=[holdings], currency=currency,
                                 code=HOLDING_CODE, kind="liability", limited=True,
                                 now=now)  # fmt: skip
    _say(f"  opened in {time.monotonic() - t0:.1f} s; giving them units ...")
    t0 = time.monotonic()
    transfers_fan_out(
        batch_id=uuid.uuid4(), debit_account_id=units_issued_id(product.code),
        lines=FanOutLines(
            sql="SELECT id, %s + (number - number / 1000 * 1000) * 3737 FROM ledger_account "
                "WHERE code = %s AND currency = %s ORDER BY number",
            params=(UNITS_BASE, HOLDING_CODE, currency),
        ),
        code="bench.units", metadata={}, actor=_scratch.system(), now=now, business_date=day,
    )  # fmt: skip
    _say(f"  units given in {time.monotonic() - t0:.1f} s")
    operator = Actor(kind="staff", id="bench-ops", label="bench", scopes=frozenset(p.ALL))
    nav_publish(
        actor=operator, product_id=product.id, business_date_of=day,
        income_per_10k=INCOME_PER_10K, business_date=day, now=now, confirmed=True,
    )  # fmt: skip
    _scratch.analyze()
    return product


def _mmf_on_sale(now: datetime, day):
    from hujin.core.actors import Actor
    from hujin.demo.products import demo_pdf
    from hujin.products import permissions as p
    from hujin.products.services import (
        document_attach,
        product_approve,
        product_create,
        product_put_on_sale,
        product_submit,
    )
    from hujin.products.types import DOCUMENT_KINDS, KIND_MMF, ProductDraft, checklist_for

    maker = Actor(kind="staff", id="bench-pm", label="pm", scopes=frozenset(p.ALL))
    checker = Actor(kind="staff", id="bench-cc", label="compliance", scopes=frozenset(p.ALL))
    draft = ProductDraft(
        code="HJ-BENCH-MMF", kind=KIND_MMF, name_zh="基准现金", name_en="Bench", issuer="bench",
        risk_level="R1", min_amount_minor=1, increment_minor=1,
    )  # fmt: skip
    product = product_create(actor=maker, draft=draft, now=now)
    for kind in DOCUMENT_KINDS:
        document_attach(actor=maker, product_id=product.id, kind=kind, file_name=f"{kind}.pdf",
                        content=demo_pdf(kind), now=now)  # fmt: skip
    product_submit(actor=maker, product_id=product.id, now=now)
    ticks = {item: "ok" for item in checklist_for(KIND_MMF)}
    product_approve(actor=checker, product_id=product.id, checklist=ticks, now=now)
    return product_put_on_sale(actor=maker, product_id=product.id, on_sale_from=day,
                               business_date=day, now=now)  # fmt: skip
