"""The case an alert joined, for the alert's page: ``{% alert_case r.id as case %}``."""

from django import template

from hujin.risk.cases_selectors import case_of_alert

register = template.Library()


@register.simple_tag
def alert_case(alert_id):
    """The case (id, number, state) the alert ``alert_id`` joined, or None."""
    return case_of_alert(alert_id=alert_id)
