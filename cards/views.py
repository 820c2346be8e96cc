"""Public, read-only pages of the deck: "De kaarten", one card, and the deck to print."""

import markdown
import segno
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


# --- "A deck on paper": the cards as playing cards on A4 sheets, fronts and backs ---------

SHEET_COLUMNS = 2  # cards of 90 x 130 mm (static/cards/print.css): 2 x 2 on a sheet of A4
SHEET_ROWS = 2


def deck_print(request: HttpRequest, deck: str) -> HttpResponse:
    """Every card of the deck (or those of ?cards=) to print, cut and play on paper."""
    deck_obj = get_object_or_404(Deck, slug=deck)
    cards = list(
        Card.objects.filter(theme__deck=deck_obj)
        .select_related("theme__deck")
        .order_by("theme__order", "number")
    )
    chosen, unknown = chosen_cards(cards, request.GET.get("cards", ""))
    context = {"deck": deck_obj, "chosen": chosen, "total": len(cards), "unknown": unknown}
    context["themes"] = deck_obj.themes.all()  # their colours, on the backs
    if unknown:
        return render(request, "cards/print.html", context, status=400)
    siblings: dict[int, list[Card]] = {}
    for card in cards:
        siblings.setdefault(card.theme_id, []).append(card)
    fronts = [
        {
            "card": card,
            "siblings": siblings[card.theme_id],
            "qr": qr_svg(request.build_absolute_uri(card.get_absolute_url())),
        }
        for card in chosen
    ]
    return render(request, "cards/print.html", {**context, "sheets": sheets(fronts)})


def chosen_cards(cards: list[Card], query: str) -> tuple[list[Card], list[str]]:
    """The cards that ``?cards=`` names, by id or key (``geld-3``), in the deck's order,
    and the names that are no card of this deck. An empty query chooses every card."""
    names = [name.strip() for name in query.split(",") if name.strip()]
    if not names:
        return cards, []
    by_name = {name: card for card in cards for name in (str(card.pk), card.key)}
    unknown = [name for name in dict.fromkeys(names) if name not in by_name]
    wanted = {by_name[name].pk for name in names if name in by_name}
    return [card for card in cards if card.pk in wanted], unknown


def qr_svg(url: str) -> str:
    """A QR code of the URL as inline SVG, sized by the style sheet. Level L, the least
    error correction, needs the fewest modules, so each is largest on the printed card:
    a clean print needs little correction."""
    qr = segno.make(url, error="l")
    svg = qr.svg_inline(scale=1, border=2, dark="#1c1c24", light="#ffffff", omitsize=True)
    return mark_safe(svg)  # segno's own markup; the URL is only encoded in the modules


def sheets(fronts: list, columns: int = SHEET_COLUMNS, rows: int = SHEET_ROWS) -> list[dict]:
    """The fronts in sheets of ``columns`` x ``rows`` slots (the last one filled up with
    None), each with its backs: every row reversed, so that printing on both sides with a
    flip on the long edge puts each card's back right behind its front."""
    per_sheet = columns * rows
    result = []
    for start in range(0, len(fronts), per_sheet):
        slots = fronts[start : start + per_sheet]
        slots += [None] * (per_sheet - len(slots))
        backs = []
        for row in range(rows):
            backs += reversed(slots[row * columns : (row + 1) * columns])
        result.append({"number": len(result) + 1, "fronts": slots, "backs": backs})
    return result
