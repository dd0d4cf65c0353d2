"""The console's "Payment channels" on a phone (390 px) and a desktop, in English and Chinese,
over the demo's data: the table with a channel down and one serving many banks, a channel's
page with every bank to tick and a refused figure, each fitting the screen."""

import pytest
from django.utils import timezone

from tests.browser.test_payments_journey import _fits, demo  # noqa: F401 -- demo is a fixture
from tests.browser.test_screens import _signed_in

SANDBOX = "hujin.payments.channels.sandbox.SandboxChannel"


@pytest.fixture
def channels(request):
    """The demo's sandbox refused three connections; a second channel serves every bank of the
    BIN table, listed one by one, at a cost."""
    from hujin.payments.channels.routing import channel_mark_down
    from hujin.payments.channels_selectors import bank_choices
    from hujin.payments.services import channel_configure
    from tests.payments.rules_helpers import OPERATIONS

    request.getfixturevalue("demo")
    now = timezone.now()
    for _ in range(3):
        channel_mark_down("sandbox", now=now)
    channel_configure(
        actor=OPERATIONS, name="unionpay-settlement-2", adapter=SANDBOX, priority=200,
        banks=[b.code for b in bank_choices()], max_amount_minor=1_000_000_00,
        cost_rate="0.0025", cost_fixed_minor=10, now=now,
    )  # fmt: skip


@pytest.mark.parametrize("locale", ["en", "zh-hans"], indirect=True)
@pytest.mark.parametrize("viewport", ["phone", "desktop"], indirect=True)
def test_the_channels_pages_fit_the_screen(page, live_server, channels, locale):
    from hujin.identity.models import User
    from hujin.payments.models import PaymentChannel

    _signed_in(page, live_server, User.objects.get(username="admin"), mfa_verified=True)

    page.goto("/payments/channels/")
    _fits(page)
    assert page.locator("[data-testid=channels] tbody tr").count() == PaymentChannel.objects.count()
    assert page.locator("[data-channel=sandbox] [data-status=channel_down]").count() == 1

    page.goto("/payments/channels/unionpay-settlement-2/")
    _fits(page)
    page.locator("[data-testid=channel-form] input[name=cost_rate]").fill("100")
    with page.expect_navigation():
        page.locator("[data-testid=channel-form] [type=submit]").click()
    _fits(page)
    assert page.locator("[data-testid=channel-form] .errorlist").count() == 1
    page.locator("summary").filter(has_text="Technical details" if locale == "en" else "技术信息") \
        .click()  # fmt: skip
    _fits(page)
