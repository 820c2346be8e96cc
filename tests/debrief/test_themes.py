""" "Welke thema's gingen rond": per theme, its cards asked for and changed hands; and
the quartets laid in the room, in the order laid, with the time since the start."""

import pytest

from game.debrief.selectors import debrief, quartet_moments, theme_rounds
from game.models import Table
from tests.debrief.games import (
    T0,
    asked,
    bot_table,
    laid,
    minutes,
    record,
    started,
    written_table,
)

pytestmark = pytest.mark.django_db


def counts(workshop) -> dict:
    return {row.key: (row.asked, row.hits) for row in theme_rounds(workshop)}


def test_each_theme_counts_its_asks_and_its_hits():
    workshop, table = written_table()
    record(
        table,
        *started(3, [4, 4, 4]),
        *asked(0, 1, "thema-1-2", hit=True),
        *asked(0, 1, "thema-1-3", hit=False),
        *asked(1, 2, "thema-3-4", hit=True),
        *asked(1, 2, "thema-1-1", hit=True),
        *asked(1, 0, "thema-3-1", hit=False),
    )
    assert counts(workshop) == {"thema-1": (3, 2), "thema-2": (0, 0), "thema-3": (2, 1)}
    first = theme_rounds(workshop)[0]
    assert (first.name, first.colour) == ("Thema 1", "#1f5fa8")
    assert debrief(workshop)["most_asked"] == 3


def test_the_theme_counts_of_a_bot_game_match_what_happened():
    workshop, _table, played = bot_table(seed=23, themes=4)
    expected = {
        f"thema-{n}": (played.theme_asks[f"thema-{n}"], played.theme_hits[f"thema-{n}"])
        for n in range(1, 5)
    }
    assert counts(workshop) == expected
    assert sum(asks for asks, _ in expected.values()) == len(played.moves)


def test_the_quartets_come_in_the_order_they_were_laid_across_tables():
    workshop, table = written_table()
    other = Table.objects.create(workshop=workshop, number=2, status=Table.Status.OVER)
    record(table, *started(3, [4, 4, 4]), at=T0)
    record(
        other, *started(2, [6, 6]), laid(1, "thema-2", "Thema 2", dealt=True), at=T0 + minutes(1)
    )
    record(table, laid(2, "thema-3", "Thema 3"), at=T0 + minutes(7.5))
    record(other, laid(0, "thema-1", "Thema 1"), at=T0 + minutes(4))
    moments = quartet_moments(workshop)
    assert [(m.seat.table, m.seat.name, m.theme, m.dealt, m.clock) for m in moments] == [
        (2, "Speler 2", "Thema 2", True, "1:00"),
        (2, "Speler 1", "Thema 1", False, "4:00"),
        (1, "Cees", "Thema 3", False, "7:30"),
    ]
    assert moments[0].colour == "#1f5fa8"
    assert moments[-1].at == T0 + minutes(7.5)


def test_a_long_session_counts_its_clock_in_hours():
    workshop, table = written_table()
    record(table, *started(3, [4, 4, 4]), at=T0)
    record(table, laid(0, "thema-1", "Thema 1"), at=T0 + minutes(75.25))
    assert [m.clock for m in quartet_moments(workshop)] == ["1:15:15"]


def test_a_bot_game_has_every_quartet_of_the_deck_once():
    workshop, table, _played = bot_table(seed=5, themes=4)
    moments = quartet_moments(workshop)
    assert sorted(m.theme for m in moments) == [f"Thema {n}" for n in range(1, 5)]
    assert [m.at for m in moments] == sorted(m.at for m in moments)
    assert all(m.seat.table == table.number for m in moments)
