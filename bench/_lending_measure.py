"""The measurement half of ``hujin bench lending``, run in the subprocess on the scratch database.

Decisions: N verified customers written set-based (the bench's own shortcut: customers, their
verified identity checks with a birth date and a document index, wallets, one risk assessment
and one credit-check consent each, copied from the first customer's, which the services made),
a loan product admitted and on sale and a champion scorecard registered through the services;
then ``--clients`` clients (processes; threads with ``--client-mode thread``) submit one
application per customer through ``services.application_submit``, each call timed.

Accrual: N active 12-month 等额本息 loans of one customer, written set-based (applications,
loans, their instalments from a few schedules computed once by ``schedule.schedule``, their
three receivable accounts), their claims posted by one ledger fan-in and their cash by one
transfer from the lender's funding; then ``cob_accrual.interest_accrue`` is timed on the tenth
day, a bare UPDATE of N rows beside it, ``ledger_verify`` and ``lending_verify`` after.
"""

import json
import sys
import threading
import time
import uuid
from collections import Counter
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

_scratch = sys.modules["hujin_bench__scratch"]  # loaded by bench/lending.py
_say = _scratch.say
percentile = _scratch.ledger_bench()._measure._percentile  # as the ledger bench reports them

PRINCIPALS = (1_000_000, 2_000_000, 3_000_000, 4_000_000, 5_000_000)  # CNY 10,000 to 50,000
LOAN_RATE = Decimal("0.120000")
TERM = 12
ACCRUAL_DAY = 10  # the accrual measured: the tenth day of every loan's first period
APPLY_AMOUNT = 3_000_000  # CNY 30,000 over 12 months, on CNY 15,000 a month
APPLY_INCOME = 1_500_000
CHUNK = 100_000  # loan ids written per round trip
DRIVER = "bench_lending_loan"  # one row per bench loan: its ids and principal (setup only)
SCHEDULES = "bench_lending_schedule"  # the instalments of each distinct principal


def inner_main(opts) -> int:
    from django.conf import settings

    from hujin.core.dates import business_date_get

    if not _scratch.in_scratch("lending"):
        return 2
    now = datetime.now(UTC)
    day = business_date_get(now=now)
    product = _product_on_sale(now, day)
    report: dict = {"product": product.code, "server_settings": _scratch.server_settings()}
    report.update(_decisions(opts, product, now, day))
    report.update(_accrual(opts, product, now, day))
    report["bare_update_seconds"] = _scratch.bare_update(opts.loans)
    report["ratio"] = round(report["accrual_seconds"] / max(report["bare_update_seconds"], 1e-6), 2)
    _say(f"  bare UPDATE of {opts.loans:,} rows: {report['bare_update_seconds']} s")
    if not opts.no_verify:
        report["verify"] = _scratch.ledger_bench()._measure._verify(_say)
        report["lending_verify"] = _lending_verify()
    if settings.HUJIN_TASKS_URL.startswith("redis"):
        from huey.contrib.djhuey import HUEY

        HUEY.flush()  # the bench's own queue (HUJIN_TASKS_NAME): no consumer ran its tasks
    Path(opts.inner).write_text(json.dumps(report))
    return 0


# -- staff, the product, the model ---------------------------------------------------------------


def _staff(name: str, *scopes: str):
    from hujin.core.actors import Actor

    return Actor(kind="staff", id=f"bench-{name}", label=name, scopes=frozenset(scopes))


