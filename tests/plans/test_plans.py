"""Each player's action plan: at most 5 cards, sectors, editable until the session closes,
only your own, saved as you type."""

import pytest
from django.test import Client
from django.urls import reverse

from game.errors import Refused
from game.models import PlanItem
from game.plans.selectors import plan_of
from game.plans.services import plan_save
from game.table import play
from tests.plans.builders import host_client, item, phone_of, save
from tests.spreadsheets import csv_rows

pytestmark = pytest.mark.django_db


def test_a_plan_keeps_its_cards_in_order(game):
    _, _, players = game
    plan_save(player=players[0], items=[item("thema-2-1"), item("thema-1-3", sector="")])
    saved = plan_of(players[0])
    assert [(i.position, i.card.key, i.sector) for i in saved] == [
        (1, "thema-2-1", "overheid"),
        (2, "thema-1-3", ""),
    ]


def test_saving_again_replaces_the_plan(game):
    _, _, players = game
    plan_save(player=players[0], items=[item("thema-2-1"), item("thema-1-3")])
    plan_save(player=players[0], items=[item("thema-1-3", action="Anders")])
    assert [(i.card.key, i.action) for i in plan_of(players[0])] == [("thema-1-3", "Anders")]


def test_a_plan_holds_at_most_five_cards(game):
    _, _, players = game
    plan_save(
        player=players[0], items=[item(f"thema-1-{n}") for n in (1, 2, 3, 4)] + [item("thema-2-1")]
    )
    with pytest.raises(Refused) as error:
        plan_save(
            player=players[0],
            items=[item(f"thema-{t}-{n}") for t in (1, 2) for n in (1, 2, 3)],
        )
    assert error.value.code == "plan_too_long"
    assert PlanItem.objects.filter(player=players[0]).count() == 5


@pytest.mark.parametrize(
    ("items", "code"),
    [
        ([item("geld-9")], "unknown_card"),
        ([item("thema-1-1"), item("thema-1-1")], "plan_card_twice"),
    ],
)
def test_a_bad_plan_is_refused_and_changes_nothing(game, items, code):
    _, _, players = game
    plan_save(player=players[0], items=[item("thema-3-1")])
    with pytest.raises(Refused) as error:
        plan_save(player=players[0], items=items)
    assert error.value.code == code
    assert [i.card.key for i in plan_of(players[0])] == ["thema-3-1"]


def test_every_sector_of_the_booklet_is_offered(game):
    _, _, players = game
    sectors = ["ondernemer", "overheid", "onderwijs", "intermediair", "anders"]
    plan_save(
        player=players[0],
        items=[item(f"thema-{1 + n // 4}-{1 + n % 4}", sector=s) for n, s in enumerate(sectors)],
    )
    assert [i.sector for i in plan_of(players[0])] == sectors


def test_autosave_from_the_phone_stores_the_plan(game):
    _, _, players = game
    phone = phone_of(players[0])
    response = save(phone, [item("thema-2-2")])
    assert response.json() == {"ok": True, "count": 1}
    assert phone.get(reverse("plan")).status_code == 200
    assert [i.card.key for i in plan_of(players[0])] == ["thema-2-2"]


def test_autosave_refuses_bad_input_with_a_code(game):
    _, _, players = game
    phone = phone_of(players[0])
    bad = phone.post(reverse("plan_save"), "{nope", content_type="application/json")
    assert (bad.status_code, bad.json()["code"]) == (400, "bad_json")
    big = phone.post(
        reverse("plan_save"), "[" + " " * 40_000 + "]", content_type="application/json"
    )
    assert (big.status_code, big.json()["code"]) == (413, "too_large")
    stranger = save(Client(), [item("thema-2-2")])
    assert (stranger.status_code, stranger.json()["code"]) == (403, "not_a_player")
    assert not PlanItem.objects.exists()


def test_a_player_sees_and_downloads_only_their_own_plan(game):
    _, _, players = game
    plan_save(player=players[0], items=[item("thema-1-1", action="Anna's idee")])
    plan_save(player=players[1], items=[item("thema-1-2", action="Bobs geheime idee")])
    anna = phone_of(players[0])
    printable = anna.get(reverse("plan_print")).content.decode()
    download = anna.get(reverse("plan_download"))
    assert "Anna&#x27;s idee" in printable and "Bobs geheime idee" not in printable
    text = download.content.decode()
    assert download["Content-Disposition"].startswith("attachment")
    assert "Anna's idee" in text and "Bobs geheime idee" not in text
    assert "# Mijn actieplan — Anna" in text


