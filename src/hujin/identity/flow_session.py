"""Where a multi-step customer flow keeps its state between pages: the session, under
``identity_signup`` / ``identity_reset``.

The mobile number is kept encrypted (the session table must not hold it in clear); once the code
is right, the verified challenge's id; for sign-up, the ids of the documents the visitor agreed
to on the first step.
"""

import uuid
from collections.abc import Sequence

from hujin.core.crypto import DecryptionFailed, decrypt, encrypt

FLOW_PURPOSE = "identity.flow.mobile"
FLOWS = ("signup", "reset")


def _flow_key(flow: str) -> str:
    assert flow in FLOWS
    return f"identity_{flow}"


def flow_start(request, flow: str, mobile_e164: str, *, terms: Sequence[str] = ()) -> None:
    request.session[_flow_key(flow)] = {
        "mobile": encrypt(mobile_e164, purpose=FLOW_PURPOSE),
        "challenge_id": None,
        "terms": [str(t) for t in terms],
    }


def flow_get(request, flow: str) -> tuple[str, str | None] | None:
    """(mobile in E.164, verified challenge id or None), or None when no flow is under way."""
    state = request.session.get(_flow_key(flow))
    if not isinstance(state, dict):
        return None
    try:
        return decrypt(state["mobile"], purpose=FLOW_PURPOSE), state.get("challenge_id")
    except (KeyError, TypeError, DecryptionFailed):
        return None


def flow_terms(request, flow: str) -> list[str]:
    """The ids of the documents agreed to when the flow started ([] when none)."""
    state = request.session.get(_flow_key(flow))
    terms = state.get("terms") if isinstance(state, dict) else None
    return [str(t) for t in terms] if isinstance(terms, list) else []


def flow_verified(request, flow: str, challenge_id: uuid.UUID) -> None:
    state = dict(request.session[_flow_key(flow)])
    state["challenge_id"] = str(challenge_id)
    request.session[_flow_key(flow)] = state


def flow_end(request, flow: str) -> None:
    request.session.pop(_flow_key(flow), None)
