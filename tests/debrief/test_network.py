""" "Wie vroeg wie": who asked whom at each table, how often, and how many were hits,
read from the public events alone."""

import pytest

from game.debrief.selectors import Seat, ask_network
from game.models import Table
from tests.debrief.games import asked, bot_names, bot_table, record, started, written_table
from tests.tables import game_state

pytestmark = pytest.mark.django_db


def edges(network) -> dict:
    return {(e.asker.table, e.asker.seat, e.asked.seat): (e.asks, e.hits) for e in network.edges}


def test_each_ordered_pair_that_asked_is_an_edge_weighted_by_asks_and_hits():
    workshop, table = written_table()
    record(
        table,
        *started(3, [3, 3, 2]),
        *asked(0, 1, "thema-1-2", hit=True),
        *asked(0, 1, "thema-1-3", hit=True),
        *asked(0, 1, "thema-2-1", hit=False),
        *asked(1, 2, "thema-2-4", hit=False),
        *asked(2, 0, "thema-1-1", hit=True),
        *asked(2, 1, "thema-3-1", hit=False),
    )
    network = ask_network(workshop)
    assert edges(network) == {
        (1, 0, 1): (3, 2),
        (1, 1, 2): (1, 0),
        (1, 2, 0): (1, 1),
        (1, 2, 1): (1, 0),
    }
    assert network.nodes == [Seat(1, 0, "Anna"), Seat(1, 1, "Bert"), Seat(1, 2, "Cees")]
    assert network.most == 3
    anna_bert = network.edges[0]
    assert (anna_bert.asker.name, anna_bert.asked.name, anna_bert.misses) == ("Anna", "Bert", 1)


def test_the_pages_table_and_paused_events_do_not_count():
    workshop, table = written_table()
    record(
        table,
        *started(3, [3, 3, 2]),
        {"type": "paused"},
        *asked(1, 0, "thema-1-2", hit=False),
        {"type": "resumed"},
        {"type": "seat_taken_over", "seat": 0, "level": "smart"},
        {"type": "some_future_event", "seat": 2, "target": 1},
    )
    assert edges(ask_network(workshop)) == {(1, 1, 0): (1, 0)}


def test_a_table_that_has_not_started_has_no_nodes():
    workshop, _table = written_table()
    network = ask_network(workshop)
    assert network.nodes == [] and network.edges == [] and network.tables == []


def test_the_network_of_a_bot_game_matches_what_happened_move_by_move():
    workshop, table, played = bot_table(seed=11)
    assert table.status == Table.Status.OVER
    network = ask_network(workshop)
    expected = {(1, a, b): (n, played.hits[(a, b)]) for (a, b), n in played.asks.items()}
    assert edges(network) == expected
    assert sum(e.asks for e in network.edges) == len(played.moves) == game_state(table).moves
    assert [node.name for node in network.nodes] == bot_names(table)
    assert all(node.bot for node in network.nodes)


def test_two_tables_are_two_clusters_with_their_own_edges():
    workshop, table = written_table()
    record(table, *started(3, [3, 3, 2]), *asked(0, 2, "thema-1-1", hit=True))
    other = Table.objects.create(workshop=workshop, number=2, status=Table.Status.OVER)
    record(other, *started(2, [4, 4]), *asked(1, 0, "thema-2-1", hit=False))
    network = ask_network(workshop)
    assert network.tables == [1, 2]
    assert edges(network) == {(1, 0, 2): (1, 1), (2, 1, 0): (1, 0)}
    # Nobody sits at table 2 any more: its seats are named by number.
    assert [n.name for n in network.at(2)[0]] == ["Speler 1", "Speler 2"]
