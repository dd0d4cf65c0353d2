"""Fixtures of the products tests.

documents_dir   (autouse) product documents go to a temporary directory
maker           Actor of a product manager (create, edit, submit, put on sale, suspend)
checker         Actor of a compliance officer (review, approve, return)
operator        Actor of operations (publish NAV / income)
today           the business date the tests run on: 2025-03-14
"""

from datetime import date

import pytest
from django.core.files.storage import FileSystemStorage

from hujin.core.actors import Actor
from hujin.products.permissions import (
    MANAGE_PRODUCTS,
    PUBLISH_NAV,
    REVIEW_PRODUCTS,
    VIEW_PRODUCTS,
)


@pytest.fixture(autouse=True)
def documents_dir(tmp_path):
    from hujin.products.models import ProductDocument

    field = ProductDocument._meta.get_field("file")
    before = field.storage
    field.storage = FileSystemStorage(location=str(tmp_path / "documents"))
    yield tmp_path / "documents"
    field.storage = before


@pytest.fixture
def maker() -> Actor:
    return Actor(kind="staff", id="101", label="pm",
                 scopes=frozenset({VIEW_PRODUCTS, MANAGE_PRODUCTS}))  # fmt: skip


@pytest.fixture
def checker() -> Actor:
    return Actor(kind="staff", id="202", label="compliance",
                 scopes=frozenset({VIEW_PRODUCTS, REVIEW_PRODUCTS}))  # fmt: skip


@pytest.fixture
def operator() -> Actor:
    return Actor(kind="staff", id="303", label="ops",
                 scopes=frozenset({VIEW_PRODUCTS, PUBLISH_NAV}))  # fmt: skip


@pytest.fixture
def today() -> date:
    return date(2025, 3, 14)
