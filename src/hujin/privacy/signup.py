"""The documents a visitor agrees to on sign-up, and the record that they did.

Sign-up is identity's, below privacy: it cannot ask privacy for the documents, so
``PrivacyConfig.ready`` registers these two with it (``identity.services.signup_terms_register``).
Identity calls ``signup_terms_accept`` inside the transaction that creates the login: the new
customer and their consents are written together or not at all.
"""

import uuid
from collections.abc import Sequence
from datetime import datetime

from django.urls import reverse

from hujin.core.actors import Actor
from hujin.identity.services import SignupTerm
from hujin.privacy.models import ConsentDocument, ConsentRecord
from hujin.privacy.selectors import consent_document_get
from hujin.privacy.services import consent_accept, current_document

# What the sign-up sentence names, in this order: "the Service agreement and the Privacy policy".
SIGNUP_KINDS = (ConsentDocument.Kind.SERVICE_AGREEMENT, ConsentDocument.Kind.PRIVACY_POLICY)


def signup_terms_current() -> list[SignupTerm]:
    """The current version of each sign-up document, titled in the active language."""
    terms = []
    for kind in SIGNUP_KINDS:
        document = current_document(kind)
        if document is not None:
            view = consent_document_get(document_id=document.id)
            url = reverse("privacy:document", args=[document.id])
            terms.append(SignupTerm(id=str(document.id), title=view.title, url=url))
    return terms


def signup_terms_accept(
    *, user_id: uuid.UUID, term_ids: Sequence[str], ip: str | None, actor: Actor, now: datetime
) -> None:
    """Record the new customer's acceptance of each version, given on the web sign-up page.
    Raises what ``consent_accept`` raises (ConsentDocumentOutdated when a newer version came out
    in between, ConsentDocumentNotFound)."""
    for term_id in term_ids:
        consent_accept(
            user_id=user_id,
            document_id=term_id,
            channel=ConsentRecord.Channel.WEB,
            ip=ip,
            actor=actor,
            now=now,
        )