def test_the_collected_quartets_come_first_in_the_editor(game):
    from game import engine
    from tests.tables import game_state

    _workshop, table, players = game
    state = game_state(table)
    while state.turn is not None and not any(state.laid):
        ask = max(
            engine.legal_actions(state, state.turn), key=lambda a: a.card in state.hands[a.target]
        )
        play.table_ask(
            player=players[ask.seat], target=ask.target, card=ask.card, action_id=str(state.seq)
        )
        state = game_state(table)
    seat = next(s for s, laid in enumerate(state.laid) if laid)
    page = phone_of(players[seat]).get(reverse("plan"))
    themes = page.context["data"]["themes"]
    assert themes[0]["key"] == state.laid[seat][0] and themes[0]["collected"]
    # The others in the room see it first too, as laid in the room, not as theirs.
    other = next(p for s, p in enumerate(players) if s != seat)
    themes = phone_of(other).get(reverse("plan")).context["data"]["themes"]
    assert themes[0]["key"] == state.laid[seat][0]
    assert themes[0]["in_room"] and not themes[0]["collected"]
    assert not any(theme["in_room"] or theme["collected"] for theme in themes[1:])


def test_a_saved_plan_makes_the_dashboard_look_again_after_commit(
    game, monkeypatch, django_capture_on_commit_callbacks
):
    """The dashboard hears of a plan only once it is in the database."""
    workshop, _, players = game
    looks = []
    monkeypatch.setattr(
        "game.plans.services.live.publish_dashboard", lambda pk, **what: looks.append((pk, what))
    )
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        plan_save(player=players[0], items=[item("thema-2-1")])
    assert looks == []
    for callback in callbacks:
        callback()
    assert looks == [(workshop.pk, {"plans": True})]


def test_a_refused_plan_makes_the_dashboard_look_at_nothing(
    game, monkeypatch, django_capture_on_commit_callbacks
):
    _, _, players = game
    looks = []
    monkeypatch.setattr(
        "game.plans.services.live.publish_dashboard", lambda *a, **k: looks.append(a)
    )
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Refused):
        plan_save(player=players[0], items=[item("geld-9")])
    assert looks == []


def test_an_if_then_line_is_kept_and_shown_wherever_the_plan_is(game):
    """The moment that starts a card's action ("if ..., then ..."): optional, at most
    200 characters, shown on the page, the print, the download and the results."""
    from game.plans.results_csv import results_csv

    workshop, _, (anna, *_) = game
    trigger = "Als de wethouder maandag belt, plan ik de proeverij"
    phone = phone_of(anna)
    assert save(phone, [{**item("thema-1-1"), "if_then": f"  {trigger} "}]).json()["ok"]
    assert [i.if_then for i in plan_of(anna)] == [trigger]
    assert phone.get(reverse("plan")).context["data"]["items"][0]["if_then"] == trigger
    assert trigger in phone.get(reverse("plan_print")).content.decode()
    assert f"- **Als … dan:** {trigger}" in phone.get(reverse("plan_download")).content.decode()
    header, row = csv_rows(results_csv(workshop))
    assert header[-2:] == ["wanneer", "als … dan"] and row[-1] == trigger
    results = host_client(workshop).get(reverse("host:results", kwargs={"code": workshop.code}))
    assert trigger in results.content.decode()


@pytest.mark.parametrize("if_then", ["x" * 201, 7, ["als"], {"als": "dan"}])
def test_a_wrong_if_then_is_refused_and_changes_nothing(game, if_then):
    _, _, (anna, *_) = game
    plan_save(player=anna, items=[item("thema-1-1")])
    answer = save(phone_of(anna), [{**item("thema-2-2"), "if_then": if_then}])
    assert answer.status_code == 400 and answer.json()["code"] == "bad_message"
    assert [i.card.key for i in plan_of(anna)] == ["thema-1-1"]
