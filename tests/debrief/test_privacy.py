"""After "Delete personal data" the debrief and the replays name nobody: the seats are
"Speler 1", "Speler 2" ..., and the games' public events still tell the story."""

import pytest
from django.urls import reverse

from game import engine
from game.debrief.replay import replay_frames
from game.debrief.selectors import ask_network, quartet_moments
from game.room.privacy import workshop_forget_people
from game.table import play
from tests.debrief.games import host
from tests.tables import game_state, session_with_table

pytestmark = pytest.mark.django_db

NAMES = ("Annabel", "Bertrand", "Ceesje")


def played_until_a_quartet():
    workshop, table, players = session_with_table(NAMES, themes=3, seed=2)
    state = game_state(table)
    for move in range(300):
        options = engine.legal_actions(state, state.turn)
        ask = max(options, key=lambda a: a.card in state.hands[a.target])
        play.table_ask(
            player=players[ask.seat], target=ask.target, card=ask.card, action_id=f"m{move}"
        )
        state = game_state(table)
        if any(state.laid):
            return workshop, table
    raise AssertionError("no quartet in 300 moves")


def pages(workshop, table) -> str:
    client = host(workshop)
    urls = [
        reverse("host:debrief", kwargs={"code": workshop.code}),
        reverse("host:results", kwargs={"code": workshop.code}),
        reverse("host:replay", kwargs={"code": workshop.code, "number": table.number}),
    ]
    return "\n".join(client.get(url).content.decode() for url in urls)


def test_the_debrief_names_the_players_until_they_are_forgotten():
    workshop, table = played_until_a_quartet()
    before = pages(workshop, table)
    assert all(name in before for name in NAMES)

    workshop_forget_people(workshop=workshop, by=workshop.facilitator)

    after = pages(workshop, table)
    assert not [name for name in NAMES if name in after]
    network = ask_network(workshop)
    assert [node.name for node in network.nodes] == ["Speler 1", "Speler 2", "Speler 3"]
    assert network.edges  # the asks are still there, by seat
    assert {m.seat.name for m in quartet_moments(workshop)} <= {
        "Speler 1",
        "Speler 2",
        "Speler 3",
    }
    frames = replay_frames(table)
    assert "Speler" in frames[1]["say"]
    assert "Speler 1" in after
