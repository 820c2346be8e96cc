"""What a phone's socket reads when it (re)opens (game.table.seats.seat_snapshot): the person
behind the cookie's token, the events it missed or a whole view, and the deck, read
once per process until someone edits it."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cards.models import Card, Deck, Theme
from game import engine
from game.models import TableEvent, Workshop
from game.room import accounts, seating
from game.table import move_sql, play, seats
from tests.tables import game_state, session_with_table

pytestmark = pytest.mark.django_db


def titles(deck: dict) -> dict[str, str]:
    return {card["key"]: card["title"] for theme in deck["themes"] for card in theme["cards"]}


def reads_of(queries, *models) -> list[str]:
    names = [connection.ops.quote_name(model._meta.db_table) for model in models]
    return [q["sql"] for q in queries if any(f"FROM {name}" in q["sql"] for name in names)]


def test_a_catch_up_holds_exactly_the_missed_events_and_the_seats_state():
    _, table, players = session_with_table()
    state = game_state(table)
    ask = engine.legal_actions(state, state.turn)[0]
    play.table_ask(player=players[ask.seat], target=ask.target, card=ask.card, action_id="m1")
    table.refresh_from_db()
    since = 1
    player = accounts.player_for_token(players[1].token)  # as the socket reads it

    caught = seats.seat_snapshot(player.pk, since, player)

    stored = TableEvent.objects.filter(table=table, seq__gt=since).order_by("seq")
    assert caught["missed"] == [event.data for event in stored]  # parsed, on any database
    assert [event["seq"] for event in caught["missed"]] == list(range(since + 1, table.seq + 1))
    assert caught["table_id"] == table.pk
    view = seats.seat_snapshot(player.pk, None)["view"]
    assert caught["view"]["seq"] == view["seq"] == table.seq
    assert caught["view"]["state"] == view["state"]
    assert caught["view"]["state"]["hand"] == list(game_state(table).hands[1])
    assert caught["view"]["deck"] == view["deck"]
    assert caught["view"]["poll"] is None


def test_a_paused_session_shows_in_the_state_of_a_catch_up(django_assert_num_queries):
    workshop, table, _ = session_with_table()
    row = move_sql.table_row(table.pk)
    with django_assert_num_queries(0):  # the session's state came with the table's row
        assert seats.state_block(row, 0)["paused"] is False
    # The session's flag alone (workshop_pause would also pause each playing table).
    Workshop.objects.filter(pk=workshop.pk).update(paused=True)
    row = move_sql.table_row(table.pk)
    with django_assert_num_queries(0):  # the session's pause came with the table's row
        assert seats.state_block(row, 0)["paused"] is True


def test_a_players_token_finds_them_until_they_are_removed():
    workshop, _, players = session_with_table(start=False)
    anna = players[0]
    assert accounts.player_for_token(anna.token) == anna
    seating.player_remove(player=anna, by=workshop.facilitator)
    assert accounts.player_for_token(anna.token) is None
    assert accounts.player_for_token("no such token") is None


def test_a_bots_token_finds_no_one_but_a_replaced_players_still_does():
    workshop, table, players = session_with_table(("Anna", "Bob"), start=False)
    bot = seating.bot_add(table=table, level="easy", by=workshop.facilitator)
    play.table_start(table=table, by=workshop.facilitator, seed=4)
    anna = players[0]
    play.player_replace_with_bot(player=anna, by=workshop.facilitator)

    assert accounts.player_for_token(bot.token) is None
    found = accounts.player_for_token(anna.token)
    assert found == anna
    assert found.replaced and found.is_bot  # she follows her table; a bot plays her hand


@pytest.mark.parametrize("edit", ["card title", "theme name", "card deleted"])
def test_a_fresh_view_shows_the_deck_as_edited_meanwhile(edit):
    workshop, _, players = session_with_table()
    player = players[0]
    before = seats.seat_snapshot(player.pk, None)["view"]["deck"]  # now kept by the process
    card = Card.objects.filter(theme__deck=workshop.deck_id).order_by("pk").first()
    if edit == "card title":
        card.title = "Een nieuwe titel"
        card.save()
    elif edit == "theme name":
        theme = card.theme
        theme.name = "Een nieuw thema"
        theme.save()
    else:
        card.delete()

    after = seats.seat_snapshot(player.pk, None)["view"]["deck"]

    assert after != before
    if edit == "card title":
        assert titles(after)[card.key] == "Een nieuwe titel"
    elif edit == "theme name":
        assert "Een nieuw thema" in [theme["name"] for theme in after["themes"]]
    else:
        assert card.key not in titles(after)


def test_two_views_without_edits_read_the_deck_once():
    _, _, players = session_with_table()
    seats.forget_decks(sender=Deck)  # start with nothing kept
    with CaptureQueriesContext(connection) as first:
        first_deck = seats.seat_snapshot(players[0].pk, None)["view"]["deck"]
    with CaptureQueriesContext(connection) as second:
        second_deck = seats.seat_snapshot(players[1].pk, None)["view"]["deck"]
    assert second_deck == first_deck
    deck_reads = reads_of(first, Deck, Theme, Card)
    assert deck_reads  # the first view read the deck
    assert reads_of(second, Deck, Theme, Card) == []
    assert len(second) == len(first) - len(deck_reads)
