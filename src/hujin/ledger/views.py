"""The ledger's console pages: accounts, an account's balances and history, statements,
transfers and the trial balance. Read-only, for staff.

The ledger sits below identity, so these views hold no guard of their own: config/urls.py includes
them behind identity's ``staff_required_urls`` with the ledger read permission (an MFA-verified
staff session holding ``ledger.view_account``), which hands each request its staff Actor as
``request.actor``. Every read goes through the selectors with that Actor, and the selectors decide
what it may see.

Each page validates its filters with a form, reads through the selectors and hands the template
plain values (the same dicts the JSON API returns, plus translated labels). Owners and accounts
show by name, never by reference or id (``page_names``): a customer's name masked, as the
customers module answers for the viewer.
"""

import uuid
from datetime import date
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.utils.cache import patch_vary_headers

from hujin.core import errors as core_errors
from hujin.core.actors import Actor
from hujin.core.dates import business_date_get, business_time_zone
from hujin.ledger import presenters, selectors
from hujin.ledger.errors import AccountNotFound, TransferNotFound
from hujin.ledger.forms import (
    KIND_LABELS,
    MADE_BY_LABELS,
    PENDING_STATUS_LABELS,
    SIDE_LABELS,
    TRANSFER_KIND_LABELS,
    AccountSearchForm,
    BalancesAsOfForm,
    StatementForm,
    TransferFilterForm,
    TrialBalanceForm,
)
from hujin.ledger.page_names import PENDING_STATUS_BADGES, PageNames

PAGE_SIZE = 50


def ledger_page(view):
    """Runs ``view(request, actor, ...)`` with the Actor the guard gave the request, and shows a
    selector's refusal as the 403 page. No Actor, no page: a view reached without the guard
    shows nothing rather than everything.

    Moments show in the business time zone, to the second: the zone the "as of" form reads, so
    a time copied from a page into it means the same moment (``BalancesAsOfForm.through_second``
    takes in the whole second)."""

    @wraps(view)
    def with_actor(request, *args, **kwargs):
        actor = getattr(request, "actor", None)
        if not isinstance(actor, Actor):
            raise PermissionDenied("no actor")
        try:
            with timezone.override(business_time_zone()):
                return view(request, actor, *args, **kwargs)
        except core_errors.PermissionDenied as exc:
            raise PermissionDenied(exc.code) from None

    return with_actor


def _is_htmx_fragment(request) -> bool:
    return request.headers.get("HX-Request") == "true" and not request.headers.get(
        "HX-History-Restore-Request"
    )


def _labelled_account(row: dict) -> dict:
    return {**row, "kind_label": KIND_LABELS.get(row["kind"], row["kind"])}


def _labelled_transfer(row: dict, names: PageNames) -> dict:
    status = row.get("pending_status") or ""
    return {
        **row,
        "kind_label": TRANSFER_KIND_LABELS.get(row["kind"], row["kind"]),
        "pending_status_label": PENDING_STATUS_LABELS.get(status, ""),
        "pending_status_badge": PENDING_STATUS_BADGES.get(status, status),
        "made_by_label": MADE_BY_LABELS.get(row["made_by"]["kind"], row["made_by"]["kind"]),
        "debit_account": names.account(row["debit_account_id"]),
        "credit_account": names.account(row["credit_account_id"]),
    }


def _labelled_entry(row: dict, names: PageNames) -> dict:
    return {
        **row,
        "kind_label": TRANSFER_KIND_LABELS.get(row["kind"], row["kind"]),
        "side_label": SIDE_LABELS[row["side"]],
        "other_account": names.account(row["other_account_id"]),
    }


def _month_so_far(today: date) -> tuple[date, date]:
    return today.replace(day=1), today


# -- accounts ------------------------------------------------------------------------------------


@ledger_page
def accounts(request, actor: Actor):
    """Search accounts by text, currency and kind; htmx swaps in the results as you type."""
    form = AccountSearchForm(request.GET)
    rows, next_cursor = [], None
    if form.is_valid():
        page = selectors.accounts_search(
            actor=actor,
            text=form.cleaned_data["q"].strip(),
            currency=form.cleaned_data["currency"],
            kind=form.cleaned_data["kind"],
            after=form.cleaned_data["after"] or None,
            limit=PAGE_SIZE,
        )
        names = PageNames(actor, page.accounts)
        rows = [
            names.named_account_row(_labelled_account(presenters.account_out(a)), a)
            for a in page.accounts
        ]
        next_cursor = page.next_cursor
    context = {
        "form": form,
        "rows": rows,
        "next_cursor": next_cursor,
        "paged": bool(form.is_valid() and form.cleaned_data["after"]),
    }
    fragment = _is_htmx_fragment(request)
    template = "ledger/_account_results.html" if fragment else "ledger/accounts.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