def _product_on_sale(now: datetime, day: date):
    from hujin.core.approvals import approval_decide
    from hujin.lending import permissions as p
    from hujin.lending import types as t
    from hujin.lending.models import LoanProduct
    from hujin.lending.services import product_create, product_submit

    maker, checker = _staff("pm", p.MANAGE_PRODUCTS), _staff("compliance", p.REVIEW_PRODUCTS)
    data = t.ProductInput(
        code="HJ-BENCH-LOAN", name_zh="基准消费贷", name_en="Bench consumer loan",
        min_amount_minor=100_000, max_amount_minor=20_000_000, term_unit=t.TERM_MONTHS,
        min_term=3, max_term=36, method=t.EQUAL_INSTALMENT, day_count=t.ACT_365,
        min_rate=Decimal("0.060000"), max_rate=Decimal("0.180000"),
        penalty_rate=Decimal("0.180000"), grace_days=3,
    )  # fmt: skip
    created = product_create(actor=maker, data=data, now=now)
    product_submit(actor=maker, product_id=created.id, reason="bench", now=now, business_date=day)
    request_id = LoanProduct.objects.get(id=created.id).approval_request_id
    approval_decide(actor=checker, request_id=request_id, approve=True, reason="bench", now=now)
    product = LoanProduct.objects.get(id=created.id)
    if product.state != t.PRODUCT_ON_SALE:
        raise RuntimeError(f"the bench product is {product.state}, not on sale")
    return product


def _champion(now: datetime) -> None:
    """A scorecard trained on 3,000 generated applicants, registered (the first: the champion)."""
    from hujin.lending import permissions as p
    from hujin.lending.scorecard.generate import BAD_VALUE, TARGET, applicants
    from hujin.lending.scorecard.train import train
    from hujin.lending.services import model_register

    trained = train(applicants(3000, seed=7), target=TARGET, bad_value=BAD_VALUE, folds=2)
    model_register(actor=_staff("modeller", p.MANAGE_MODELS), name="bench scorecard",
                   trained=trained, data_summary=trained.summary, now=now)  # fmt: skip


# -- customers, set-based ------------------------------------------------------------------------


def _customers(count: int, first: int, now: datetime, day: date) -> list:
    """``count`` verified, active customers (users ``bench-<first>``...), each with a wallet, a
    risk assessment and the credit check authorised: the first through the services' own rows,
    the others as copies of them. Returns their users, in order."""
    from django.db import connection, transaction

    from hujin.core.actors import Actor
    from hujin.customers.models import Customer, KycApplication
    from hujin.identity.models import User
    from hujin.ledger.models import Account
    from hujin.privacy.models import ConsentRecord
    from hujin.privacy.selectors import consent_document_current
    from hujin.privacy.services import consent_accept
    from hujin.suitability.models import Assessment
    from hujin.suitability.selectors import questionnaire_active
    from hujin.suitability.services import assessment_submit

    numbers = range(first, first + count)
    since = now - timedelta(days=400)
    with transaction.atomic():
        users = User.objects.bulk_create(
            [User(username=f"bench-{i:07d}", kind="customer", password="!") for i in numbers]
        )
        customers = Customer.objects.bulk_create([
            Customer(user=u, type="individual", status="active", legal_name="张三",
                     kyc_status="verified", verified_at=since, created_at=since)
            for u in users
        ])  # fmt: skip
        KycApplication.objects.bulk_create([
            KycApplication(
                customer=c, kind="individual", document_type="resident_id",
                document_number=f"110101{1960 + i % 40}0101{i % 10_000:04d}",
                document_index=f"bench-document-{i}", legal_name="张三",
                name_index=f"bench-name-{i}", birth_date=date(day.year - 25 - i % 30, 1, 1),
                status="verified", provider="bench", submitted_at=since, decided_at=since,
            )
            for i, c in zip(numbers, customers, strict=True)
        ])  # fmt: skip
        rows = f"SELECT {_scratch.new_uuid()} AS id, 'Customer wallet' AS name, "
        rows += f"'bench-wallet:' || (n + %s) AS owner_ref FROM ({_scratch.series()}) s"
        with connection.cursor() as cursor:
            _scratch.accounts_insert(cursor, rows_sql=rows, params=[first - 1, count],
                                     currency="CNY", code="2001.wallet", kind="liability",
                                     limited=True, now=since)  # fmt: skip
        wallets = dict(
            Account.objects.filter(owner_ref__startswith="bench-wallet:").values_list(
                "owner_ref", "id"
            )
        )
        for i, c in zip(numbers, customers, strict=True):
            c.wallet_account_id, c.wallet_opened_at = wallets[f"bench-wallet:{i}"], since
        Customer.objects.bulk_update(customers, ["wallet_account_id", "wallet_opened_at"])
    actor = Actor(kind="customer", id=str(users[0].pk), label=users[0].username)
    questions = questionnaire_active(now=now).questions
    answers = {q.code: str(q.options[min(2, len(q.options) - 1)].id) for q in questions}
    assessed = assessment_submit(user_id=users[0].pk, answers=answers, actor=actor, now=now)
    document = consent_document_current(kind="credit_check")
    consent = consent_accept(user_id=users[0].pk, document_id=document.id, channel="web",
                             ip=None, actor=actor, now=now)  # fmt: skip
    assessed = Assessment.objects.get(id=assessed.id)
    consent = ConsentRecord.objects.get(id=consent.id)
    with transaction.atomic():
        Assessment.objects.bulk_create([_copy(assessed, user=u) for u in users[1:]])
        ConsentRecord.objects.bulk_create([_copy(consent, user=u) for u in users[1:]])
    return users


