"""Registrations of the reports to the authority: suspicious-transaction and large-value."""


def register() -> None:
    """Called once from the app's ``ready``."""
