"""Registrations of the anomaly model: its versions, scoring and alerts."""


def register() -> None:
    """Called once from the app's ``ready``."""
