"""The events the notifications module emits (public).

``notifications.sent``: one message was written to a customer's inbox (aggregate
``notifications.recipient`` / the user's id, so one customer's messages arrive in order).
Payload: ``message_id``, ``user_id``, ``kind``, ``category`` and ``deliveries`` ({channel:
state} as the send left it: text messages and e-mail are still ``pending`` until a worker has
sent them). No title, no body: the payload holds no personal data.
"""

SENT = "notifications.sent"
AGGREGATE = "notifications.recipient"
