"""``{% load booklet %}``: a card's text as the booklet prints it (see cards.text)."""

from django import template

from cards import text

register = template.Library()

register.filter("booklet", text.booklet_html, is_safe=True)
register.filter("booklet_inline", text.booklet_inline, is_safe=True)
register.filter("booklet_plain", text.booklet_plain)
