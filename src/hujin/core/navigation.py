"""Where each module's pages appear: the staff console's menu and home, the customer portal's tabs.

A module registers its entries in its ``AppConfig.ready()``; the web shell draws them. Nothing
here renders: the shell (``hujin.web.navigation``) filters the entries by the viewer's
permissions, counts the work that waits and marks the one entry the page belongs to.

Console:

    console_entry_register(
        key="customers.kyc_queue", area=AREA_CUSTOMERS, label=_("Verification queue"),
        url_name="customers:kyc_queue", permission="customers.review_kyc", order=20,
        waiting=kyc_waiting_count,                         # (actor) -> int, optional
        waiting_label=ngettext_lazy("%(n)d identity check waits for review",
                                    "%(n)d identity checks wait for review", "n"),
    )

Portal (tabs at the bottom of a phone, in the top bar on a desktop; ``place="me"`` lists the
entry on the "Me" page instead; ``place="bar"`` is an icon in the top bar, such as the message
centre, with ``count(user) -> int`` drawn as a badge on it):

    portal_entry_register(key="wealth", label=_("Wealth"), url_name="wealth:home",
                          place="tab", icon="chart", order=20)
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from hujin.core.actors import Actor

AREA_CUSTOMERS = "customers"
AREA_MONEY = "money"
AREA_RISK = "risk"
AREA_SERVICE = "service"
AREA_OPERATIONS = "operations"
AREA_SYSTEM = "system"
# The console menu's areas, in the order it shows them; an area with no entry the viewer may
# open is left out.
AREAS: dict[str, Promise] = {
    AREA_CUSTOMERS: _("Customers"),
    AREA_MONEY: _("Money"),
    AREA_RISK: _("Risk and compliance"),
    AREA_SERVICE: _("Service"),
    AREA_OPERATIONS: _("Operations"),
    AREA_SYSTEM: _("System"),
}

PORTAL_PLACES = ("tab", "me", "bar")
# The key of the portal's "Me" tab: the pages listed on the "Me" page belong to it.
ME_TAB = "me"
# The icons the portal shell draws (web/_icons.html).
PORTAL_ICONS = ("home", "chart", "loan", "user", "shield", "doc", "device", "key", "bell", "card")


@dataclass(frozen=True)
class ConsoleEntry:
    key: str
    area: str
    label: Promise | str
    url_name: str
    permission: str | None
    order: int
    waiting: Callable[[Actor], int] | None
    waiting_label: Promise | None  # ngettext_lazy(singular, plural, "n"): % {"n": count}


@dataclass(frozen=True)
class PortalEntry:
    key: str
    label: Promise | str
    url_name: str
    place: str
    icon: str
    order: int
    description: Promise | str
    count: Callable[[Any], int] | None = None


_console: dict[str, ConsoleEntry] = {}
_portal: dict[str, PortalEntry] = {}


def console_entry_register(
    *,
    key: str,
    area: str,
    label: Promise | str,
    url_name: str,
    permission: str | None = None,
    order: int = 100,
    waiting: Callable[[Actor], int] | None = None,
    waiting_label: Promise | None = None,
) -> None:
    """Put a page in the console menu (and, with ``waiting``, its work on the home page).

    ``permission`` is the one the viewer must hold to see the entry (None: every staff member).
    ``waiting(actor)`` counts the items that wait for this viewer; it runs on every console page,
    so it must be one cheap query. ``waiting_label`` says it in words:
    ``ngettext_lazy("%(n)d … waits", "%(n)d … wait", "n")``. Registering a key twice replaces
    the entry."""
    if area not in AREAS:
        raise ValueError(f"unknown console area {area!r}; one of {sorted(AREAS)}")
    if (waiting is None) != (waiting_label is None):
        raise ValueError("waiting and waiting_label go together")
    _console[key] = ConsoleEntry(
        key, area, label, url_name, permission, order, waiting, waiting_label
    )


def portal_entry_register(
    *,
    key: str,
    label: Promise | str,
    url_name: str,
    place: str = "me",
    icon: str = "doc",
    order: int = 100,
    description: Promise | str = "",
    count: Callable[[Any], int] | None = None,
) -> None:
    """Put a customer page in the portal: a bottom tab (``place="tab"``), a line on the "Me"
    page (``place="me"``, with an optional one-line description) or an icon in the top bar
    (``place="bar"``). ``count(user)`` (one cheap query) puts a number on the tab or icon, e.g.
    unread messages; it runs on every portal page."""
    if place not in PORTAL_PLACES:
        raise ValueError(f"unknown portal place {place!r}; one of {PORTAL_PLACES}")
    if icon not in PORTAL_ICONS:
        raise ValueError(f"unknown portal icon {icon!r}; one of {PORTAL_ICONS}")
    _portal[key] = PortalEntry(key, label, url_name, place, icon, order, description, count)


def console_entries() -> list[ConsoleEntry]:
    """Every console entry, area by area in AREAS order, then by order and key."""
    areas = list(AREAS)
    return sorted(_console.values(), key=lambda e: (areas.index(e.area), e.order, e.key))


def portal_entries(place: str) -> list[PortalEntry]:
    return sorted((e for e in _portal.values() if e.place == place), key=lambda e: (e.order, e.key))


def url_if_mounted(name: str, args=None) -> str | None:
    """The address of a page, or None when the module that has it is not mounted (a page links
    to another module's page only when it exists)."""
    try:
        return reverse(name, args=args or None)
    except NoReverseMatch:
        return None


# -- actions a module above offers on a page of a module below --------------------------------
#
# A page cannot link to a module above its own (products must not know wealth exists), yet the
# customer expects "Buy" on a product's page. The module above registers the action in its
# ``AppConfig.ready()``; the page asks for the actions registered on it and draws them as buttons,
# each pointing at ``url_name`` reversed with the page's object id:
#
#     page_action_register(page="products.portal_product", key="wealth.buy", label=_("Buy"),
#                          url_name="wealth:buy", primary=True)
#
#     page_actions("products.portal_product", product.id)
#     # -> [PageAction(key="wealth.buy", label="Buy", url="/wealth/buy/…/", primary=True)]


@dataclass(frozen=True)
class PageAction:
    key: str
    label: Promise | str
    url: str
    primary: bool


_page_actions: dict[str, dict[str, tuple[Promise | str, str, int, bool]]] = {}


def page_action_register(
    *,
    page: str,
    key: str,
    label: Promise | str,
    url_name: str,
    order: int = 100,
    primary: bool = False,
) -> None:
    """Offer an action on ``page`` (a name the page's module documents, such as
    ``"products.portal_product"``). Registering a key twice replaces the action."""
    _page_actions.setdefault(page, {})[key] = (label, url_name, order, primary)


def page_actions(page: str, *args) -> list[PageAction]:
    """The actions registered on ``page``, in order, each with its address for the object
    ``args`` (an action whose module is not mounted is left out)."""
    registered = sorted(_page_actions.get(page, {}).items(), key=lambda kv: (kv[1][2], kv[0]))
    actions = []
    for key, (label, url_name, _order, primary) in registered:
        url = url_if_mounted(url_name, list(args))
        if url is not None:
            actions.append(PageAction(key, label, url, primary))
    return actions