def _copy(row, **changes):
    fields = {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields}
    fields.pop("id")
    fields.pop("user_id", None)
    return type(row)(**fields, **changes)


# -- decisions -----------------------------------------------------------------------------------


def _decisions(opts, product, now: datetime, day: date) -> dict:
    """``--clients`` clients deciding an application per customer: processes (as production's
    API workers are; forked once the setup's connection is closed) or threads of this process
    (``--client-mode``); each with its own database connection."""
    import gc
    import multiprocessing

    from django.conf import settings
    from django.db import connection, connections

    from hujin.core.events import dispatch_requester_set
    from hujin.core.tasks import outbox_dispatch_request

    t0 = time.monotonic()
    _say(f"  training and registering the champion; {opts.decisions:,} customers ...")
    _champion(now)
    mode = getattr(opts, "client_mode", "process")
    clients = opts.clients if connection.vendor == "postgresql" else 1
    # One more customer per client: its untimed first application warms the client up.
    users = _customers(opts.decisions + clients, 1, now, day)
    warm, users = users[:clients], users[clients:]
    kind = "processes" if mode == "process" else "threads"
    _say(f"  ready in {time.monotonic() - t0:.1f} s; applying with {clients} clients, {kind} ...")
    shares = [users[k::clients] for k in range(clients)]
    no_dispatch = getattr(opts, "no_dispatch", False)
    if no_dispatch:
        dispatch_requester_set(None)  # the sweep would deliver; inherited by forked clients
    if mode == "process":
        context = multiprocessing.get_context("fork")
        start = context.Barrier(clients + 1)
        queue = context.SimpleQueue()
        connections.close_all()  # a child must never share the parent's connection
        # What the setup left in memory (the training's data frames among it) is kept out of
        # the children's garbage collections, as a pre-forking server does before it forks.
        gc.freeze()
        workers = [context.Process(target=_client,
                                   args=(warm[k], share, product, day, start, queue.put))
                   for k, share in enumerate(shares)]  # fmt: skip
    else:
        start = threading.Barrier(clients + 1)
        queue = None
        parts: list[list] = [[] for _ in shares]
        workers = [threading.Thread(target=_client,
                                    args=(warm[k], share, product, day, start, parts[k].extend))
                   for k, share in enumerate(shares)]  # fmt: skip
    for worker in workers:
        worker.start()
    start.wait(timeout=600)
    t0 = time.monotonic()
    if queue is not None:
        parts = [queue.get() for _ in workers]  # each client's list, as it finishes
    for worker in workers:
        worker.join()
    wall = time.monotonic() - t0
    gc.unfreeze()
    if no_dispatch:
        dispatch_requester_set(outbox_dispatch_request)
    queue_kind = "Redis" if settings.HUJIN_TASKS_URL.startswith("redis") else "scratch SQLite"
    done = [r for part in parts for r in part]
    latencies = sorted(ms for ms, outcome in done if not outcome.startswith("error"))
    outcomes = Counter(outcome for _, outcome in done)
    report = {
        "decisions": len(done),
        "clients": clients,
        "client_mode": mode,
        "decision_dispatch": "off (--no-dispatch)" if no_dispatch else f"huey, {queue_kind} queue",
        "decisions_per_s": round(len(latencies) / wall, 1) if wall else 0.0,
        "decision_p50_ms": round(percentile(latencies, 50), 1),
        "decision_p99_ms": round(percentile(latencies, 99), 1),
        "decision_max_ms": round(latencies[-1], 1) if latencies else 0.0,
        "decision_outcomes": dict(sorted(outcomes.items())),
    }
    _say(f"  {len(latencies)} decisions in {wall:.1f} s: {report['decisions_per_s']}/s, "
         f"p50 {report['decision_p50_ms']} ms, p99 {report['decision_p99_ms']} ms")  # fmt: skip
    return report


