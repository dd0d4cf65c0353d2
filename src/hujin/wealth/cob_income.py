"""The close of business's money-market step (``cob``): a fund's income of a business date,
distributed to every holder as units in one set-based ledger fan-out.

The rounding is documented in docs/modules/wealth.md ("Income distribution rounding"): each
holding's exact share rounded down, the fen left over from the total declared given one by one to
the largest fractions. Dates are distributed in order: a date whose income is not published yet
holds back the later ones (published late, they are all distributed by the next close of
business, over the units held then), looking back at most ``CATCH_UP_DAYS``.
"""

import logging
import uuid
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import BigIntegerField, Max, Sum
from django.db.models.functions import Cast

from hujin.core.audit import audit_record
from hujin.core.events import event_emit
from hujin.core.money import unit_asset
from hujin.ledger.selectors import balances_query
from hujin.ledger.services import transfers_fan_out
from hujin.ledger.types import FanOutLines
from hujin.products.selectors import nav_series, product_get, products_on_sale
from hujin.products.types import KIND_MMF, ProductView
from hujin.wealth import events
from hujin.wealth.accounts import (
    ACTOR,
    HOLDING_CODE,
    INCOME_CODE,
    NAMESPACE,
    product_accounts_open,
    units_issued_id,
)
from hujin.wealth.models import DistributionShortfall, Holding, IncomeDistribution

logger = logging.getLogger(__name__)

# Income per 10,000 units has 4 decimals: × 10,000 it is a whole number, and a holding's
# income in fen is balance (hundredths of a unit) × that ÷ 10^8.
INCOME_SCALE = 10_000
SHARE_DIVISOR = 100_000_000
CATCH_UP_DAYS = 31


def products_held_or_on_sale(business_date: date) -> list[ProductView]:
    """The products the close of business looks after: on sale, or held by someone."""
    ids = {p.id for p in products_on_sale(on=business_date)}
    ids |= set(Holding.objects.values_list("product_id", flat=True).distinct())
    return sorted((product_get(product_id=i) for i in ids), key=lambda p: p.code)


def published(product: ProductView, day: date):
    """The product's publication (NAV or income) of ``day``, or None."""
    points = nav_series(product_id=product.id, start=day, end=day)
    return points[0] if points else None


def _shares_query(product: ProductView, income_scaled: int) -> FanOutLines:
    """Each holding's share of the income, in fen: balance × income ÷ 10^8 rounded down, and
    the fen left over from the total declared (the sum of the exact shares, rounded half up)
    given one each to the holdings with the largest fractions, then the lowest account number.
    Integer arithmetic only, the same on PostgreSQL and SQLite."""
    holders, params = balances_query(code=HOLDING_CODE, currency=unit_asset(product.code))
    sql = f"""
        WITH held AS ({holders}),
        exact AS (
            SELECT account_id, number, balance * %s AS scaled FROM held WHERE balance > 0
        ),
        floored AS (
            SELECT account_id, number, scaled / {SHARE_DIVISOR} AS base,
                   scaled - (scaled / {SHARE_DIVISOR}) * {SHARE_DIVISOR} AS fraction,
                   (CAST(SUM(scaled) OVER () AS BIGINT) + {SHARE_DIVISOR // 2}) / {SHARE_DIVISOR}
                   - CAST(SUM(scaled / {SHARE_DIVISOR}) OVER () AS BIGINT) AS remainder
            FROM exact
        ),
        ranked AS (
            SELECT account_id, number, base, remainder,
                   ROW_NUMBER() OVER (ORDER BY fraction DESC, number) AS place
            FROM floored
        )
        SELECT account_id, base + CASE WHEN place <= remainder THEN 1 ELSE 0 END AS amount
        FROM ranked
        WHERE base + CASE WHEN place <= remainder THEN 1 ELSE 0 END > 0
        ORDER BY number
    """
    return FanOutLines(sql=sql, params=(*params, income_scaled))


def _units_outstanding(product: ProductView) -> tuple[int, int]:
    holders, params = balances_query(code=HOLDING_CODE, currency=unit_asset(product.code))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*), COALESCE(SUM(balance), 0) FROM ({holders}) held WHERE balance > 0",
            params,
        )
        count, units = cursor.fetchone()
    return int(count), int(units)


