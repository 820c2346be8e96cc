"""Who can help with a plan's cards: the helpers of the programmes a session is in
(kept by the organiser, game.programmes.helpers), matched to a card by its title or its
theme's name, as the plan page, the plan mail and the follow-ups show them."""

from __future__ import annotations

from typing import Any

from cards.models import Card
from game.models import Helper, Workshop


def helpers_by_card(workshop: Workshop, cards: list[Card]) -> dict[int, list[Helper]]:
    """Per card (by id), the helpers of the session's programmes for that card (by its
    title) or its theme (by name), in name order."""
    helpers = [
        (
            helper,
            {title.casefold() for title in helper.card_titles},
            {name.casefold() for name in helper.theme_names},
        )
        for helper in Helper.objects.filter(programme__sessions=workshop).distinct()
    ]
    return {
        card.pk: [
            helper
            for helper, titles, themes in helpers
            if card.title.casefold() in titles or card.theme.name.casefold() in themes
        ]
        for card in cards
    }


def helper_json(helper: Helper) -> dict[str, Any]:
    """A helper as a player sees them: an address or phone only where they allow it."""
    return {
        "name": helper.name,
        "organisation": helper.organisation,
        "offer": helper.offer,
        "url": helper.url,
        "email": helper.email if helper.show_contact else "",
        "phone": helper.phone if helper.show_contact else "",
    }
