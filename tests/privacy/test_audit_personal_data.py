"""Privacy's audit entries and events carry references, never personal data: after consents given
and withdrawn, an export, a correction request whose text names the customer (read in full by a
handler, then refused with a resolution naming them) and a completed deletion, no name, mobile
number, IP address, request text or resolution is in the audit trail or the outbox."""

import pytest

from hujin.privacy.services import (
    consent_accept,
    consent_withdraw,
    data_request_complete,
    data_request_create,
    data_request_details_read,
    data_request_reject,
    data_request_start,
    personal_data_export,
)
from tests.privacy.conftest import make_customer
from tests.trail_scan import personal_data_in_trail, trail_is_written

pytestmark = pytest.mark.django_db

FIRST, LAST, MOBILE, IP = "Xiuying", "Murong", "+8613644445555", "198.51.100.23"
DETAILS = f"My name is 慕容秀英 ({LAST} {FIRST}), my mobile is {MOBILE}"
REFUSAL = f"{FIRST} {LAST}: we could not confirm 慕容秀英 from {MOBILE}"
DONE = f"Erased everything about {FIRST} {LAST}"


def test_privacys_writes_leave_no_personal_data_in_the_trail(
    db, handler_actor, now, privacy_policy_v1
):
    from hujin.identity.access import customer_actor

    customer = make_customer("c-7f3a9e", first_name=FIRST, last_name=LAST, mobile=MOBILE)
    actor = customer_actor(customer)
    consent_accept(
        user_id=customer.pk, document_id=privacy_policy_v1, channel="web", ip=IP, actor=actor,
        now=now,
    )  # fmt: skip
    consent_withdraw(user_id=customer.pk, kind="privacy_policy", actor=actor, now=now)
    personal_data_export(user_id=customer.pk, actor=actor, now=now)
    correction = data_request_create(
        user_id=customer.pk, kind="correction", field="name", details=DETAILS, actor=actor,
        now=now,
    )  # fmt: skip
    data_request_start(request_id=correction.id, actor=handler_actor, now=now)
    data_request_details_read(request_id=correction.id, actor=handler_actor, now=now)
    data_request_reject(request_id=correction.id, resolution=REFUSAL, actor=handler_actor, now=now)
    deletion = data_request_create(user_id=customer.pk, kind="deletion", actor=actor, now=now)
    data_request_complete(request_id=deletion.id, resolution=DONE, actor=handler_actor, now=now)

    assert trail_is_written()
    assert (
        personal_data_in_trail([FIRST, LAST, "慕容秀英", MOBILE, IP, DETAILS, REFUSAL, DONE]) == []
    )
