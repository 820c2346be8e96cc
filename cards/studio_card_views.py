"""The deck studio's page of one card, for facilitators: its texts and links, with the
card as the phone shows it and as the print page prints it. "Preview" shows the form's
values without saving them; "Save" saves them, refused (with what changed) when someone
else saved the card in between.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cards import studio
from cards.models import Card
from cards.studio import EditConflict
from cards.studio_access import deck_for, facilitators_only
from cards.studio_forms import CardForm
from cards.studio_views import conflict_lines
from cards.views import qr_svg


@dataclass(frozen=True)
class _Link:
    label: str
    url: str


class _Links:
    def __init__(self, links: list) -> None:
        self._links = links

    def all(self) -> list:
        return self._links


class Preview:
    """A card as the form shows it, for the templates of the phone and the print page
    (``cards/_card.html``, ``cards/_print_front.html``): unsaved values, never saved."""

    def __init__(self, card: Card, values: dict | None, links: list[dict] | None) -> None:
        self.pk = card.pk
        self.theme = card.theme
        self.number = card.number
        self.key = card.key
        values = values or studio.card_values(card)
        self.title = values["title"]
        self.call_to_action = values["call_to_action"]
        self.example = values["example"]
        self.tip = values["tip"]
        if links is None:
            self.links = _Links(list(card.links.all()))
        else:
            self.links = _Links([_Link(**link) for link in links])

    def example_paragraphs(self) -> list[str]:
        return Card.example_paragraphs(self)


def _card_for(request: HttpRequest, deck: str, theme: str, number: int, change: bool) -> Card:
    deck_obj = deck_for(request, deck, change=change)
    return get_object_or_404(
        Card.objects.select_related("theme__deck").prefetch_related("links"),
        theme__deck=deck_obj,
        theme__slug=theme,
        number=number,
    )


@facilitators_only
def studio_card(request: HttpRequest, deck: str, theme: str, number: int) -> HttpResponse:
    card = _card_for(request, deck, theme, number, change=True)
    if request.method != "POST":
        current = studio.card_values(card)
        return _card_page(
            request, card, CardForm(initial={**current, "started": studio.stamp(current)})
        )
    form = CardForm(request.POST)
    if not form.is_valid():
        return _card_page(request, card, form, status=400)
    data, links = form.cleaned_data, form.parsed_links
    if "preview" in request.POST:
        return _card_page(request, card, form, values=data, links=links)
    try:
        studio.card_update(
            card=card,
            by=request.user,
            started=data["started"],
            title=data["title"],
            call_to_action=data["call_to_action"],
            example=data["example"],
            tip=data["tip"],
            links=links,
        )
    except EditConflict as refused:
        return _card_conflict(request, card, form, refused)
    messages.success(request, _("Saved."))
    return redirect("cards:studio_card", deck=deck, theme=theme, number=number)


def _card_conflict(
    request: HttpRequest, card: Card, form: CardForm, refused: EditConflict
) -> HttpResponse:
    """Someone else saved the card first: what they changed, and the form as this editor
    left it with a fresh stamp, so that saving again (after a look) is a deliberate choice."""
    card.refresh_from_db()
    labels = {name: field.label for name, field in form.fields.items()}
    conflict = conflict_lines(refused.changes, labels) or [_("the card")]
    values, links = form.cleaned_data, form.parsed_links
    form = CardForm({**request.POST.dict(), "started": studio.stamp(studio.card_values(card))})
    form.is_valid()
    return _card_page(
        request, card, form, values=values, links=links, status=409, conflict=conflict
    )


def _card_page(
    request: HttpRequest,
    card: Card,
    form: CardForm,
    *,
    values: dict | None = None,
    links: list[dict] | None = None,
    status: int = 200,
    conflict: Sequence[str] = (),
) -> HttpResponse:
    preview = Preview(card, values, links)
    siblings = [preview if c.pk == card.pk else c for c in card.theme.cards.all()]
    context = {
        "deck": card.theme.deck,
        "card": preview,
        "theme": card.theme,
        "siblings": siblings,
        "form": form,
        "conflict": list(conflict),
        "qr": qr_svg(request.build_absolute_uri(card.get_absolute_url()))
        if card.theme.deck.published
        else "",
        "previewing": values is not None and status == 200,
        "next_url": _next_card_url(card),
    }
    return render(request, "cards/studio/card.html", context, status=status)


def _next_card_url(card: Card) -> str:
    cards = list(
        Card.objects.filter(theme__deck=card.theme.deck).order_by("theme__order", "number")
    )
    at = next(i for i, c in enumerate(cards) if c.pk == card.pk)
    following = cards[(at + 1) % len(cards)]
    return reverse(
        "cards:studio_card",
        kwargs={
            "deck": card.theme.deck.slug,
            "theme": following.theme.slug,
            "number": following.number,
        },
    )