def income_distribute(*, product_id: uuid.UUID, business_date: date, now: datetime) -> dict:
    """Distribute a money-market fund's income of ``business_date`` to every holder as units:
    one ledger fan-out from the units issued, recorded as an IncomeDistribution in the same
    transaction. Idempotent: a date distributed before is left alone. Returns a summary."""
    product = product_get(product_id=product_id)
    point = published(product, business_date)
    if product.kind != KIND_MMF or point is None or point.income_per_10k is None:
        return {"status": "no_income"}
    if IncomeDistribution.objects.filter(product_id=product.id,
                                         business_date=business_date).exists():  # fmt: skip
        return {"status": "done_before"}
    scaled = int(point.income_per_10k * INCOME_SCALE)
    if scaled < 0:
        raise ValueError(f"{product.code}: a negative income is not distributed automatically")
    product_accounts_open(product_code=product.code, now=now)
    batch_id = uuid.uuid5(NAMESPACE, f"wealth.income:{product.code}:{business_date}")
    with transaction.atomic():
        result = transfers_fan_out(
            batch_id=batch_id, debit_account_id=units_issued_id(product.code),
            lines=_shares_query(product, scaled), code=INCOME_CODE,
            metadata={"product": product.code, "business_date": business_date.isoformat()},
            actor=ACTOR, now=now, business_date=business_date,
        )  # fmt: skip
        refused = result.refused
        holders, units_after = _units_outstanding(product)
        distribution = IncomeDistribution.objects.create(
            product_id=product.id, business_date=business_date,
            income_per_10k=point.income_per_10k, units_minor=units_after - result.total,
            declared_minor=result.total + sum(a for _, _, a in refused),
            distributed_minor=result.total, holders=holders, batch_id=batch_id,
            distributed_at=now,
        )  # fmt: skip
        DistributionShortfall.objects.bulk_create(
            DistributionShortfall(distribution=distribution, account_id=account_id,
                                  amount_minor=amount, code=code)
            for account_id, code, amount in refused
        )  # fmt: skip
        facts = {
            "product_id": str(product.id), "business_date": business_date.isoformat(),
            "declared_minor": distribution.declared_minor,
            "distributed_minor": distribution.distributed_minor, "holders": holders,
            "shortfalls": len(refused),
        }  # fmt: skip
        audit_record(actor=ACTOR, action=events.INCOME_DISTRIBUTED,
                     target_type="wealth.income_distribution", target_id=str(distribution.id),
                     occurred_at=now, after=facts)  # fmt: skip
        payload = {"distribution_id": str(distribution.id), **facts}
        event_emit(aggregate_type="wealth.income_distribution",
                   aggregate_id=str(distribution.id), event_type=events.INCOME_DISTRIBUTED,
                   occurred_at=now, payload=payload)  # fmt: skip
    return {"status": "distributed", **facts}


def shortfalls_pay(*, product: ProductView, business_date: date, now: datetime) -> int:
    """Pay the holdings the ledger refused their share before (their accounts reopened, say):
    one fan-out of what each is owed, marked paid in the same transaction; a holding refused
    again stays owed. Returns how many were paid. Idempotent for the date."""
    unpaid = DistributionShortfall.objects.filter(
        distribution__product_id=product.id, paid_batch_id__isnull=True
    )
    if not unpaid.exists():
        return 0
    owed = (
        unpaid.values("account_id")
        .annotate(amount=Cast(Sum("amount_minor"), BigIntegerField()))  # PostgreSQL: numeric
        .order_by("account_id")
    )
    sql, params = owed.query.sql_with_params()
    batch_id = uuid.uuid5(NAMESPACE, f"wealth.shortfalls:{product.code}:{business_date}")
    with transaction.atomic():
        result = transfers_fan_out(
            batch_id=batch_id, debit_account_id=units_issued_id(product.code),
            lines=FanOutLines(sql=sql, params=tuple(params)), code=INCOME_CODE,
            metadata={"product": product.code, "shortfalls": True}, actor=ACTOR, now=now,
            business_date=business_date,
        )  # fmt: skip
        if result.already_done:
            return 0
        refused = [account_id for account_id, _, _ in result.refused]
        return unpaid.exclude(account_id__in=refused).update(paid_batch_id=batch_id)


def _dates_due(product: ProductView, business_date: date) -> tuple[list, date | None]:
    """The dates to distribute now, in order, with their publications; and the first date that
    waits for its income (None when none waits)."""
    last = IncomeDistribution.objects.filter(product_id=product.id).aggregate(
        last=Max("business_date")
    )["last"]
    start = last + timedelta(days=1) if last else business_date
    start = max(start, business_date - timedelta(days=CATCH_UP_DAYS))
    published = {p.business_date: p for p in nav_series(product_id=product.id, start=start,
                                                         end=business_date)}  # fmt: skip
    due, day = [], start
    while day <= business_date:
        point = published.get(day)
        if point is None or point.income_per_10k is None:
            return due, day
        due.append(point)
        day += timedelta(days=1)
    return due, None


def income_distribute_step(business_date: date, now: datetime) -> dict:
    """Step 2: every money-market fund's income, each date not distributed yet up to this one.
    A fund that fails is recorded in the result (and the log) and the others go on; the next
    close of business tries it again."""
    summary = {"distributed": 0, "holders": 0, "declared_minor": 0, "waiting": [], "failed": {}}
    for product in products_held_or_on_sale(business_date):
        if product.kind != KIND_MMF:
            continue
        due, waiting = _dates_due(product, business_date)
        try:
            summary["shortfalls_paid"] = summary.get("shortfalls_paid", 0) + shortfalls_pay(
                product=product, business_date=business_date, now=now
            )
            for point in due:
                day = point.business_date
                outcome = income_distribute(product_id=product.id, business_date=day, now=now)
                if outcome["status"] == "distributed":
                    summary["distributed"] += 1
                    summary["holders"] += outcome["holders"]
                    summary["declared_minor"] += outcome["declared_minor"]
        except Exception as exc:  # one fund's failure must not keep the others' income back
            logger.warning("wealth: income of %s not distributed: %s", product.code,
                           type(exc).__name__)  # fmt: skip
            summary["failed"][product.code] = f"{type(exc).__name__}: {exc}"[:200]
        if waiting is not None:
            summary["waiting"].append(f"{product.code} {waiting.isoformat()}")
    return summary
