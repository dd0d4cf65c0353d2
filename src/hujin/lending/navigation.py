"""Where the lending pages appear (``hujin.core.navigation``): the customer portal's entries
(navigation_portal) and the console's menu (navigation_console)."""


def register() -> None:
    from hujin.lending import navigation_console, navigation_portal

    navigation_portal.register()
    navigation_console.register()
