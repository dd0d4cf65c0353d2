"""The risk screen's share of ``hujin bench payments --risk-shadow``: the shipped rules put in
shadow, the screen timed inside the transfers.

The rules go in **shadow**: each is evaluated on both sides of every transfer and every decision
is kept, exactly as live, and none decides. Live, the velocity and fan-out rules would rightly
hold the bench's customers, who pay each other hundreds of times an hour, and the phase would
measure the review queue instead of the screen. The screen is wrapped where it is registered
(``hujin.core.screening``) so that its own time is measured inside each transfer; the transfers
are the payments bench's own phase, run once without the rules and once with them. With no rule
in force payments books a transfer in two round trips; with rules it takes the general way, so
the transfers' own figures compare that change too, not the screen alone (the screen's p50 and
p99 are its own time).
"""

import threading
import time

_local = threading.local()


def collected() -> list[float]:
    """The screen's seconds in this client (a forked process's own, or a thread's)."""
    if not hasattr(_local, "times"):
        _local.times = []
    return _local.times


def _timed(screen):
    def timed(movement):
        start = time.perf_counter()
        try:
            return screen(movement)
        finally:
            collected().append(time.perf_counter() - start)

    return timed


def rules_in_shadow() -> int:
    """The shipped rules, put in shadow by the rule store; how many are in force."""
    from django.utils import timezone

    from hujin.core.actors import system_actor
    from hujin.risk.inforce import rules_in_force
    from hujin.risk.services import shipped_rules_load

    shipped_rules_load(actor=system_actor("bench"), now=timezone.now(), state="shadow")
    return len(rules_in_force().rules)


def screen_timed() -> None:
    from hujin.core.screening import movement_screen_register
    from hujin.risk import screen

    movement_screen_register(
        screen.SCREEN, _timed(screen.risk_screen), order=screen.ORDER,
        in_force=screen.risk_in_force, on_refused=screen.risk_refused,
    )  # fmt: skip


def summary(results: list[dict], elapsed: float, percentile) -> dict:
    times = sorted(x for r in results for x in r.get("screen", ()))
    return {
        "screens": len(times),
        "screens_per_s": round(len(times) / elapsed, 1) if elapsed else 0.0,
        "screen_p50_ms": round(percentile(times, 50) * 1000, 2) if times else None,
        "screen_p99_ms": round(percentile(times, 99) * 1000, 2) if times else None,
        "screen_mean_ms": round(sum(times) / len(times) * 1000, 2) if times else None,
    }
