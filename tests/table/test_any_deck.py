"""Everything works with any playable deck of 2 to 13 themes: the engine, a session
played to the end by bots through the services, and every screen after it (dashboard,
projector, results and CSV, debrief, replay, print), with the deck's names and colours."""

from __future__ import annotations

import pytest
from django.urls import reverse

from cards.models import MAX_THEMES, MIN_THEMES, Card
from game import engine
from game.plans.services import plan_save
from game.room import sessions
from tests.debrief.games import bot_table, host
from tests.factories import playable_deck

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("themes", [MIN_THEMES, MAX_THEMES])
@pytest.mark.parametrize("seats", [2, 6])
def test_the_engine_plays_the_smallest_and_the_largest_deck_to_the_end(themes, seats):
    deck = engine.synthetic_deck(themes)
    for seed in range(5):
        record = engine.play_game(
            deck, ("smart", "easy", *("smart",) * (seats - 2)), seed, engine.Settings()
        )
        assert record.state.turn is None
        assert sum(engine.scores(record.state)) == themes


@pytest.mark.parametrize("themes", [MIN_THEMES, MAX_THEMES])
def test_a_session_with_the_smallest_and_the_largest_deck_plays_and_shows_everywhere(themes):
    workshop, table, _played = bot_table(themes=themes, bots=4, seed=3)
    assert table.status == "over"
    assert workshop.deck.frozen and workshop.deck.themes.count() == themes
    laid = [
        event
        for event in table.events.values_list("data", flat=True)
        if event["type"] == "quartet_laid"
    ]
    assert len(laid) == themes

    anna = sessions.player_join(code=workshop.code, name="Anna")
    last = Card.objects.filter(theme__deck=workshop.deck).order_by("theme__order", "number").last()
    plan_save(player=anna, items=[{"card": last.key, "action": "Doen", "sector": "overheid"}])

    client = host(workshop)
    names = [theme.name for theme in workshop.deck.themes.all()]
    pages = {
        "dashboard": reverse("host:panel", kwargs={"code": workshop.code}),
        "projector": reverse("host:projector", kwargs={"code": workshop.code}),
        "projector panel": reverse("host:projector_panel", kwargs={"code": workshop.code}),
        "results": reverse("host:results", kwargs={"code": workshop.code}),
        "debrief": reverse("host:debrief", kwargs={"code": workshop.code}),
        "replay": reverse("host:replay", kwargs={"code": workshop.code, "number": table.number}),
        "print": reverse("cards:print", kwargs={"deck": workshop.deck.slug}),
    }
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        html = response.content.decode()
        if name in ("results", "debrief", "print"):
            assert all(theme in html for theme in names), name
    print_page = client.get(pages["print"]).content.decode()
    assert print_page.count('class="print-card print-front"') == 4 * themes
    csv = client.get(reverse("host:results_csv", kwargs={"code": workshop.code})).content.decode()
    assert last.title in csv and last.theme.name in csv


def test_a_deck_outside_two_to_thirteen_themes_cannot_start_a_session():
    from game.errors import Refused
    from tests.factories import facilitator

    fenna = facilitator()
    for themes in (1, MAX_THEMES + 1):
        with pytest.raises(Refused) as refused:
            sessions.workshop_create(
                facilitator=fenna, name="Te klein", deck=playable_deck(themes=themes)
            )
        assert refused.value.code == "deck_not_playable"