def _client(warm_up, users: list, product, day: date, start, deliver) -> None:
    """One client (its own database connection): an application per customer, each timed;
    ``deliver`` gets the list of (ms, outcome) at the end, whole or as far as it got. Before
    the clock starts, ``warm_up``'s application, untimed: a long-running API worker has long
    opened its connection, loaded its code and the champion's artefact."""
    from django.db import connection

    from hujin.core.actors import Actor
    from hujin.core.errors import HujinError
    from hujin.lending.services import ApplicationInput, application_submit

    def decide(user) -> str:
        actor = Actor(kind="customer", id=str(user.pk), label=user.username)
        data = ApplicationInput(product_id=product.id, amount_minor=APPLY_AMOUNT, term=TERM,
                                purpose="consumption", monthly_income_minor=APPLY_INCOME,
                                idempotency_key=f"bench-{user.username}")  # fmt: skip
        try:
            application = application_submit(actor=actor, data=data, now=datetime.now(UTC),
                                             business_date=day)  # fmt: skip
            return application.state
        except HujinError as error:
            return f"error:{error.code}"

    results: list[tuple[float, str]] = []
    try:
        decide(warm_up)
        start.wait(timeout=600)
        for user in users:
            t0 = time.perf_counter()
            outcome = decide(user)
            results.append(((time.perf_counter() - t0) * 1000, outcome))
    finally:
        deliver(results)
        connection.close()


# -- the loans, set-based ------------------------------------------------------------------------


def _accrual(opts, product, now: datetime, day: date) -> dict:
    from hujin.lending.cob_accrual import interest_accrue

    t0 = time.monotonic()
    _say(f"  writing {opts.loans:,} active loans ...")
    total = _loans(opts.loans, product, now, day)
    _scratch.analyze()
    setup = round(time.monotonic() - t0, 1)
    accrual_date = day + timedelta(days=ACCRUAL_DAY)
    # The day before, the close ran too (not timed beyond its own figure): the timed close is
    # a day like any other, reading what the last one recognised.
    _say(f"  written in {setup} s; accruing the interest of {accrual_date - timedelta(days=1)}")
    t0 = time.monotonic()
    interest_accrue(business_date=accrual_date - timedelta(days=1),
                    now=now + timedelta(days=ACCRUAL_DAY - 1))  # fmt: skip
    first_seconds = round(time.monotonic() - t0, 2)
    _say(f"  in {first_seconds} s; accruing the interest of {accrual_date} ...")
    with _statements_timed() as statements:
        t0 = time.monotonic()
        outcome = interest_accrue(business_date=accrual_date,
                                  now=now + timedelta(days=ACCRUAL_DAY))  # fmt: skip
        seconds = round(time.monotonic() - t0, 2)
    _say(f"  accrued {outcome['total_minor'] / 100:,.2f} on {outcome['loans']:,} loans "
         f"in {seconds} s")  # fmt: skip
    return {
        "loans": opts.loans,
        "loans_principal_minor": total,
        "loans_setup_seconds": setup,
        "accrual_date": accrual_date.isoformat(),
        "accrual_seconds": seconds,
        "previous_accrual_seconds": first_seconds,
        "accrued_loans": outcome["loans"],
        "accrued_minor": outcome["total_minor"],
        "accrual_statements": statements,
    }


