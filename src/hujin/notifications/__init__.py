"""Notifications: the customer's message centre (inbox), text messages and e-mail."""
