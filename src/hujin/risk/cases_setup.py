"""Registrations of cases: their place in the console's menu (with the open cases as waiting
work), the words of their states, their audit actions and a case as the audit trail's object."""


def register() -> None:
    """Called once from the app's ``ready``."""
    from hujin.risk import cases_navigation

    cases_navigation.register()
