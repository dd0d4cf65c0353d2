# ruff: noqa: F811 -- the fixtures imported from test_pages_ledger are redefined as arguments
"""The ledger's console pages in Simplified Chinese: a browser that asks for zh-hans reads every
page (accounts, an account, its statement, transfers, a transfer, the trial balance) in the
financial Chinese of Chinese banks, and the ledger's catalogue is complete and compiled.
"""

import ast
import gettext
import re
import shutil
import subprocess
import uuid
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from hujin.core.actors import SYSTEM
from hujin.ledger.engine import TransferRequest
from hujin.ledger.models import Account
from hujin.ledger.services import account_debits_freeze, transfers_create
from tests.ledger.test_pages_ledger import (  # noqa: F401 -- fixtures
    NOW,
    TODAY,
    alice,
    bank,
    bob,
    move,
    text,
)

ZH = {"accept-language": "zh-hans"}
CATALOGUE = (
    Path(__file__).resolve().parents[2] / "src/hujin/ledger/locale/zh_Hans/LC_MESSAGES/django"
)


def chinese_page(client, name, *args, **params):
    response = client.get(reverse(name, args=args), params, headers=ZH)
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()
    return text(response)


def assert_no_english(page, *labels):
    """None of the English labels shows on the page (whole words, case-sensitive)."""
    shown = [label for label in labels if re.search(rf"\b{re.escape(label)}\b", page)]
    assert shown == [], f"English left on a Chinese page: {shown}"


class TestAccountsPageInChinese:
    def test_lists_accounts_with_chinese_headings_kinds_and_statuses(
        self, staff_client, bank, alice
    ):
        move(bank, alice, 12_345)

        page = chinese_page(staff_client, "ledger:accounts")

        assert "账本账户" in page and "试算平衡" in page
        assert "代码 名称 类型 币种 净余额 可用余额 所有人 状态" in page
        assert "资产" in page and "负债" in page and "已开立" in page
        assert "搜索" in page and "全部币种" in page and "全部类型" in page
        assert_no_english(page, "Net balance", "Available", "Owner", "Asset", "Liability")

    def test_says_in_chinese_that_nothing_matches(self, staff_client, db):
        page = chinese_page(staff_client, "ledger:accounts", q="nobody")

        assert "没有符合条件的账户" in page and "请尝试其他搜索词、币种或类型。" in page
        assert_no_english(page, "No accounts match")


class TestAccountDetailPageInChinese:
    def test_shows_balances_and_history_in_chinese(self, staff_client, bank, alice):
        move(bank, alice, 10_000, code="topup")
        move(alice, bank, 3_000, kind="pending", code="withdrawal")
        move(alice, bank, 2_500, code="fee")

        page = chinese_page(staff_client, "ledger:account_detail", alice.id)

        assert "当前余额" in page
        assert "已入账 待结算" in page
        assert "借方 25.00 CNY 30.00 CNY" in page and "贷方 100.00 CNY 0.00 CNY" in page
        assert "净余额 75.00 CNY" in page and "可用余额 45.00 CNY" in page
        assert "借方不得超过贷方" in page and "余额方向为贷" in page
        assert "交易明细" in page and "交易后余额" in page and "对方账户" in page
        assert "对账单" in page and "全部账户" in page
        assert f"账号 {Account.objects.get(id=alice.id).number} " in page
        assert_no_english(
            page, "Balances now", "Debits", "Credits", "Available", "Net balance", "History"
        )

    def test_names_the_reasons_an_account_is_frozen_for_in_chinese(self, staff_client, alice):
        for reason in ("customers.freeze", "legacy", "risk.block"):
            account_debits_freeze(account_ids=[alice.id], reason_code=reason, actor=SYSTEM, now=NOW)

        page = chinese_page(staff_client, "ledger:account_detail", alice.id)

        assert "借记已冻结 客户已冻结 , 原因未记录的冻结 , risk.block" in page
        assert_no_english(page, "Debits frozen", "Customer frozen", "Frozen before")

    def test_names_a_past_business_day_in_chinese(self, staff_client, bank, alice):
        move(bank, alice, 10_000, business_date=date(2025, 3, 10))

        page = chinese_page(
            staff_client, "ledger:account_detail", alice.id, business_date="2025-03-10"
        )

        assert "业务日期 2025-03-10 日终余额" in page
        assert "净余额 100.00 CNY" in page

    def test_explains_a_form_mistake_in_chinese(self, staff_client, alice):
        page = chinese_page(
            staff_client,
            "ledger:account_detail",
            alice.id,
            as_of="2025-03-10T10:00",
            business_date="2025-03-10",
        )

        assert "请选择一个时点或一个业务日期，不能同时选择。" in page
        assert_no_english(page, "not both")


