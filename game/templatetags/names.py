"""Template filters for people's names: `{% load names %}`."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


@register.filter
def bdi(name) -> SafeString:
    """The name isolated from the text around it: a right-to-left name (or one that
    starts with digits) cannot reorder the sentence or the list it is shown in."""
    return format_html("<bdi>{}</bdi>", name)
