"""The pages of a deck: "De kaarten", one card, and the deck to print. Public for a
published deck; otherwise for who may use it (``cards.access``), and 404 for others."""

import markdown
import segno
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.html import linebreaks
from django.utils.safestring import mark_safe

from cards import access
from cards.models import Card, Deck, Theme

DEFAULT_DECK = "innovation-on-track"


def home(request: HttpRequest) -> HttpResponse:
    """The front page: what the product is, join with a code, host a session, the cards."""
    published = Deck.objects.filter(frozen=False, published=True)
    deck = published.filter(slug=DEFAULT_DECK).first() or published.first()
    return render(request, "front.html", {"deck": deck})


def deck_default(request: HttpRequest) -> HttpResponse:
    published = Deck.objects.filter(frozen=False, published=True)
    deck = published.filter(slug=DEFAULT_DECK).first() or published.first()
    if deck is None:
        raise Http404("No deck has been loaded yet.")
    return redirect(deck)


def readable(request: HttpRequest, deck: Deck) -> Deck:
    """The deck, or a 404 for who may not read it (not even confirming it exists)."""
    if not access.can_read(request, deck):
        raise Http404("No such deck.")
    return deck


def deck_detail(request: HttpRequest, deck: str) -> HttpResponse:
    deck_obj = readable(request, get_object_or_404(Deck, slug=deck))
    themes = deck_obj.themes.prefetch_related("cards")
    return render(request, "cards/deck.html", {"deck": deck_obj, "themes": themes})


def about_html(deck: Deck) -> str:
    """The about text as HTML: Markdown for a deck of the admins, who are trusted with
    HTML anyway; a facilitator's is plain text, its markup escaped."""
    if deck.base.owner_id is None:
        return mark_safe(markdown.markdown(deck.about))
    return mark_safe(linebreaks(deck.about, autoescape=True))  # escaped by linebreaks


def deck_about(request: HttpRequest, deck: str) -> HttpResponse:
    deck_obj = readable(request, get_object_or_404(Deck, slug=deck))
    context = {"deck": deck_obj, "about_html": about_html(deck_obj)}
    return render(request, "cards/about.html", context)


def card_detail(request: HttpRequest, deck: str, theme: str, number: int) -> HttpResponse:
    card = get_object_or_404(
        Card.objects.select_related("theme__deck").prefetch_related("links"),
        theme__deck__slug=deck,
        theme__slug=theme,
        number=number,
    )
    readable(request, card.theme.deck)
    siblings = card.theme.cards.all()
    # ?fragment: just the card, for the game page's card dialog.
    template = "cards/_card.html" if "fragment" in request.GET else "cards/card.html"
    return render(request, template, {"card": card, "theme": card.theme, "siblings": siblings})


def theme_detail(request: HttpRequest, deck: str, theme: str) -> HttpResponse:
    """A quartet: its four cards' calls to action, to talk about at the table."""
    theme_obj = get_object_or_404(Theme.objects.select_related("deck"), deck__slug=deck, slug=theme)
    readable(request, theme_obj.deck)
    template = "cards/_quartet.html" if "fragment" in request.GET else "cards/theme.html"
    return render(request, template, {"theme": theme_obj, "cards": theme_obj.cards.all()})


# --- "A deck on paper": the cards as playing cards on A4 sheets, fronts and backs ---------

SHEET_COLUMNS = 2  # cards of 90 x 130 mm (static/cards/print.css): 2 x 2 on a sheet of A4
SHEET_ROWS = 2


def deck_print(request: HttpRequest, deck: str) -> HttpResponse:
    """Every card of the deck (or those of ?cards=) to print, cut and play on paper."""
    deck_obj = readable(request, get_object_or_404(Deck, slug=deck))
    cards = list(
        Card.objects.filter(theme__deck=deck_obj)
        .select_related("theme__deck")
        .order_by("theme__order", "number")
    )
    chosen, unknown = chosen_cards(cards, request.GET.get("cards", ""))
    # A QR code leads to the card's page: public for a published deck; for another, with
    # a signed parameter that opens this version's pages to whoever holds the paper.
    reader = (
        "" if deck_obj.base.published else f"?{access.PRINT_READER}={access.print_token(deck_obj)}"
    )
    context = {
        "deck": deck_obj,
        "chosen": chosen,
        "total": len(cards),
        "unknown": unknown,
    }
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
            "qr": qr_svg(request.build_absolute_uri(card.get_absolute_url() + reader)),
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
