"""The rules in force on every log-in attempt (``hujin.core.screening.logins_observe``).

Identity tells risk of each attempt inside the transaction it records it in (a savepoint of its
own: a failure here never undoes identity's record). Risk keeps it in the windows — a ``login``
or a ``login_failed`` under the customer and the address (as a blind index) — so that a rule on
a payout can count the failures before it, and decides on it with the rules in force: a
log-in's values are its kind, its hour and its weekday. (No device is kept: a browser's
user-agent names a kind of browser, not one device, and payments carry no device yet.)

Nothing here refuses a log-in (identity's throttling does that); a rule that fires on one raises
an alert, whatever its outcome, and its decision is kept. Log-ins no rule fired on keep no
decision: they are many, and the windows already hold them.
"""

import uuid

from hujin.core.dates import business_time_zone
from hujin.core.screening import Login
from hujin.customers.selectors import customer_id_for_user
from hujin.risk import windows_store
from hujin.risk.deciding import event_decide
from hujin.risk.decisions import ToKeep, decisions_keep
from hujin.risk.inforce import rules_any_in_force, rules_in_force
from hujin.risk.screen import StoreFacts
from hujin.risk.windows import WindowEvent

LOGIN, LOGIN_FAILED = "login", "login_failed"


def risk_login_observe(login: Login) -> None:
    if not rules_any_in_force():
        return
    in_force = rules_in_force()
    if not in_force.rules:
        return
    customer_id = customer_id_for_user(user_id=login.user_id) if login.user_id else None
    keys = {
        "customer": str(customer_id) if customer_id else "",
        "ip": windows_store.subject_of("ip", login.ip) if login.ip else "",
    }
    event = WindowEvent(login.occurred_at, LOGIN if login.succeeded else LOGIN_FAILED, keys=keys)
    local = login.occurred_at.astimezone(business_time_zone())
    values = {"kind": event.kind, "hour": local.hour, "weekday": local.isoweekday()}
    aggregates = windows_store.aggregates_read(in_force.aggregates, keys, login.occurred_at)
    decision = event_decide(in_force.rules, StoreFacts(values, aggregates), modes=in_force.modes)
    event_id = uuid.uuid4()
    windows_store.entries_record(event, event_id=event_id)
    if not any(f.fired for f in decision.findings):
        return
    decisions_keep([ToKeep(customer_id, event, decision, decision.fired)],
                   in_force=in_force, event_id=event_id)  # fmt: skip
