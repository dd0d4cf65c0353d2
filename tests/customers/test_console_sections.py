"""The sections modules above add to a customer's console page: asked for each viewer, in their
order, left out when a provider answers None."""

import uuid
from datetime import UTC, datetime

import pytest

from hujin.core.actors import Actor
from hujin.customers import console_sections
from hujin.customers.selectors import (
    ConsoleSection,
    customer_console_section_register,
    customer_console_sections,
)

NOW = datetime(2025, 3, 14, 2, 0, tzinfo=UTC)
VIEWER = Actor(kind="staff", id="1", label="agent", scopes=frozenset({"x.see"}))


@pytest.fixture
def registry(monkeypatch):
    monkeypatch.setattr(console_sections, "_providers", {})


def _section(key):
    def provider(*, actor, customer_id, now):
        if not actor.has_scope("x.see"):
            return None
        return ConsoleSection(key=key, title=key, template="x.html", data={"id": customer_id})

    return provider


def test_sections_come_in_their_order_with_what_the_provider_read(registry):
    customer_id = uuid.uuid4()
    customer_console_section_register("later", _section("later"), order=60)
    customer_console_section_register("sooner", _section("sooner"), order=10)

    sections = customer_console_sections(actor=VIEWER, customer_id=customer_id, now=NOW)

    assert [s.key for s in sections] == ["sooner", "later"]
    assert sections[0].data == {"id": customer_id}


def test_a_viewer_a_provider_refuses_gets_no_section(registry):
    customer_console_section_register("payments", _section("payments"))
    stranger = Actor(kind="staff", id="2", label="clerk")

    assert customer_console_sections(actor=stranger, customer_id=uuid.uuid4(), now=NOW) == []


def test_registering_a_key_again_replaces_it(registry):
    customer_console_section_register("payments", _section("old"))
    customer_console_section_register("payments", _section("new"))

    [only] = customer_console_sections(actor=VIEWER, customer_id=uuid.uuid4(), now=NOW)

    assert only.key == "new"