@ledger_page
def account_detail(request, actor: Actor, account_id: uuid.UUID):
    """Balances now or then, and the history with the running balance after each transfer."""
    form = BalancesAsOfForm(request.GET)
    valid = form.is_valid()
    as_of = form.cleaned_data.get("as_of") if valid else None
    business_date = form.cleaned_data.get("business_date") if valid else None
    before = form.cleaned_data.get("before") if valid else None
    try:
        overview = selectors.account_overview(
            actor=actor,
            account_id=account_id,
            as_of=None if as_of is None else BalancesAsOfForm.through_second(as_of),
            business_date=business_date,
            before_seq=before,
            limit=PAGE_SIZE,
        )
    except AccountNotFound:
        raise Http404("no such account") from None
    account, balances, history = overview.account, overview.balances_as_of, overview.history
    statement_from, statement_to = _month_so_far(business_date_get(now=timezone.now()))
    names = PageNames(actor, [account], others=[e.other_account_id for e in history.entries])
    context = {
        "account": names.named_account_row(
            _labelled_account(presenters.account_out(account, balances)), account
        ),
        "form": form,
        "as_of": as_of,
        "business_date": business_date,
        "business_time_zone": str(business_time_zone()),
        "entries": [
            _labelled_entry(presenters.history_entry_out(e, kind=account.kind), names)
            for e in history.entries
        ],
        "older": history.next_before_seq,
        "paged": before is not None,
        "statement_from": statement_from,
        "statement_to": statement_to,
    }
    return render(request, "ledger/account_detail.html", context)


@ledger_page
def account_statement(request, actor: Actor, account_id: uuid.UUID):
    """Opening and closing balances, period totals and the transfers, for business dates."""
    try:
        account = selectors.account_get(actor=actor, account_id=account_id)
    except AccountNotFound:
        raise Http404("no such account") from None
    if "from_date" in request.GET or "to_date" in request.GET:
        form = StatementForm(request.GET)
    else:
        start, end = _month_so_far(business_date_get(now=timezone.now()))
        form = StatementForm({"from_date": start.isoformat(), "to_date": end.isoformat()})
    statement, others = None, []
    if form.is_valid():
        data = form.cleaned_data
        read = selectors.account_statement(
            actor=actor,
            account_id=account.id,
            from_date=data["from_date"],
            to_date=data["to_date"],
            after_seq=data["after"],
            limit=PAGE_SIZE * 4,
        )
        others = [e.other_account_id for e in read.entries]
        statement = presenters.statement_out(read)
    names = PageNames(actor, [account], others=others)
    if statement is not None:
        statement["entries"] = [_labelled_entry(e, names) for e in statement["entries"]]
    context = {
        "account": names.named_account_row(
            _labelled_account(presenters.account_out(account)), account
        ),
        "form": form,
        "statement": statement,
        "paged": bool(form.is_valid() and form.cleaned_data["after"] is not None),
    }
    return render(request, "ledger/account_statement.html", context)


# -- transfers -----------------------------------------------------------------------------------


@ledger_page
def transfers(request, actor: Actor):
    """Transfers newest first, filtered by code, kind and business date."""
    form = TransferFilterForm(request.GET)
    rows, older = [], None
    if form.is_valid():
        data = form.cleaned_data
        page = selectors.transfers_list(
            actor=actor,
            code=data["code"],
            kind=data["kind"],
            business_date=data["business_date"],
            before_seq=data["before"],
            limit=PAGE_SIZE,
        )
        names = PageNames(
            actor,
            others={i for t in page.transfers for i in (t.debit_account_id, t.credit_account_id)},
        )
        rows = [_labelled_transfer(presenters.transfer_out(t), names) for t in page.transfers]
        older = page.next_before_seq
    context = {
        "form": form,
        "rows": rows,
        "older": older,
        "paged": bool(form.is_valid() and form.cleaned_data["before"] is not None),
    }
    return render(request, "ledger/transfers.html", context)


@ledger_page
def transfer_detail(request, actor: Actor, transfer_id: uuid.UUID):
    """A transfer; for a pending one, whether it is still held and what resolved it."""
    try:
        view = selectors.transfer_get(actor=actor, transfer_id=transfer_id)
    except TransferNotFound:
        raise Http404("no such transfer") from None
    names = PageNames(
        actor, others=[view.transfer.debit_account_id, view.transfer.credit_account_id]
    )
    return render(
        request, "ledger/transfer_detail.html",
        {"transfer": _labelled_transfer(presenters.transfer_detail_out(view), names)},
    )  # fmt: skip


# -- trial balance -------------------------------------------------------------------------------


@ledger_page
def trial_balance(request, actor: Actor):
    """Per currency: each account kind's codes with subtotals, and the check that total debits
    equal total credits."""
    form = TrialBalanceForm(request.GET)
    currency = form.cleaned_data["currency"] if form.is_valid() else ""
    report = presenters.trial_balance_out(selectors.trial_balance(actor=actor, currency=currency))
    for block in report["currencies"]:
        for kind in block["kinds"]:
            kind["kind_label"] = KIND_LABELS.get(kind["kind"], kind["kind"])
    return render(request, "ledger/trial_balance.html", {"form": form, "report": report})