@contextmanager
def _statements_timed():
    """Where the accrual's time goes: each statement it runs through Django's cursor, and the
    ledger fan-in (which runs its own on the driver's cursor) as one, the slowest first."""
    from django.db import connection

    from hujin.lending import cob_accrual

    timed: list[dict] = []

    def timer(execute, sql, params, many, context):
        t0 = time.monotonic()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append({"sql": " ".join(sql.split())[:160], "s": time.monotonic() - t0})

    fan_in = cob_accrual.transfers_fan_in

    def fan_in_timed(**kwargs):
        t0 = time.monotonic()
        try:
            return fan_in(**kwargs)
        finally:
            timed.append({"sql": "transfers_fan_in (the ledger's statements)",
                          "s": time.monotonic() - t0})  # fmt: skip

    cob_accrual.transfers_fan_in = fan_in_timed
    summary: list[dict] = []
    try:
        with connection.execute_wrapper(timer):
            yield summary
    finally:
        cob_accrual.transfers_fan_in = fan_in
        for row in sorted(timed, key=lambda r: -r["s"])[:8]:
            summary.append({"sql": row["sql"], "seconds": round(row["s"], 2)})


def _loans(count: int, product, now: datetime, day: date) -> int:
    """``count`` active loans of one customer, disbursed today; the principal lent, fen."""
    from django.db import connection

    from hujin.customers.models import Customer
    from hujin.lending import permissions as p
    from hujin.lending.accounts import house_accounts_open
    from hujin.lending.services import funding_add

    [user] = _customers(1, 9_000_000, now, day)
    customer = Customer.objects.get(user=user)
    house_accounts_open(now=now)
    with connection.cursor() as cursor:
        t0 = time.monotonic()
        _driver(cursor, count)
        _schedules(cursor, product, day)
        _say(f"    ids and schedules in {time.monotonic() - t0:.1f} s")
        _rows(cursor, customer, product, now, day)
        cursor.execute(f"SELECT SUM(principal_minor) FROM {DRIVER}")
        total = int(cursor.fetchone()[0])
    ops = _staff("ops", p.FUND_LENDING)
    left, part = total, 0
    while left:  # the service takes at most 10**13 fen at a time
        amount = min(left, 10**13)
        funding_add(actor=ops, amount_minor=amount, reference=f"bench-funding-{part}", now=now,
                    business_date=day)  # fmt: skip
        left, part = left - amount, part + 1
    t0 = time.monotonic()
    _postings(customer.wallet_account_id, total, now, day)
    _say(f"    disbursements posted in {time.monotonic() - t0:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {DRIVER}")
        cursor.execute(f"DROP TABLE {SCHEDULES}")
    return total


def _uuid_value(value: uuid.UUID, postgres: bool):
    return value if postgres else value.hex


def _driver(cursor, count: int) -> None:
    """The bench loans' ids (each loan's, its application's, its receivables': uuid5 of the
    loan's, as ``accounts.loan_account_id`` names them) and principals, one row per loan."""
    from django.db import connection

    from hujin.lending.accounts import loan_account_id

    postgres = connection.vendor == "postgresql"
    kind = "uuid" if postgres else "char(32)"
    cursor.execute(f"DROP TABLE IF EXISTS {DRIVER}")
    cursor.execute(
        f"CREATE TABLE {DRIVER} (n bigint PRIMARY KEY, loan_id {kind}, application_id {kind}, "
        f"principal_id {kind}, interest_id {kind}, penalty_id {kind}, principal_minor bigint)"
    )

    def rows(numbers):
        for n in numbers:
            loan = uuid.uuid4()
            ids = (
                loan,
                uuid.uuid4(),
                *(loan_account_id(loan, part) for part in ("principal", "interest", "penalty")),
            )
            yield (n, *(_uuid_value(i, postgres) for i in ids),
                   PRINCIPALS[n % len(PRINCIPALS)])  # fmt: skip

    for first in range(1, count + 1, CHUNK):
        numbers = range(first, min(first + CHUNK, count + 1))
        if postgres:  # COPY's text format, a chunk at a time
            text = "".join("\t".join(map(str, row)) + "\n" for row in rows(numbers))
            with cursor.connection.cursor() as raw, raw.copy(f"COPY {DRIVER} FROM STDIN") as copy:
                copy.write(text)
        else:
            cursor.executemany(f"INSERT INTO {DRIVER} VALUES (%s, %s, %s, %s, %s, %s, %s)",
                               list(rows(numbers)))  # fmt: skip


