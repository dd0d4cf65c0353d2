"""The products module's writes (its public face, with ``selectors``, ``types``, ``errors``,
``events`` and ``permissions``): the catalogue (drafts and their documents), the admission
workflow and the NAV / income publication."""

from hujin.products.services.admission import (
    product_approve,
    product_close,
    product_put_on_sale,
    product_resume,
    product_return,
    product_submit,
    product_suspend,
)
from hujin.products.services.catalogue import (
    document_attach,
    draft_of,
    product_create,
    product_update,
)
from hujin.products.services.nav import nav_import_csv, nav_publish

__all__ = [
    "document_attach",
    "draft_of",
    "nav_import_csv",
    "nav_publish",
    "product_approve",
    "product_close",
    "product_create",
    "product_put_on_sale",
    "product_resume",
    "product_return",
    "product_submit",
    "product_suspend",
    "product_update",
]