class TestStatementPageInChinese:
    def test_shows_opening_period_and_closing_lines_in_chinese(self, staff_client, bank, alice):
        move(bank, alice, 10_000, business_date=date(2025, 1, 31), code="opening")
        move(bank, alice, 2_000, business_date=date(2025, 2, 3), code="salary")
        move(alice, bank, 500, business_date=date(2025, 2, 20), code="fee")

        page = chinese_page(
            staff_client,
            "ledger:account_statement",
            alice.id,
            from_date="2025-02-01",
            to_date="2025-02-28",
        )

        assert "起始日期" in page and "截止日期" in page and "收件号码" not in page
        assert "业务日期 2025-02-01 至 2025-02-28" in page
        assert "已入账借方 已入账贷方 净余额 可用余额" in page
        assert "期初 0.00 CNY 100.00 CNY 100.00 CNY" in page
        assert "本期发生 5.00 CNY 20.00 CNY" in page
        assert "期末 5.00 CNY 120.00 CNY 115.00 CNY" in page
        assert "本期转账" in page and "salary" in page
        assert_no_english(
            page, "Opening", "In the period", "Closing", "Debits posted", "Available", "Statement"
        )

    def test_refuses_a_long_period_in_chinese(self, staff_client, alice):
        page = chinese_page(
            staff_client,
            "ledger:account_statement",
            alice.id,
            from_date="2024-01-01",
            to_date="2025-06-30",
        )

        assert "对账单的截止日期不得早于起始日期，期间最长 366 天。" in page
        assert "期初" not in page


class TestTransferPagesInChinese:
    def test_lists_transfers_with_chinese_headings_and_kinds(self, staff_client, bank, alice):
        move(bank, alice, 1_000, code="topup")
        move(alice, bank, 300, kind="pending", code="hold")

        page = chinese_page(staff_client, "ledger:transfers")

        assert "业务日期 类型 借方账户 贷方账户 金额 摘要" in page
        assert "充值" in page
        assert "已入账" in page and "待结算" in page and "待审批" not in page
        assert "筛选" in page
        assert_no_english(
            page, "Debit account", "Credit account", "Amount", "Posted", "Pending", "Filter"
        )

    def test_shows_a_pending_transfer_and_what_resolved_it_in_chinese(
        self, staff_client, bank, alice
    ):
        hold_id = move(bank, alice, 3_000, kind="pending", timeout_seconds=60)

        held = chinese_page(staff_client, "ledger:transfer_detail", hold_id)
        post = TransferRequest(id=uuid.uuid4(), kind="post_pending", pending_id=hold_id, code="x")
        transfers_create(transfers=[post], actor=SYSTEM, now=NOW, business_date=TODAY)
        posted = chinese_page(staff_client, "ledger:transfer_detail", hold_id)
        resolution = chinese_page(staff_client, "ledger:transfer_detail", post.id)

        assert "转账 #" in held and "全部转账" in held
        assert "类型 待结算" in held and "金额 30.00 CNY" in held
        assert "冻结状态 待结算" in held and "1 分钟后" in held and "60 秒" not in held
        assert "处理转账 尚未处理" in held
        assert "与下一笔关联 否" in held
        assert "冻结状态 已入账" in posted
        assert "类型 待结算确认入账" in resolution and "对应的待结算转账" in resolution
        assert_no_english(held, "Hold", "Pending", "Not yet", "Debit account", "Expires")