def _schedules(cursor, product, day: date) -> None:
    """Each distinct principal's schedule, computed once (with its APR)."""
    from django.db import connection

    from hujin.lending.pricing import terms_of
    from hujin.lending.schedule import schedule

    ops = connection.ops
    cursor.execute(f"DROP TABLE IF EXISTS {SCHEDULES}")
    cursor.execute(
        f"CREATE TABLE {SCHEDULES} (principal_minor bigint, number integer, period_start date, "
        "due_date date, principal_part bigint, interest bigint, fee bigint, apr numeric(7, 4))"
    )
    rows = []
    for principal in PRINCIPALS:
        plan = schedule(terms_of(product, amount_minor=principal, term=TERM, rate=LOAN_RATE,
                                 start=day))  # fmt: skip
        rows += [(principal, i.number, ops.adapt_datefield_value(i.period_start),
                  ops.adapt_datefield_value(i.due_date), i.principal_minor, i.interest_minor,
                  i.fee_minor, ops.adapt_decimalfield_value(plan.apr, 7, 4))
                 for i in plan.instalments]  # fmt: skip
    cursor.executemany(f"INSERT INTO {SCHEDULES} VALUES (%s, %s, %s, %s, %s, %s, %s, %s)", rows)


def _rows(cursor, customer, product, now: datetime, day: date) -> None:
    """Applications, loans, instalments and the loans' receivables, each in one statement."""
    from hujin.lending import types as t
    from hujin.lending.accounts import PER_LOAN
    from hujin.lending.models import Instalment, Loan, LoanApplication

    # In the loans' order, a loan's instalments together: the pages a day's accrual touches
    # are laid out as the services would have written them, loan after loan.
    first = f"FROM {DRIVER} d JOIN {SCHEDULES} s ON s.principal_minor = d.principal_minor " \
        "AND s.number = 1 ORDER BY d.n"  # fmt: skip
    every = f"FROM {DRIVER} d JOIN {SCHEDULES} s ON s.principal_minor = d.principal_minor " \
        "ORDER BY d.n, s.number"  # fmt: skip
    common = {"customer": customer.id, "product": product.id}
    steps = [
        ("applications", LoanApplication, first, {
            "id": "d.application_id", "amount_minor": "d.principal_minor",
            "idempotency_key": "'bench-loan-' || d.n", "offer_amount_minor": "d.principal_minor",
            "offer_apr": "s.apr",
        }, {
            **common, "term": TERM, "purpose": "consumption", "state": t.APP_ACCEPTED,
            "outcome": "approve", "offer_rate": LOAN_RATE, "decided_by": "policy",
            "decided_at": now, "submitted_at": now,
        }),
        ("loans", Loan, first, {
            "id": "d.loan_id", "number": "'BENCH-' || d.n", "application": "d.application_id",
            "principal_minor": "d.principal_minor", "apr": "s.apr",
            "principal_account_id": "d.principal_id", "interest_account_id": "d.interest_id",
            "penalty_account_id": "d.penalty_id",
        }, {
            **common, "annual_rate": LOAN_RATE, "term": TERM, "term_unit": product.term_unit,
            "method": product.method, "day_count": product.day_count,
            "penalty_rate": product.penalty_rate, "grace_days": product.grace_days,
            "prepayment_allowed": product.prepayment_allowed,
            "prepayment_fee_rate": product.prepayment_fee_rate,
            "allocation_order": product.allocation_order, "contract_version": 1,
            "contract_text": "", "contract_sha256": "", "signed_at": now, "signed_with": "sms",
            "state": t.LOAN_ACTIVE, "start_date": day, "disbursed_at": now, "created_at": now,
            "updated_at": now,
        }),
        ("instalments", Instalment, every, {
            "loan": "d.loan_id", "number": "s.number", "period_start": "s.period_start",
            "due_date": "s.due_date", "principal_minor": "s.principal_part",
            "interest_minor": "s.interest", "fee_minor": "s.fee",
        }, {"schedule_version": 1}),
    ]  # fmt: skip
    for label, model, source, columns, values in steps:
        t0 = time.monotonic()
        _insert_select(cursor, model, source, columns, values)
        _say(f"    {label} in {time.monotonic() - t0:.1f} s")
    for part, (code, label) in PER_LOAN.items():
        t0 = time.monotonic()
        rows = f"SELECT d.{part}_id AS id, '{label}: BENCH-' || d.n AS name, '' AS owner_ref "
        rows += f"FROM {DRIVER} d ORDER BY d.n"
        _scratch.accounts_insert(cursor, rows_sql=rows, params=[], currency="CNY", code=code,
                                 kind="asset", limited=False, now=now)  # fmt: skip
        _say(f"    {part} accounts in {time.monotonic() - t0:.1f} s")


