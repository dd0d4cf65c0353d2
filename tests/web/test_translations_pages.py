"""Every page, asked for in Chinese, reads in Chinese: no English word is left on it.

The pages are found by walking the URL resolver (every hujin page that takes no argument), plus
the detail pages listed in PAGES_WITH_AN_ID with objects made here. Each is asked for by an
anonymous visitor, a staff member holding every permission (past the second factor) and a verified
customer, with ``Accept-Language: zh-hans``; a page that answers 200 with HTML is read as a person
sees it (tags, attributes, scripts and styles stripped) and fails on any run of three or more Latin
letters that is not in ALLOWED. The data on the pages is Chinese too (names, reasons), so what is
left in English is the page's own text: a string not marked for translation, or one missing from
its app's catalogue.
"""

import html
import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from hujin.core.money import CURRENCY_EXPONENTS

pytestmark = pytest.mark.django_db

# Words a Chinese page may show as they are, each for a reason:
ALLOWED = {
    "Hujin",  # the brand, always shown beside 互金
    "English",  # the language switcher names each language in itself
    "CNY",  # ISO 4217 currency codes are how money is labelled in both languages
    "USD",
    "API",  # "API 密钥", "JSON API": Chinese technical writing keeps these names
    "JSON",
    "TOTP",  # the standard's name, in the authenticator set-up
    "Google",  # authenticator apps named in the set-up are products, not prose
    "Microsoft",
    "Authenticator",
    "FreeOTP",
    "UTC",  # time-zone abbreviations that dates print after the time
    "CST",
} | set(CURRENCY_EXPONENTS)  # ISO 4217 codes label money in both languages
# Pages (by URL name) whose remaining English is not a catalogue's to fix, each with its reason;
# they are still fetched, so an error on them fails.
PENDING = {
    "suitability:questionnaires": "the questionnaire's English text is shown beside the "
    "Chinese by design, not marked lang=en (suitability/console_questionnaires.html)",
    "compliance:audit": "a system actor is labelled by its module's name, e.g. customers "
    "(compliance/audit/list.html)",
    "customers:kyc_detail": "the identity provider's own English reason (the simulated "
    "provider's, customers/providers.py)",
    "customers:detail": "the identity provider's own English reason (customers/providers.py)",
}
# A token of letters and digits; one with a digit or joined by . : / _ is an identifier
# (ledger:read, customer.register, wallet_cny, a hash), not a word; `...` is a command.
_TOKEN = re.compile(r"[A-Za-z0-9]+(?:[.:/_][A-Za-z0-9]+)*")
_COMMAND = re.compile(r"`[^`]*`|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_WORD = re.compile(r"[A-Za-z]{3,}")
# Not read: scripts and styles; <code> holds identifiers (account codes, audit actions, ids).
_HIDDEN = re.compile(r"<(script|style|code|pre)\b.*?</\1>|<!--.*?-->", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")
# Pages that are not pages: the JSON API, and the language switch (a POST).
_NOT_PAGES = ("api/", "i18n/")


def english_words(page: str) -> list[str]:
    """The runs of Latin letters a person reading ``page`` would see, less the allowed ones."""
    text = _COMMAND.sub(" ", html.unescape(_TAG.sub(" ", _HIDDEN.sub(" ", page))))
    words = set()
    for token in _TOKEN.findall(text):
        if not any(c in ".:/_0123456789" for c in token):
            words.update(_WORD.findall(token))
    return sorted(words - ALLOWED)


def paths_without_arguments(patterns=None, prefix: str = "") -> list[str]:
    """Every URL of the project whose pattern takes no argument, API and i18n left out."""
    found = []
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if route.startswith(_NOT_PAGES) or "<" in route or "^" in route:
            continue
        if isinstance(pattern, URLResolver):
            found += paths_without_arguments(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            found.append("/" + route)
    return sorted(set(found))


def untranslated(client: Client, paths) -> tuple[dict[str, list[str]], list[str]]:
    """({path: English words} for each page that has some, the paths read as HTML pages)."""
    return untranslated_in(client, paths, language="zh-hans")


def untranslated_in(client: Client, paths, *, language: str):
    failures, read = {}, []
    for path in paths:
        response = client.get(path, headers={"accept-language": language})
        # 403: the page that says this account may not open it is a page people read too.
        if response.status_code not in (200, 403) or "text/html" not in response["Content-Type"]:
            continue
        read.append(path)
        words = english_words(response.content.decode())
        if words and not (language != "en" and resolve(path).view_name in PENDING):
            failures[path] = words
    return failures, read


def report(failures: dict[str, list[str]]) -> str:
    return "\n".join(
        ["English left on Chinese pages:", *(f"{p}: {' '.join(w)}" for p, w in failures.items())]
    )


# --- people and objects, with Chinese data ------------------------------------------------------


@pytest.fixture
def staff(staff_user):
    """The suite's staff superuser (every permission, past TOTP), under a Chinese name."""
    from tests.conftest import _mfa_verified_client

    staff_user.username, staff_user.first_name, staff_user.last_name = "王经理", "经理", "王"
    staff_user.save(update_fields=["username", "first_name", "last_name"])
    return _mfa_verified_client(staff_user)


@pytest.fixture
def verified_customer(db, now, settings):
    """A customer who accepted every agreement, passed real-name verification (the simulated
    provider), has a wallet, a risk assessment and a personal-data request."""
    from hujin.core.events import outbox_dispatch
    from hujin.customers.services import kyc_submit
    from hujin.identity.access import customer_actor
    from hujin.identity.models import User
    from hujin.privacy.models import ConsentDocument
    from hujin.privacy.services import consent_accept, data_request_create
    from hujin.suitability.services import assessment_submit
    from tests.customers.conftest import resident_id
    from tests.suitability.conftest import answers_scoring_max

    settings.HUJIN_IDENTITY_PROVIDER = "hujin.customers.providers.LocalSimulatedProvider"
    user = User.objects.create(username="客户甲", kind=User.Kind.CUSTOMER, mobile="+8613912345670")
    actor = customer_actor(user)
    for kind in ConsentDocument.objects.values_list("kind", flat=True).distinct():
        document = ConsentDocument.objects.filter(kind=kind).order_by("-version").first()
        consent_accept(
            user_id=user.pk, document_id=document.pk, channel="web", ip=None, actor=actor, now=now
        )
    kyc_submit(
        user_id=user.pk,
        document_type="resident_id",
        document_number=resident_id("330106", "19920202", "468"),
        legal_name="陈十二",
        actor=actor,
        now=now,
    )
    outbox_dispatch(now=now)  # verified and consenting: the wallet opens
    assessment = assessment_submit(
        user_id=user.pk, answers=answers_scoring_max(), actor=actor, now=now
    )
    request = data_request_create(
        user_id=user.pk,
        kind="correction",
        field="address",
        details="地址有误",
        actor=actor,
        now=now,
    )
    client = Client()
    client.force_login(user)
    client.objects = {"user": user, "assessment": assessment, "request": request}
    return client


@pytest.fixture
def a_freeze_waiting_for_a_checker(verified_customer, staff_actor, now):
    from hujin.customers.models import Customer
    from hujin.customers.services.status import customer_freeze_request

    customer = Customer.objects.get(user=verified_customer.objects["user"])
    return customer, customer_freeze_request(
        customer_id=customer.id, freeze=True, reason="收到欺诈举报", actor=staff_actor, now=now
    )


# --- the pages ---------------------------------------------------------------------------------


def test_pages_without_arguments_are_found():
    paths = paths_without_arguments()

    for expected in ["/", "/auth/login/", "/ledger/accounts/", "/me/", "/privacy/consents/"]:
        assert expected in paths
    assert not [p for p in paths if p.startswith(("/api/", "/i18n/"))]


def test_english_words_ignore_tags_attributes_scripts_and_allowed_names():
    page = (
        '<p class="muted" title="Hint">余额 <b>CNY</b> 100.00</p>'
        '<script>var x = "secret";</script><code>wallet.cny</code>'
        "<p>Hujin &middot; 互金 Overview. ledger:read 用 `hujin audit verify` 校验</p>"
        "<p>9f3ab2 01a24b1c-ea8b-719a-a798-131156dfa7b7</p>"
    )

    assert english_words(page) == ["Overview"]


def test_pages_a_visitor_can_open_are_in_chinese(client):
    failures, read = untranslated(client, paths_without_arguments())

    assert {"/auth/login/", "/auth/signin/", "/auth/signup/"} <= set(read)
    assert failures == {}, report(failures)


def test_console_pages_are_in_chinese(staff, verified_customer, a_freeze_waiting_for_a_checker):
    failures, read = untranslated(staff, paths_without_arguments())

    assert {"/", "/ledger/accounts/", "/customers/", "/compliance/audit/"} <= set(read)
    assert failures == {}, report(failures)


def test_portal_pages_are_in_chinese(verified_customer):
    failures, read = untranslated(verified_customer, paths_without_arguments())

    assert {"/me/", "/privacy/consents/", "/privacy/my-data/", "/suitability/history/"} <= set(read)
    assert failures == {}, report(failures)


def _card_pages(user, settings, now) -> list[str]:
    """The code page of a card waiting for the bank's code and the unbind page of a bound one."""
    from hujin.identity.access import customer_actor
    from hujin.payments.services import card_bind_begin, card_bind_confirm

    settings.HUJIN_PAYMENTS_SANDBOX = {"code": "135790"}
    actor = customer_actor(user)
    pending, bound = (
        card_bind_begin(
            number=number, holder_name="陈十二", reserved_mobile="13812345678", actor=actor, now=now
        ).card
        for number in ("6222020000000000006", "6217000000000000006")
    )
    card_bind_confirm(card_id=bound.id, code="135790", actor=actor, now=now)
    return [
        reverse("payments:verify", args=[pending.id]),
        reverse("payments:unbind", args=[bound.id]),
    ]


def test_detail_pages_are_in_chinese(
    staff, verified_customer, a_freeze_waiting_for_a_checker, settings, now
):
    from hujin.core.models import AuditEntry
    from hujin.customers.models import KycApplication

    customer, approval = a_freeze_waiting_for_a_checker
    request = verified_customer.objects["request"]
    staff_pages = [
        reverse("customers:detail", args=[customer.id]),
        reverse("customers:kyc_detail", args=[KycApplication.objects.get(customer=customer).id]),
        reverse("ledger:account_detail", args=[customer.wallet_account_id]),
        reverse("compliance:approval_detail", args=[approval.id]),
        reverse("compliance:audit_detail", args=[AuditEntry.objects.latest("id").id]),
        reverse("privacy:request_detail", args=[request.id]),
    ]
    portal_pages = [
        reverse("customers_portal:application", args=[KycApplication.objects.get().id]),
        reverse("suitability:result", args=[verified_customer.objects["assessment"].id]),
        reverse("privacy:my_request", args=[request.id]),
        *_card_pages(verified_customer.objects["user"], settings, now),
    ]

    staff_failures, staff_read = untranslated(staff, staff_pages)
    portal_failures, portal_read = untranslated(verified_customer, portal_pages)

    assert (staff_read, portal_read) == (staff_pages, portal_pages)
    assert {**staff_failures, **portal_failures} == {}, report(staff_failures | portal_failures)


def test_the_same_pages_in_english_would_fail_and_be_named(staff):
    failures, read = untranslated_in(staff, ["/"], language="en")

    assert read == ["/"] and len(failures["/"]) > 3
    assert report(failures).startswith("English left on Chinese pages:\n/: ")


def test_a_word_with_two_meanings_reads_right_on_each_page(staff):
    audit = staff.get("/compliance/audit/", headers={"accept-language": "zh-hans"})
    outbox = staff.get("/auth/dev/sms/", headers={"accept-language": "zh-hans"})

    assert "截止日期" in audit.content.decode() and "收件号码" not in audit.content.decode()
    assert "收件号码" in outbox.content.decode()
