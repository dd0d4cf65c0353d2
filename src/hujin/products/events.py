"""The events the products module emits (outbox rows, written in the change's transaction).
Every payload carries ``product_id`` and ``code``; the others are listed."""

PRODUCT_CREATED = "products.product_created"  # kind
PRODUCT_UPDATED = "products.product_updated"  # fields (the names changed)
DOCUMENT_ATTACHED = "products.document_attached"  # document_id, kind
# from_state, to_state, action (submit | approve | return | put_on_sale | suspend | resume |
# close), on_sale_from for put_on_sale
ADMISSION_CHANGED = "products.admission_changed"
# business_dates (ISO), confirmed_jump_dates: NAV / income published (one entry or a CSV)
NAV_PUBLISHED = "products.nav_published"