class TestTrialBalancePageInChinese:
    def test_shows_subtotals_and_the_check_in_chinese(self, staff_client, bank, alice, bob):
        move(bank, alice, 10_000)
        move(bank, bob, 5_000)

        page = chinese_page(staff_client, "ledger:trial_balance")

        assert "试算平衡" in page
        assert "类型 / 代码 账户 已入账借方 已入账贷方 借方余额 贷方余额" in page
        assert "资产小计 1 150.00 CNY 0.00 CNY 150.00 CNY 0.00 CNY" in page
        assert "负债小计 2 0.00 CNY 150.00 CNY 0.00 CNY 150.00 CNY" in page
        assert "CNY 合计 3" in page
        assert "校验：借方合计 150.00 CNY = 贷方合计 150.00 CNY" in page and "平衡" in page
        assert_no_english(page, "Trial balance", "Subtotal", "Check", "Debits posted", "In balance")


# -- the catalogue ------------------------------------------------------------------------------


def po_entries(path: Path) -> list[dict]:
    """The entries of a .po file: flags, msgctxt, msgid, msgid_plural and msgstr(s)."""
    entries, entry, field = [], None, None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if entry:
                entries.append(entry)
            entry, field = None, None
            continue
        entry = entry if entry is not None else {"flags": set(), "msgstr": {}}
        if line.startswith("#,"):
            entry["flags"].update(f.strip() for f in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if isinstance(field, int):
                entry["msgstr"][field] += value
            else:
                entry[field] += value
        else:
            keyword, quoted = line.split(" ", 1)
            index = re.fullmatch(r"msgstr(?:\[(\d+)\])?", keyword)
            field = int(index.group(1) or 0) if index else keyword
            if index:
                entry["msgstr"][field] = ast.literal_eval(quoted)
            else:
                entry[field] = ast.literal_eval(quoted)
    return entries


def messages_of(entries: list[dict]) -> dict:
    """What a compiled catalogue holds, keyed as gettext.GNUTranslations keys it."""
    messages = {}
    for entry in entries:
        if not entry["msgid"]:
            continue  # the header
        msgid = entry["msgid"]
        if "msgctxt" in entry:
            msgid = f"{entry['msgctxt']}\x04{msgid}"
        if "msgid_plural" in entry:
            for n, msgstr in entry["msgstr"].items():
                messages[(msgid, n)] = msgstr
        else:
            messages[msgid] = entry["msgstr"][0]
    return messages


PLACEHOLDER = re.compile(r"%\(\w+\)[sd]")


class TestTheLedgerCatalogue:
    def test_every_ledger_string_has_a_chinese_translation(self):
        entries = [e for e in po_entries(CATALOGUE.with_suffix(".po")) if e["msgid"]]

        assert len(entries) > 100
        assert [e["msgid"] for e in entries if "fuzzy" in e["flags"]] == []
        assert [e["msgid"] for e in entries if not all(e["msgstr"].values())] == []

    def test_translations_keep_every_placeholder(self):
        entries = [e for e in po_entries(CATALOGUE.with_suffix(".po")) if e["msgid"]]

        for entry in entries:
            wanted = sorted(PLACEHOLDER.findall(entry.get("msgid_plural", entry["msgid"])))
            for msgstr in entry["msgstr"].values():
                assert sorted(PLACEHOLDER.findall(msgstr)) == wanted, entry["msgid"]

    def test_the_compiled_catalogue_matches_the_po_file(self):
        with CATALOGUE.with_suffix(".mo").open("rb") as mo:
            compiled = gettext.GNUTranslations(mo)._catalog

        expected = messages_of(po_entries(CATALOGUE.with_suffix(".po")))

        assert {k: v for k, v in compiled.items() if k != ""} == expected

    @pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
    def test_msgfmt_finds_nothing_wrong_with_the_po_file(self, tmp_path):
        result = subprocess.run(
            ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), CATALOGUE.with_suffix(".po")],
            capture_output=True,
            text=True,
        )

        assert result.returncode == 0, result.stderr
        with (
            (tmp_path / "django.mo").open("rb") as fresh,
            CATALOGUE.with_suffix(".mo").open("rb") as committed,
        ):
            assert gettext.GNUTranslations(fresh)._catalog == (
                gettext.GNUTranslations(committed)._catalog
            )
