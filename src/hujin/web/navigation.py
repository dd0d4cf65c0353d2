"""The shell's navigation, built per request from the entries modules register
(``hujin.core.navigation``): a context processor gives every template

    console_nav    the console menu: areas, each with the entries this staff member may open,
                   their waiting counts and the one entry the page belongs to
    console_work   the entries with work waiting for this staff member (the console's home)
    portal_tabs    the customer portal's tabs; portal_me  the lines of its "Me" page;
                   portal_bar  its icons in the top bar (the message centre)

Each is computed only when a template reads it. An entry is current when its address is the
longest one the page's path starts with, so exactly one item is highlighted.
"""

from dataclasses import dataclass, field

from django.utils.functional import SimpleLazyObject

from hujin.core.navigation import (
    AREAS,
    ME_TAB,
    console_entries,
    portal_entries,
    url_if_mounted,
)
from hujin.identity.access import is_console_user, is_portal_user, staff_actor
from hujin.identity.mfa.selectors import mfa_status


@dataclass
class NavItem:
    key: str
    label: str
    url: str
    current: bool = False
    waiting: int = 0
    waiting_text: str = ""
    icon: str = ""
    description: str = ""


@dataclass
class NavArea:
    key: str
    label: str
    items: list[NavItem] = field(default_factory=list)

    @property
    def waiting(self) -> int:
        return sum(item.waiting for item in self.items)


def _covers(path: str, url: str) -> bool:
    return path == url or (url != "/" and path.startswith(url.rstrip("/") + "/"))


def _longest_covering(items: list[NavItem], path: str) -> NavItem | None:
    matching = [item for item in items if _covers(path, item.url)]
    return max(matching, key=lambda item: len(item.url)) if matching else None


def _mark_current(items: list[NavItem], path: str) -> None:
    current = _longest_covering(items, path)
    if current is not None:
        current.current = True


def console_nav(request) -> list[NavArea]:
    user = request.user
    if not is_console_user(user):
        return []
    actor = staff_actor(user)
    areas: dict[str, NavArea] = {}
    items = []
    for entry in console_entries():
        url = url_if_mounted(entry.url_name)
        if url is None or (entry.permission and not user.has_perm(entry.permission)):
            continue
        item = NavItem(entry.key, str(entry.label), url)
        if entry.waiting is not None:
            item.waiting = entry.waiting(actor)
            item.waiting_text = entry.waiting_label % {"n": item.waiting} if item.waiting else ""
        area = areas.setdefault(entry.area, NavArea(entry.area, str(AREAS[entry.area])))
        area.items.append(item)
        items.append(item)
    _mark_current(items, request.path)
    return list(areas.values())


def portal_items(request, place: str) -> list[NavItem]:
    if not is_portal_user(request.user):
        return []
    items = [
        NavItem(
            entry.key,
            str(entry.label),
            url,
            icon=entry.icon,
            description=str(entry.description),
            waiting=entry.count(request.user) if entry.count else 0,
        )
        for entry in portal_entries(place)
        if (url := url_if_mounted(entry.url_name)) is not None
    ]
    if place != "tab":
        _mark_current(items, request.path)
        return items
    # A page listed on the "Me" page belongs to the "Me" tab: a tab is current when its address,
    # or the address of a "Me" line under it, is the longest the path starts with.
    me_lines = [
        NavItem(ME_TAB, "", url)
        for entry in portal_entries("me")
        if (url := url_if_mounted(entry.url_name)) is not None
    ]
    current = _longest_covering(items + me_lines, request.path)
    if current is not None:
        in_me = any(current is line for line in me_lines)
        for item in items:
            item.current = item.key == ME_TAB if in_me else item is current
    return items


def recovery_codes_exhausted(request) -> bool:
    """A staff member whose two-step verification has no recovery code left."""
    user = request.user
    if not is_console_user(user):
        return False
    status = mfa_status(user)
    return status.enabled and status.recovery_codes_left == 0


def navigation(request) -> dict:
    console = SimpleLazyObject(lambda: console_nav(request))
    return {
        "recovery_codes_exhausted": SimpleLazyObject(lambda: recovery_codes_exhausted(request)),
        "console_nav": console,
        "console_work": SimpleLazyObject(
            lambda: [item for area in console for item in area.items if item.waiting]
        ),
        "portal_tabs": SimpleLazyObject(lambda: portal_items(request, "tab")),
        "portal_me": SimpleLazyObject(lambda: portal_items(request, "me")),
        "portal_bar": SimpleLazyObject(lambda: portal_items(request, "bar")),
    }
