"""Facilitators seat people in balanced tables, move them, add bots, and start."""

import pytest

from game.errors import Refused
from game.models import Player, Table
from game.room import seating, sessions
from game.table import play
from tests.factories import facilitator, playable_deck

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("players", "most", "sizes"),
    [
        (0, 5, []),
        (1, 5, [1]),
        (2, 5, [2]),
        (5, 5, [5]),
        (6, 5, [3, 3]),
        (7, 5, [4, 3]),
        (11, 5, [4, 4, 3]),
        (16, 5, [4, 4, 4, 4]),
        (300, 5, [5] * 60),
        (3, 2, [3]),
        (7, 4, [4, 3]),
    ],
)
def test_tables_are_balanced_and_never_hold_one_person(players, most, sizes):
    assert seating.balanced_sizes(players, most) == sizes


def test_with_at_least_three_people_tables_hold_three_to_five():
    for players in range(3, 200):
        sizes = seating.balanced_sizes(players, 5)
        assert min(sizes) >= 3 and max(sizes) <= 5 and sum(sizes) == players


@pytest.fixture
def host():
    return facilitator()


@pytest.fixture
def workshop(host):
    return sessions.workshop_create(facilitator=host, name="Sessie", deck=playable_deck())


def join(workshop, *names):
    return [sessions.player_join(code=workshop.code, name=name) for name in names]


def test_arranging_seats_everyone_in_balanced_tables(workshop, host):
    join(workshop, *"ABCDEFG")
    tables = seating.tables_arrange(workshop=workshop, by=host)
    assert [t.players.count() for t in tables] == [4, 3]
    for table in tables:
        assert sorted(table.players.values_list("seat", flat=True)) == list(
            range(table.players.count())
        )


def test_arranging_again_keeps_started_tables(workshop, host):
    join(workshop, *"ABCDEF")
    first, second = seating.tables_arrange(workshop=workshop, by=host)
    play.table_start(table=first, by=host)
    join(workshop, "Laat")
    seating.tables_arrange(workshop=workshop, by=host)
    assert first.players.count() == 3
    assert Player.objects.get(name="Laat").table_id == second.pk


def test_a_player_can_be_moved_to_another_waiting_table(workshop, host):
    a, *_ = join(workshop, *"ABCDEF")
    first, second = seating.tables_arrange(workshop=workshop, by=host)
    mover = Player.objects.get(pk=a.pk)
    seating.player_move(
        player=mover, table=second if mover.table_id == first.pk else first, by=host
    )
    assert sorted(t.players.count() for t in (first, second)) == [2, 4]
    for table in (first, second):
        assert sorted(table.players.values_list("seat", flat=True)) == list(
            range(table.players.count())
        )


def test_nobody_moves_into_or_out_of_a_started_table(workshop, host):
    join(workshop, *"ABCDEF")
    first, second = seating.tables_arrange(workshop=workshop, by=host)
    play.table_start(table=first, by=host)
    player = first.players.first()
    with pytest.raises(Refused) as error:
        seating.player_move(player=player, table=second, by=host)
    assert error.value.code == "game_running"
    with pytest.raises(Refused):
        seating.player_move(player=second.players.first(), table=first, by=host)


def test_bots_fill_seats_up_to_six(workshop, host):
    join(workshop, "Anna")
    (table,) = seating.tables_arrange(workshop=workshop, by=host)
    for _ in range(5):
        seating.bot_add(table=table, level="smart", by=host)
    assert list(table.players.order_by("seat").values_list("name", flat=True)) == [
        "Anna",
        "Bot 1",
        "Bot 2",
        "Bot 3",
        "Bot 4",
        "Bot 5",
    ]
    with pytest.raises(Refused) as error:
        seating.bot_add(table=table, level="easy", by=host)
    assert error.value.code == "table_full"


def test_an_unknown_bot_level_is_refused(workshop, host):
    join(workshop, "Anna")
    (table,) = seating.tables_arrange(workshop=workshop, by=host)
    with pytest.raises(Refused):
        seating.bot_add(table=table, level="genius", by=host)


def test_a_table_of_one_cannot_start(workshop, host):
    join(workshop, "Anna")
    (table,) = seating.tables_arrange(workshop=workshop, by=host)
    with pytest.raises(Refused) as error:
        play.table_start(table=table, by=host)
    assert error.value.code == "too_few_players"
    seating.bot_add(table=table, level="easy", by=host)
    change = play.table_start(table=table, by=host)
    assert change.events[0]["type"] == "game_started"


def test_removing_a_player_frees_their_name_and_seat(workshop, host):
    _anna, bob, _cees = join(workshop, "Anna", "Bob", "Cees")
    (table,) = seating.tables_arrange(workshop=workshop, by=host)
    seating.player_remove(player=Player.objects.get(pk=bob.pk), by=host)
    assert list(table.players.filter(removed=False).values_list("seat", flat=True)) == [0, 1]
    assert sessions.player_join(code=workshop.code, name="Bob").name == "Bob"


def test_start_all_starts_every_table_with_two_or_more(workshop, host):
    join(workshop, *"ABCDEFG")
    seating.tables_arrange(workshop=workshop, by=host)
    play.workshop_start_all(workshop=workshop, by=host)
    assert set(workshop.tables.values_list("status", flat=True)) == {Table.Status.PLAYING}


def test_an_incomplete_deck_cannot_host_a_session(host):
    deck = playable_deck(themes=2)
    deck.themes.first().cards.first().delete()
    with pytest.raises(Refused) as error:
        sessions.workshop_create(facilitator=host, name="Kapot", deck=deck)
    assert error.value.code == "deck_not_playable"
    assert "3" in error.value.message("en")


def test_a_table_of_one_says_what_it_needs_and_is_not_offered_to_start(workshop, host):
    """Issue 31, item 3: "Iedereen aan tafels zetten" with one player made a table of one
    and offered "Alle tafels starten". One person may play against bots, so they are
    seated; the table says what it needs, and "start all" waits for a table of two."""
    from django.test import Client
    from django.urls import reverse

    join(workshop, "Anna")
    (table,) = seating.tables_arrange(workshop=workshop, by=host)
    client = Client()
    client.force_login(host)
    page = client.get(reverse("host:panel", kwargs={"code": workshop.code})).content.decode()
    assert 'value="start_all"' not in page
    assert "Eén speler: voeg een bot toe" in page
    seating.bot_add(table=table, level="easy", by=host)
    page = client.get(reverse("host:panel", kwargs={"code": workshop.code})).content.decode()
    assert 'value="start_all"' in page and "Eén speler" not in page