def _insert_select(cursor, model, source: str, columns: dict, values: dict) -> None:
    """One ``INSERT INTO <model's table> SELECT ... <source>``: ``columns`` maps fields to SQL
    expressions over the source, ``values`` fields to Python values (prepared as the field
    prepares them); every other field takes its default, or NULL."""
    from django.db import connection, models

    names, exprs, params = [], [], []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.AutoField):
            continue
        names.append(field.column)
        if field.name in columns:
            exprs.append(columns[field.name])
        elif field.name in values:
            exprs.append("%s")
            params.append(field.get_db_prep_save(values[field.name], connection))
        elif field.has_default() and not field.primary_key:
            exprs.append("%s")
            params.append(field.get_db_prep_save(field.get_default(), connection))
        elif field.null:
            exprs.append("NULL")
        else:
            raise KeyError(f"{model.__name__}.{field.name} needs a value")
    cursor.execute(
        f"INSERT INTO {model._meta.db_table} ({', '.join(names)}) "
        f"SELECT {', '.join(exprs)} {source}",
        params,
    )


def _postings(wallet_id, total: int, now: datetime, day: date) -> None:
    """The loans' claims (one fan-in: Dr each principal receivable, Cr the loan book) and their
    cash (one transfer: the lender's funding to the customer's wallet)."""
    from hujin.ledger.services import transfers_create, transfers_fan_in
    from hujin.ledger.types import FanInLines, TransferRequest
    from hujin.lending.accounts import house_id

    result = transfers_fan_in(
        batch_id=uuid.uuid4(), credit_account_id=house_id("loan_book"),
        lines=FanInLines(sql=f"SELECT principal_id, principal_minor FROM {DRIVER} ORDER BY n"),
        code="bench.lending.claim", actor=_scratch.system(), now=now, business_date=day,
    )  # fmt: skip
    if result.refused or result.total != total:
        raise RuntimeError(f"the claims were not all posted: {result.refused[:3]}")
    [cash] = transfers_create(
        transfers=[TransferRequest(id=uuid.uuid4(), debit_account_id=house_id("funding"),
                                   credit_account_id=wallet_id, amount=total, currency="CNY",
                                   code="bench.lending.cash")],
        actor=_scratch.system(), now=now, business_date=day,
    )  # fmt: skip
    if not cash.ok:
        raise RuntimeError(f"the cash was not paid out: {cash.result}")


def _lending_verify() -> dict:
    from hujin.lending.verify import lending_verify

    _say("  lending verify ...")
    t0 = time.monotonic()
    loans, problems = lending_verify()
    outcome = {
        "ok": not problems,
        "loans": loans,
        "problems": [str(problem) for problem in problems[:10]],
        "seconds": round(time.monotonic() - t0, 1),
    }
    _say(f"  lending verify: {'OK' if outcome['ok'] else 'FAILED'} ({loans:,} loans) "
         f"in {outcome['seconds']} s")  # fmt: skip
    return outcome
