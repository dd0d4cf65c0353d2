"""Identity's personal data, registered by privacy (identity sits below privacy and cannot).

Identity owns the export and the anonymisation of its user row
(``hujin.identity.selectors.user_personal_data`` and ``hujin.identity.services.user_anonymise``);
these wrappers adapt them to the registry's calling convention.
"""

import uuid
from datetime import datetime

from hujin.core.actors import Actor
from hujin.identity import selectors as identity_selectors
from hujin.identity import services as identity_services


def identity_export(user_id: uuid.UUID) -> dict:
    exporter = getattr(identity_selectors, "user_personal_data", None)
    if exporter is not None:
        return exporter(user_id=user_id)
    return _user_row_export(user_id)


def identity_anonymise(*, user_id: uuid.UUID, actor: Actor, now: datetime) -> None:
    anonymiser = getattr(identity_services, "user_anonymise", None)
    if anonymiser is not None:
        anonymiser(actor=actor, user_id=user_id, now=now)
        return
    _user_row_anonymise(user_id)


# TEMPORARY until identity ships its own functions: the same on the user row alone.


def _user_row_export(user_id: uuid.UUID) -> dict:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(pk=user_id)
    return {
        "username": user.get_username(),
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": getattr(user, "email", ""),
        "mobile": getattr(user, "mobile", ""),
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }


def _user_row_anonymise(user_id: uuid.UUID) -> None:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.select_for_update().get(pk=user_id)
    user.username = f"deleted-{user.pk.hex}"
    user.first_name = user.last_name = ""
    user.email = ""
    fields = ["username", "first_name", "last_name", "email"]
    if hasattr(user, "mobile"):
        user.mobile = ""
        fields.append("mobile")
    user.save(update_fields=fields)
