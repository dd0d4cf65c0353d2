"""The risk pages' words for a movement's codes: ``{% load risk_words %}`` then
``{{ r.kind|movement_kind }}``, ``{{ r.direction|direction_word }}``,
``{{ r.channel|channel_word }}``, ``{{ a.source|alert_source }}``."""

import re

from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from hujin.risk.words import CHANNEL_LABELS, DIRECTION_LABELS, KIND_LABELS, SOURCE_LABELS, word

register = template.Library()


@register.filter
def movement_kind(code: str):
    return word(KIND_LABELS, code)


@register.filter
def direction_word(code: str):
    return word(DIRECTION_LABELS, code)


@register.filter
def channel_word(code: str):
    return word(CHANNEL_LABELS, code)


@register.filter
def alert_source(code: str):
    return word(SOURCE_LABELS, code)


@register.filter
def file_name_breaks(name: str):
    """A file name that may wrap after its ``_`` and ``.`` on a narrow screen, never inside
    a part (``HJ_LV_20261207_01.xml``)."""
    parts = re.split(r"(?<=[_.])", str(name or ""))
    return mark_safe("<wbr>".join(escape(part) for part in parts))
