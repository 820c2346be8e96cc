"""Public, read-only pages of the deck: "De kaarten" and one card."""

import markdown
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.safestring import mark_safe

from cards.models import Card, Deck, Theme

DEFAULT_DECK = "innovation-on-track"


def home(request: HttpRequest) -> HttpResponse:
    return redirect("cards:deck_default")


def deck_default(request: HttpRequest) -> HttpResponse:
    deck = Deck.objects.filter(slug=DEFAULT_DECK).first() or Deck.objects.first()
    if deck is None:
        raise Http404("No deck has been loaded yet.")
    return redirect(deck)


def deck_detail(request: HttpRequest, deck: str) -> HttpResponse:
    deck_obj = get_object_or_404(Deck, slug=deck)
    themes = deck_obj.themes.prefetch_related("cards")
    return render(request, "cards/deck.html", {"deck": deck_obj, "themes": themes})


def deck_about(request: HttpRequest, deck: str) -> HttpResponse:
    deck_obj = get_object_or_404(Deck, slug=deck)
    # The about text is written by admins, who are trusted with HTML anyway.
    about_html = mark_safe(markdown.markdown(deck_obj.about))
    return render(request, "cards/about.html", {"deck": deck_obj, "about_html": about_html})


def card_detail(request: HttpRequest, deck: str, theme: str, number: int) -> HttpResponse:
    card = get_object_or_404(
        Card.objects.select_related("theme__deck").prefetch_related("links"),
        theme__deck__slug=deck,
        theme__slug=theme,
        number=number,
    )
    siblings = card.theme.cards.all()
    # ?fragment: just the card, for the game page's card dialog.
    template = "cards/_card.html" if "fragment" in request.GET else "cards/card.html"
    return render(request, template, {"card": card, "theme": card.theme, "siblings": siblings})


def theme_detail(request: HttpRequest, deck: str, theme: str) -> HttpResponse:
    """A quartet: its four cards' calls to action, to talk about at the table."""
    theme_obj = get_object_or_404(Theme.objects.select_related("deck"), deck__slug=deck, slug=theme)
    template = "cards/_quartet.html" if "fragment" in request.GET else "cards/theme.html"
    return render(request, template, {"theme": theme_obj, "cards": theme_obj.cards.all()})
