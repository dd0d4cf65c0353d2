"""A case's counterparties: who the customer received money from and sent money to over the
case's period, read from the window entries the screen keeps under the customer (one per
movement that stands; a refused or failed one's entries are gone), with the sums per direction.

At most ``MAX_SHOWN`` counterparties are drawn, the largest by the money moved both ways; the
rest are summed as "others". Names: another customer as the console names them (masked by the
viewer's role), a bank card as "Bank card 1, 2..." — never an id or a blind index. The drawing is
a small SVG made here (no script): the customer in the middle, the counterparties around, a
line to each, thicker for more money, green for money in, red for money out, both for both."""

from __future__ import annotations

import math
import uuid
from dataclasses import dataclass
from datetime import datetime
from html import escape

from django.db.models import Count, Sum
from django.utils.translation import gettext as _

from hujin.core.actors import Actor
from hujin.risk.decisions_selectors import customer_links
from hujin.risk.models import WindowEntry

MAX_SHOWN = 12
CARD_PREFIX = "card:"
SIZE_W, SIZE_H = 480, 400
CENTRE, RADIUS = (240, 200), 135
LABEL_MAX = 14


@dataclass(frozen=True, slots=True)
class Counterparty:
    name: str
    url: str  # another customer's page, for who may open it ("" otherwise)
    kind: str  # customer | card | others | other
    in_minor: int
    out_minor: int
    movements: int


@dataclass(frozen=True, slots=True)
class CounterpartyGraph:
    customer: str
    counterparties: list[Counterparty]
    svg: str  # safe to put in a page as it is: every text in it is escaped

    @property
    def total_in_minor(self) -> int:
        return sum(c.in_minor for c in self.counterparties)

    @property
    def total_out_minor(self) -> int:
        return sum(c.out_minor for c in self.counterparties)


def _sums(customer_id: uuid.UUID, start: datetime, end: datetime) -> dict[str, list[int]]:
    rows = (WindowEntry.objects
            .filter(per="customer", subject=str(customer_id), occurred_at__gte=start,
                    occurred_at__lte=end)
            .exclude(counterparty="")
            .values("counterparty", "direction")
            .annotate(total=Sum("amount"), n=Count("id")))  # fmt: skip
    sums: dict[str, list[int]] = {}
    for row in rows:
        kept = sums.setdefault(row["counterparty"], [0, 0, 0])
        kept[0 if row["direction"] == "in" else 1] += int(row["total"] or 0)
        kept[2] += int(row["n"])
    return sums


def _customer_id(key: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(key)
    except ValueError:
        return None


def counterparty_graph(*, actor: Actor, customer_id: uuid.UUID, customer_name: str,
                       start: datetime, end: datetime) -> CounterpartyGraph:  # fmt: skip
    """The customer's counterparties over ``[start, end]``, named for ``actor``, drawn."""
    sums = _sums(customer_id, start, end)
    ranked = sorted(sums.items(), key=lambda kv: (-(kv[1][0] + kv[1][1]), kv[0]))
    shown, rest = ranked[:MAX_SHOWN], ranked[MAX_SHOWN:]
    people = customer_links(actor, {c for k, _v in shown if (c := _customer_id(k))})
    parties, cards = [], 0
    for key, (money_in, money_out, n) in shown:
        if (cid := _customer_id(key)) is not None:
            link = people.get(cid)
            parties.append(Counterparty(str(link.name) if link else _("A customer"),
                                        link.url if link else "", "customer", money_in,
                                        money_out, n))  # fmt: skip
        elif key.startswith(CARD_PREFIX):
            cards += 1
            name = _("Bank card %(n)d") % {"n": cards}
            parties.append(Counterparty(name, "", "card", money_in, money_out, n))
        else:
            parties.append(Counterparty(_("Other counterparty"), "", "other", money_in,
                                        money_out, n))  # fmt: skip
    if rest:
        parties.append(Counterparty(
            _("%(n)d others") % {"n": len(rest)}, "", "others",
            sum(v[0] for _k, v in rest), sum(v[1] for _k, v in rest), sum(v[2] for _k, v in rest),
        ))  # fmt: skip
    return CounterpartyGraph(customer_name, parties, graph_svg(customer_name, parties))


def _short(text: str) -> str:
    return text if len(text) <= LABEL_MAX else text[: LABEL_MAX - 1] + "…"


def _width(amount: int, biggest: int) -> float:
    return round(1.5 + 6 * math.sqrt(amount / biggest), 1) if biggest and amount else 0.0


def _edges(x: float, y: float, party: Counterparty, biggest: int) -> list[str]:
    """A line for each direction with money: in (green) and out (red), side by side."""
    cx, cy = CENTRE
    dx, dy = x - cx, y - cy
    length = math.hypot(dx, dy) or 1
    nx, ny = -dy / length * 3, dx / length * 3  # a small offset across the line
    lines = []
    for amount, css, sign in ((party.in_minor, "graph-in", 1), (party.out_minor, "graph-out", -1)):
        width = _width(amount, biggest)
        if width:
            ox, oy = (nx * sign, ny * sign) if party.in_minor and party.out_minor else (0, 0)
            lines.append(
                f'<line class="{css}" x1="{cx + ox:.1f}" y1="{cy + oy:.1f}" x2="{x + ox:.1f}" '
                f'y2="{y + oy:.1f}" stroke-width="{width}"/>'
            )
    return lines


def _angle(i: int, n: int) -> float:
    """Around the customer from the top, clockwise; one or two counterparties beside them."""
    if n <= 2:
        return math.pi * i
    return -math.pi / 2 + 2 * math.pi * i / n


def graph_svg(customer_name: str, parties: list[Counterparty]) -> str:
    """The drawing: escaped texts, classes for the colours (risk/cases.css), no script."""
    cx, cy = CENTRE
    # One or two counterparties sit beside the customer: a band, not the whole square.
    top, height = (cy - 80, 160) if len(parties) <= 2 else (0, SIZE_H)
    biggest = max([max(p.in_minor, p.out_minor) for p in parties] or [0])
    title = _("The customer's counterparties: money in is green, money out red")
    parts = [
        f'<svg class="case-graph" viewBox="0 {top} {SIZE_W} {height}" role="img" '
        f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    nodes = []
    for i, party in enumerate(parties):
        angle = _angle(i, len(parties))
        x, y = cx + RADIUS * math.cos(angle), cy + RADIUS * math.sin(angle)
        parts.extend(_edges(x, y, party, biggest))
        anchor = "middle" if abs(math.cos(angle)) < 0.3 else ("start" if x > cx else "end")
        tx = x + (10 if anchor == "start" else -10 if anchor == "end" else 0)
        ty = y + (-12 if y < cy - 10 and anchor == "middle" else 20 if anchor == "middle" else 5)
        nodes.append(
            f'<circle class="graph-node graph-{party.kind}" cx="{x:.1f}" cy="{y:.1f}" r="7"/>'
            f'<text x="{tx:.1f}" y="{ty:.1f}" text-anchor="{anchor}">'
            f"{escape(_short(party.name))}</text>"
        )
    parts.extend(nodes)
    parts.append(
        f'<circle class="graph-node graph-self" cx="{cx}" cy="{cy}" r="16"/>'
        f'<text class="graph-self-label" x="{cx}" y="{cy + 34}" text-anchor="middle">'
        f"{escape(_short(customer_name))}</text>"
    )
    if not parties:
        parts.append(f'<text x="{cx}" y="{cy - 30}" text-anchor="middle">'
                     f"{escape(_('No money moved in this period'))}</text>")  # fmt: skip
    parts.append("</svg>")
    return "".join(parts)
