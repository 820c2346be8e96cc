"""Template filters for venue mode: `{% load venue %}`."""

from django import template
from django.conf import settings

from innovation_track.venue import is_local_network_url, is_this_computer_url

register = template.Library()


@register.filter
def is_local_network(url: str) -> bool:
    """Whether phones can only open this URL on the same local network (Wi-Fi)."""
    return is_local_network_url(str(url or ""), settings.VENUE_ADDRESS)


@register.filter
def is_this_computer_only(url: str) -> bool:
    """Whether no phone can open this URL at all (a loopback address)."""
    return is_this_computer_url(str(url or ""), settings.VENUE_ADDRESS)
