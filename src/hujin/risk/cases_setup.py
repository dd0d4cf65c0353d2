"""Registrations of cases: opening, joining alerts, notes, attachments, assignment, closing."""


def register() -> None:
    """Called once from the app's ``ready``."""
