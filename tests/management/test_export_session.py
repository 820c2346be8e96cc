"""`manage.py export_session`: one finished session as JSON for the organiser's archive,
without names unless asked for, and refused for an unknown or still open session."""

from __future__ import annotations

import io
import json
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from game import engine
from game.models import Player, Table
from game.plans.selectors import results
from game.plans.services import plan_save
from game.room import polls
from game.table import play, ticker
from tests.plans.builders import item
from tests.tables import game_state, session_with_table

pytestmark = pytest.mark.django_db

NAMES = ("Anna", "Bob", "Cees")


def ask_once(table: Table, players: list[Player], action_id: str) -> None:
    """The player whose turn it is asks for the first card the rules allow."""
    state = game_state(table)
    ask = engine.legal_actions(state, state.turn)[0]
    by = next(p for p in players if p.seat == ask.seat)
    play.table_ask(player=by, target=ask.target, card=ask.card, action_id=action_id)


@pytest.fixture
def played():
    """A session of three people at one table: three asks by hand, then bots take over
    every hand and finish the game; a poll with votes, two plans; the session ended."""
    workshop, table, players = session_with_table(NAMES)
    host = workshop.facilitator
    for n in range(3):
        ask_once(table, players, f"ask-{n}")
    turn = game_state(table).turn
    # The seat whose turn it is last: replacing a seat resets the table's bot_turn flag
    # to "is it this seat's turn" (game.table.play.player_replace_with_bot).
    for player in sorted(Player.objects.filter(workshop=workshop), key=lambda p: p.seat == turn):
        play.player_replace_with_bot(player=player, by=host)
    for _ in range(2000):  # bounded: a game ends within 50 asks per card
        if not ticker.tick():
            break
    poll = polls.poll_create(
        workshop=workshop, by=host, question="Gaat u dit doen?", answers=["Ja", "Nee", "Later"]
    )
    polls.poll_open(poll=poll, by=host)
    for player, answer in zip(players, (0, 0, 2), strict=True):
        polls.poll_vote(player=player, poll_id=poll.pk, answer=answer)
    plan_save(player=players[0], items=[item("thema-1-1"), item("thema-2-3")])
    plan_save(player=players[2], items=[item("thema-1-1", action="Met de provincie")])
    play.workshop_end(workshop=workshop, by=host)
    workshop.refresh_from_db()
    return workshop


def export(code: str, *options: str) -> dict:
    out = io.StringIO()
    call_command("export_session", code, *options, stdout=out)
    return json.loads(out.getvalue())


def test_the_export_holds_the_session_and_its_table_with_events(played):
    data = export(played.code)
    assert data["format"] == "innovation-track-session" and data["version"] == 1
    session = data["session"]
    assert session["name"] == "Regio Twente" and session["code"] == played.code
    assert session["status"] == "ended" and session["ended"] and session["created"]
    assert session["deck"] == played.deck.slug
    assert session["settings"] == {
        "table_size": 5,
        "miss_passes_to": "asked",
        "pause_on_quartet": 0,
    }
    [table] = data["tables"]
    assert table["number"] == 1 and table["status"] == "over"
    assert [seat["seat"] for seat in table["seats"]] == [0, 1, 2]
    assert sum(len(seat["quartets"]) for seat in table["seats"]) == 3  # every theme laid
    assert table["winners"] and all(seat["bot"] == "smart" for seat in table["seats"])
    events = table["events"]
    assert [event["seq"] for event in events] == list(range(1, len(events) + 1))
    assert events[-1]["type"] == "game_over"
    assert {"asked", "seat_taken_over", "quartet_laid"} <= {e["type"] for e in events}
    asked = next(e for e in events if e["type"] == "asked")
    assert set(asked["data"]) == {"seat", "target", "card", "theme"}


def test_the_export_holds_the_polls_with_counts_and_the_plans(played):
    data = export(played.code)
    assert data["polls"] == [
        {
            "question": "Gaat u dit doen?",
            "answers": ["Ja", "Nee", "Later"],
            "status": "open",
            "counts": [2, 0, 1],
        }
    ]
    assert [len(plan["items"]) for plan in data["plans"]] == [2, 1]
    first = data["plans"][0]["items"][0]
    assert first == {
        "position": 1,
        "card": "thema-1-1",
        "title": "Thema 1 kaart 1",
        "theme": "Thema 1",
        "action": "Regionale kroeg organiseren",
        "sector": "overheid",
        "by_when": "juni",
        "if_then": "",
    }


def test_no_name_leaves_the_server_by_default(played):
    data = export(played.code)
    text = json.dumps(data, ensure_ascii=False)
    assert data["names"] is False
    for name in NAMES:
        assert name not in text
    seats = data["tables"][0]["seats"]
    assert [seat["name"] for seat in seats] == ["Speler 1", "Speler 2", "Speler 3"]
    assert set(data["tables"][0]["winners"]) <= {"Speler 1", "Speler 2", "Speler 3"}
    assert all("player" not in plan for plan in data["plans"])
    explicit = export(played.code, "--no-names")
    assert {**explicit, "exported": ""} == {**data, "exported": ""}


def test_names_are_there_with_names(played):
    data = export(played.code, "--names")
    assert data["names"] is True
    seats = data["tables"][0]["seats"]
    assert [seat["name"] for seat in seats] == list(NAMES)
    assert [plan["player"] for plan in data["plans"]] == ["Anna", "Cees"]
    winners = [seat["name"] for seat in seats if seat["winner"]]
    assert data["tables"][0]["winners"] == winners


def test_the_counts_agree_with_the_results_page(played):
    data = export(played.code, "--names")
    page = results(played)
    assert len(data["tables"]) == len(page["tables"])
    for table, view in zip(data["tables"], page["tables"], strict=True):
        assert table["number"] == view.table.number
        assert [s["quartets"] for s in table["seats"]] == [m.quartets for m in view.members]
        assert [s["winner"] for s in table["seats"]] == [m.winner for m in view.members]
    assert len(data["plans"]) == len(page["plans"])
    exported = Counter(i["card"] for plan in data["plans"] for i in plan["items"])
    chart = {e["card"].key: e["count"] for row in page["chart"] for e in row["cards"] if e["count"]}
    assert exported == chart
    assert sum(exported.values()) == len(page["plan_items"])


def test_the_export_goes_to_a_file_with_o(played, tmp_path):
    target = tmp_path / "archief.json"
    out = io.StringIO()
    call_command("export_session", played.code.lower(), "-o", str(target), stdout=out)
    assert str(target) in out.getvalue()
    data = json.loads(target.read_text(encoding="utf-8"))
    assert data["session"]["code"] == played.code


def test_an_unknown_code_is_refused():
    with pytest.raises(CommandError, match="No session with code 'ZZZZZZ'"):
        call_command("export_session", "ZZZZZZ", stdout=io.StringIO())


def test_an_open_session_is_refused_unless_forced():
    workshop, _, _ = session_with_table(NAMES)
    with pytest.raises(CommandError, match="still open"):
        call_command("export_session", workshop.code, stdout=io.StringIO())
    data = export(workshop.code, "--force")
    assert data["session"]["status"] == "open" and data["session"]["ended"] is None
    assert data["tables"][0]["status"] == "playing" and not data["tables"][0]["winners"]
