"""The simulate command: bots play, the command reports. --themes needs no database."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from cards.models import Card, Deck, Theme


def simulate(*args: str) -> str:
    out = StringIO()
    call_command("simulate", *args, stdout=out)
    return out.getvalue()


def test_one_game_prints_its_events_and_the_result():
    output = simulate(
        "--themes", "3", "--players", "3", "--bots", "smart,easy,smart", "--seed", "5"
    )
    assert output.startswith("Seed 5: 3 players (smart, easy, smart)")
    assert "asks seat" in output
    assert "quartet: seat" in output
    assert "game over" in output
    assert "Winner" in output


def test_one_game_is_the_same_every_time():
    assert simulate("--themes", "4", "--seed", "11") == simulate("--themes", "4", "--seed", "11")


def test_many_games_print_a_summary():
    output = simulate("--themes", "5", "--games", "30", "--bots", "smart,easy,easy,easy")
    assert "30 games, 4 players (smart, easy, easy, easy)" in output
    assert "games per second" in output
    assert "turns per game: mean" in output
    assert "seat 3 (easy):" in output
    assert "smart (1 seats):" in output


def test_one_game_as_json():
    data = json.loads(simulate("--themes", "5", "--players", "4", "--seed", "3", "--json"))
    assert data["seed"] == 3
    assert data["players"] == 4
    assert data["bots"] == ["easy"] * 4
    assert sum(len(themes) for themes in data["quartets"].values()) == 5
    assert set(data["quartets"]) == {"0", "1", "2", "3"}
    best = max(len(themes) for themes in data["quartets"].values())
    assert data["winners"] == [int(s) for s, t in data["quartets"].items() if len(t) == best]
    assert data["events"][0]["type"] == "game_started"
    assert data["events"][-1]["type"] == "game_over"
    assert data["events"][-1]["winners"] == data["winners"]


def test_many_games_as_json_split_the_credit_of_ties():
    data = json.loads(
        simulate("--themes", "2", "--players", "4", "--games", "40", "--seed", "100", "--json")
    )
    assert data["games"] == 40
    assert [result["seed"] for result in data["results"]] == list(range(100, 140))
    assert sum(data["wins_per_seat"]) == pytest.approx(40)
    assert data["wins_per_level"]["easy"]["credit"] == pytest.approx(40)
    assert data["turns"]["max"] >= data["turns"]["mean"] > 0


def test_game_i_of_a_series_replays_alone():
    series = json.loads(simulate("--themes", "3", "--games", "5", "--seed", "20", "--json"))
    single = json.loads(simulate("--themes", "3", "--seed", "23", "--json"))
    assert series["results"][3]["winners"] == single["winners"]
    assert series["results"][3]["asks"] == single["asks"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--players", "3", "--bots", "easy,smart"], "one per seat"),
        (["--bots", "easy,genius,easy,easy"], "unknown bot level genius"),
        (["--players", "1"], "2 to 6"),
        (["--players", "7"], "2 to 6"),
        (["--games", "0"], "at least 1"),
        (["--themes", "0"], "at least 1"),
    ],
)
def test_bad_arguments_are_refused(args, message):
    with pytest.raises(CommandError, match=message):
        simulate("--themes", "3", *args)


def make_deck(slug: str, cards_per_theme: int = 4) -> Deck:
    deck = Deck.objects.create(name="Proefspel", slug=slug)
    for order, name in enumerate(["Netwerk", "Geld", "Mensen"], start=1):
        theme = Theme.objects.create(
            deck=deck, name=name, slug=name.lower(), order=order, colour="#1f6f8b"
        )
        for number in range(1, cards_per_theme + 1):
            Card.objects.create(
                theme=theme,
                number=number,
                title=f"{name} {number}",
                call_to_action="Doe het.",
                example="Zo.",
            )
    return deck


@pytest.mark.django_db
def test_a_deck_from_the_database_is_played():
    make_deck("proefspel")
    data = json.loads(simulate("--deck", "proefspel", "--players", "3", "--json"))
    assert data["deck"] == "proefspel"
    names = {name for themes in data["quartets"].values() for name in themes}
    assert names == {"Netwerk", "Geld", "Mensen"}
    cards = {e["card"] for e in data["events"] if e["type"] == "asked"}
    assert cards <= {f"{t}-{n}" for t in ("netwerk", "geld", "mensen") for n in range(1, 5)}


@pytest.mark.django_db
def test_a_missing_deck_is_refused():
    with pytest.raises(CommandError, match="no deck 'nope'"):
        simulate("--deck", "nope")


@pytest.mark.django_db
def test_an_unplayable_deck_is_refused_with_its_problems():
    make_deck("kapot", cards_per_theme=3)
    with pytest.raises(CommandError, match=r"cannot be played.*Netwerk"):
        simulate("--deck", "kapot")
