"""The replay of a table: frames built from the public events only, which match the
engine's public view after the same moves and name no card before an event did."""

import json
import re

import pytest
from django.urls import reverse

from cards.models import Card
from game import engine
from game.debrief.replay import replay_frames
from game.debrief.selectors import debrief
from game.models import Table, TableEvent
from tests.debrief.games import asked, bot_table, host, laid, record, started, written_table
from tests.tables import game_state

pytestmark = pytest.mark.django_db


def replayed_views(workshop, table, moves) -> list[engine.PublicView]:
    """The engine's public view after the deal and after each move, replayed from the
    seed and the recorded asks (not from the table's events or state)."""
    settings = engine.Settings(miss_passes_to=workshop.miss_passes_to)
    seats = table.players.count()
    state, _ = engine.new_game(workshop.deck.to_engine(), seats, table.seed, settings)
    views = [engine.public_view(state)]
    for ask in moves:
        state, _ = engine.apply(state, engine.Ask(ask["seat"], ask["target"], ask["card"]))
        views.append(engine.public_view(state))
    return views


def test_every_frame_shows_what_the_engine_shows_after_as_many_moves():
    workshop, table, played = bot_table(seed=31, themes=5, bots=4)
    frames = replay_frames(table)
    views = replayed_views(workshop, table, played.moves)
    assert len(frames) == len(views) == len(played.moves) + 1
    for frame, view in zip(frames, views, strict=True):
        assert frame["counts"] == list(view.hand_sizes), frame["n"]
        assert frame["laid"] == [list(themes) for themes in view.laid], frame["n"]
        assert frame["turn"] == view.turn, frame["n"]
        assert frame["over"] == view.over
        assert frame["winners"] == list(view.winners)
    assert [f["ask"]["card"] for f in frames[1:]] == [ask["card"] for ask in played.moves]
    assert frames[-1]["over"] and frames[-1]["winners"] == list(engine.winners(game_state(table)))


def public_cards(table, upto: int) -> set[str]:
    """The card keys the table's events named up to seq ``upto``."""
    named = set()
    for data in TableEvent.objects.filter(table=table, seq__lte=upto).values_list(
        "data", flat=True
    ):
        named.update(data.get("cards", []))
        if "card" in data:
            named.add(data["card"])
    return named


def test_no_frame_names_a_card_before_an_event_did():
    workshop, table, _played = bot_table(seed=8, themes=5, bots=3)
    keys = {card for theme in workshop.deck.to_engine().themes for card in theme.cards}
    pattern = re.compile("|".join(sorted(map(re.escape, keys), key=len, reverse=True)))
    for frame in replay_frames(table):
        named = set(pattern.findall(json.dumps(frame)))
        assert named <= public_cards(table, frame["seq"]), frame["n"]


def test_the_page_of_a_running_game_shows_no_hand_and_no_seed():
    workshop, table, _played = bot_table(seed=982_451_653_771, themes=5, bots=3, moves=6)
    state = game_state(table)
    assert state.turn is not None
    hidden = {card for hand in state.hands for card in hand} - public_cards(table, table.seq)
    assert hidden
    url = reverse("host:replay", kwargs={"code": workshop.code, "number": table.number})
    page = host(workshop).get(url).content.decode()
    assert 'id="replay-frames"' in page
    assert not [card for card in hidden if re.search(rf"\b{re.escape(card)}\b", page)]
    assert str(table.seed) not in page
    data = re.search(r'<script id="replay-frames" type="application/json">(.*?)</script>', page)
    assert json.loads(data.group(1)) == json.loads(json.dumps(replay_frames(table)))


def test_counts_follow_hits_and_quartets_from_the_deal_on():
    _workshop, table = written_table()
    record(
        table,
        *started(3, [5, 4, 3]),
        *asked(0, 1, "thema-1-4", hit=True),
        laid(0, "thema-1", "Thema 1"),
        *asked(0, 2, "thema-2-1", hit=False),
        {"type": "seat_taken_over", "seat": 1, "level": "smart"},
        *asked(2, 1, "thema-3-1", hit=True),
        {"type": "player_out", "seat": 1},
    )
    frames = replay_frames(table)
    assert [f["counts"] for f in frames] == [[5, 4, 3], [2, 3, 3], [2, 3, 3], [2, 2, 4]]
    assert [f["turn"] for f in frames] == [0, 0, 2, 2]
    assert frames[1]["laid"] == [["thema-1"], [], []] and frames[1]["quartets"][0]["seat"] == 0
    assert frames[1]["ask"] == {
        "seat": 0,
        "target": 1,
        "card": "thema-1-4",
        "theme": "thema-1",
        "hit": True,
    }
    assert frames[2]["ask"]["hit"] is False and frames[2]["bots"] == [1]
    assert frames[3]["out"] == [1]
    assert frames[0]["say"] == "De kaarten zijn gedeeld."
    assert frames[1]["say"] == "Anna vraagt Bert om Thema 1 4" and frames[1]["answer"] == "Ja!"
    assert frames[2]["answer"] == "Nee, helaas."
    assert frames[3]["notes"] == ["Bert heeft geen kaarten meer."]


def test_a_table_that_has_not_started_has_no_frames():
    workshop, table = written_table()
    assert replay_frames(table) == []
    url = reverse("host:replay", kwargs={"code": workshop.code, "number": table.number})
    response = host(workshop).get(url)
    assert response.status_code == 200
    assert "replay-frames" not in response.content.decode()


def test_the_debrief_and_the_replay_never_read_the_tables_state():
    workshop, table, _played = bot_table(seed=44, themes=4, bots=3)
    before = (replay_frames(table), debrief(workshop))
    Table.objects.filter(pk=table.pk).update(state=None, seed=None)
    table.refresh_from_db()
    assert (replay_frames(table), debrief(workshop)) == before


def test_the_debrief_page_of_a_running_game_names_no_card_at_all():
    workshop, _table, _played = bot_table(seed=982_451_653_771, themes=5, bots=3, moves=6)
    cards = {card.key: card.title for card in Card.objects.filter(theme__deck=workshop.deck)}
    page = host(workshop).get(reverse("host:debrief", kwargs={"code": workshop.code}))
    html = page.content.decode()
    assert not [key for key in cards if re.search(rf"\b{re.escape(key)}\b", html)]
    assert not [title for title in cards.values() if title in html]


def test_a_bot_standing_in_marks_the_seat_until_its_player_is_back():
    _workshop, table = written_table()
    record(
        table,
        *started(3, [4, 4, 4]),
        {"type": "seat_stood_in", "seat": 2, "level": "smart"},
        *asked(0, 1, "thema-1-2", hit=False),
        {"type": "seat_returned", "seat": 2, "played": {"asks": 0, "hits": 0, "quartets": []}},
        *asked(1, 2, "thema-2-2", hit=False),
        {"type": "turn_nudge", "seat": 2},
    )
    frames = replay_frames(table)
    assert [f["bots"] for f in frames] == [[2], [], []]
    assert frames[2]["counts"] == [4, 4, 4] and frames[2]["turn"] == 2
