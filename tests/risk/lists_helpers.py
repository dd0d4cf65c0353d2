"""Helpers of the screening-list tests: the sample files, verified customers made through the
real verification path (the simulated identity provider), and actors."""

import itertools
from pathlib import Path

from hujin.core.actors import Actor
from hujin.risk.permissions import VIEW_RISK, WORK_ALERTS
from tests.customers.conftest import foreign_2023, resident_id

DATA = Path(__file__).resolve().parents[2] / "src" / "hujin" / "risk" / "data"
UN_SAMPLE = (DATA / "sample_un_list.xml").read_bytes()
CSV_SAMPLE = (DATA / "sample_watchlist.csv").read_bytes()
ANALYST = Actor(kind="system", id="analyst", label="analyst",
                scopes=frozenset({VIEW_RISK, WORK_ALERTS}))  # fmt: skip
READER = Actor(kind="system", id="reader", label="reader", scopes=frozenset({VIEW_RISK}))

_numbers = itertools.count(100)
_mobiles = itertools.count(13700000001)


def un_changed(extra_reference: str = "SMP.900", name: str = "NEWLY LISTED PERSON") -> bytes:
    """The UN sample with one more individual: a new version of the list."""
    person = (
        f"<INDIVIDUAL><DATAID>9009</DATAID><FIRST_NAME>{name}</FIRST_NAME>"
        f"<REFERENCE_NUMBER>{extra_reference}</REFERENCE_NUMBER></INDIVIDUAL>"
    )
    return UN_SAMPLE.replace(b"</INDIVIDUALS>", person.encode() + b"</INDIVIDUALS>")


def verified_customer(name: str, *, birth: str = "19680314", foreign: str = "", now, settings):
    """A customer verified under ``name`` with a mainland ID born ``birth`` (YYYYMMDD), or a
    foreigner's 2023 card of ISO numeric nationality ``foreign``; the events delivered (the
    onboarding screening runs). Returns the customer's id."""
    from hujin.core.events import outbox_dispatch
    from hujin.customers.models import Customer
    from hujin.customers.services import kyc_submit
    from hujin.identity.access import customer_actor
    from hujin.identity.models import User

    settings.HUJIN_IDENTITY_PROVIDER = "hujin.customers.providers.LocalSimulatedProvider"
    n = next(_numbers)
    user = User.objects.create(username=f"screened-{n}", kind=User.Kind.CUSTOMER,
                               mobile=f"+86{next(_mobiles)}")  # fmt: skip
    if foreign:
        document_type, number = (
            "foreign_permanent_residence",
            foreign_2023(nationality=foreign, birth=birth, seq=f"{n:03d}"[-3:]),
        )
    else:
        document_type, number = "resident_id", resident_id("110105", birth, f"{n:03d}"[-3:])
    kyc_submit(user_id=user.pk, document_type=document_type, document_number=number,
               legal_name=name, actor=customer_actor(user), now=now)  # fmt: skip
    outbox_dispatch(now=now)
    customer = Customer.objects.get(user=user)
    assert customer.kyc_status == "verified", customer.kyc_status
    return customer.id
