"""Each player's action plan: at most 5 cards, sectors, editable until the session closes,
only your own, saved as you type."""

import csv
import io
import json
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from game import plans, services
from game.errors import Refused
from game.models import ActionReceipt, PlanItem, Player, Table, TableEvent, Vote, Workshop
from tests.factories import facilitator
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db


def item(card, action="Regionale kroeg organiseren", sector="overheid", by_when="juni"):
    return {"card": card, "action": action, "sector": sector, "by_when": by_when}


def phone_of(player) -> Client:
    from game.consumers import PLAYER_COOKIE, sign_player_token

    client = Client()
    client.cookies[PLAYER_COOKIE] = sign_player_token(player.token)
    return client


def save(client, items):
    return client.post(reverse("plan_save"), json.dumps(items), content_type="application/json")


@pytest.fixture
def game():
    return session_with_table(themes=3)


def test_a_plan_keeps_its_cards_in_order(game):
    _, _, players = game
    plans.plan_save(player=players[0], items=[item("thema-2-1"), item("thema-1-3", sector="")])
    saved = plans.plan_of(players[0])
    assert [(i.position, i.card.key, i.sector) for i in saved] == [
        (1, "thema-2-1", "overheid"),
        (2, "thema-1-3", ""),
    ]


def test_saving_again_replaces_the_plan(game):
    _, _, players = game
    plans.plan_save(player=players[0], items=[item("thema-2-1"), item("thema-1-3")])
    plans.plan_save(player=players[0], items=[item("thema-1-3", action="Anders")])
    assert [(i.card.key, i.action) for i in plans.plan_of(players[0])] == [("thema-1-3", "Anders")]


def test_a_plan_holds_at_most_five_cards(game):
    _, _, players = game
    plans.plan_save(
        player=players[0], items=[item(f"thema-1-{n}") for n in (1, 2, 3, 4)] + [item("thema-2-1")]
    )
    with pytest.raises(Refused) as error:
        plans.plan_save(
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
        ([item("thema-1-1", sector="koning")], "bad_message"),
        ([{"card": "thema-1-1", "colour": "red"}], "bad_message"),
        ([item("thema-1-1", action="x" * 1001)], "bad_message"),
        ([item("thema-1-1", action=5)], "bad_message"),
        ({"card": "thema-1-1"}, "bad_message"),
    ],
)
def test_a_bad_plan_is_refused_and_changes_nothing(game, items, code):
    _, _, players = game
    plans.plan_save(player=players[0], items=[item("thema-3-1")])
    with pytest.raises(Refused) as error:
        plans.plan_save(player=players[0], items=items)
    assert error.value.code == code
    assert [i.card.key for i in plans.plan_of(players[0])] == ["thema-3-1"]


def test_every_sector_of_the_booklet_is_offered(game):
    _, _, players = game
    sectors = ["ondernemer", "overheid", "onderwijs", "intermediair", "anders"]
    plans.plan_save(
        player=players[0],
        items=[item(f"thema-{1 + n // 4}-{1 + n % 4}", sector=s) for n, s in enumerate(sectors)],
    )
    assert [i.sector for i in plans.plan_of(players[0])] == sectors


def test_a_plan_cannot_change_after_the_session_closes(game):
    workshop, _, players = game
    plans.plan_save(player=players[0], items=[item("thema-1-1")])
    services.workshop_end(workshop=workshop, by=workshop.facilitator)
    with pytest.raises(Refused) as error:
        plans.plan_save(player=players[0], items=[])
    assert error.value.code == "session_ended"
    assert PlanItem.objects.count() == 1


def test_autosave_from_the_phone_stores_the_plan(game):
    _, _, players = game
    phone = phone_of(players[0])
    response = save(phone, [item("thema-2-2")])
    assert response.json() == {"ok": True, "count": 1}
    assert phone.get(reverse("plan")).status_code == 200
    assert [i.card.key for i in plans.plan_of(players[0])] == ["thema-2-2"]


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
    plans.plan_save(player=players[0], items=[item("thema-1-1", action="Anna's idee")])
    plans.plan_save(player=players[1], items=[item("thema-1-2", action="Bobs geheime idee")])
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
        services.table_ask(
            player=players[ask.seat], target=ask.target, card=ask.card, action_id=str(state.seq)
        )
        state = game_state(table)
    seat = next(s for s, laid in enumerate(state.laid) if laid)
    page = phone_of(players[seat]).get(reverse("plan"))
    themes = page.context["data"]["themes"]
    assert themes[0]["key"] == state.laid[seat][0] and themes[0]["collected"]


# --- results ---------------------------------------------------------------------------------


def host_client(workshop) -> Client:
    client = Client()
    client.force_login(workshop.facilitator)
    return client


def test_the_results_count_the_cards_chosen_per_theme(game):
    workshop, _, players = game
    plans.plan_save(player=players[0], items=[item("thema-1-1"), item("thema-2-1")])
    plans.plan_save(player=players[1], items=[item("thema-1-1")])
    data = plans.results(workshop)
    counts = {entry["card"].key: entry["count"] for row in data["chart"] for entry in row["cards"]}
    assert counts["thema-1-1"] == 2 and counts["thema-2-1"] == 1 and counts["thema-3-1"] == 0
    assert [row["total"] for row in data["chart"]] == [2, 1, 0]
    page = host_client(workshop).get(reverse("host:results", kwargs={"code": workshop.code}))
    assert "Anna" in page.content.decode() and "Bob" in page.content.decode()


def test_the_csv_has_a_row_per_plan_card(game):
    workshop, _, players = game
    plans.plan_save(player=players[0], items=[item("thema-1-1", action='Kroeg, met "quotes"')])
    plans.plan_save(
        player=players[2], items=[item("thema-2-1", sector="ondernemer", by_when="2027")]
    )
    response = host_client(workshop).get(
        reverse("host:results_csv", kwargs={"code": workshop.code})
    )
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == plans.CSV_COLUMNS
    assert rows[1] == [
        "Anna",
        "1",
        "1",
        "Thema 1",
        "Thema 1 kaart 1",
        'Kroeg, met "quotes"',
        "overheid",
        "juni",
    ]
    assert rows[2][0] == "Cees" and rows[2][6] == "ondernemer" and rows[2][7] == "2027"
    assert len(rows) == 3


def test_results_are_for_the_sessions_facilitator_only(game):
    workshop, _, _ = game
    other = Client()
    other.force_login(facilitator("otto"))
    for name in ("host:results", "host:results_csv"):
        url = reverse(name, kwargs={"code": workshop.code})
        assert other.get(url).status_code == 404
        assert Client().get(url).status_code == 302


# --- personal data ---------------------------------------------------------------------------


def personal_rows(workshop) -> int:
    return (
        Player.objects.filter(workshop=workshop).count()
        + PlanItem.objects.filter(player__workshop=workshop).count()
        + Vote.objects.filter(poll__workshop=workshop).count()
        + ActionReceipt.objects.filter(player__workshop=workshop).count()
    )


def test_the_facilitator_deletes_every_name_plan_and_vote(game):
    from game import engine
    from tests.tables import game_state

    workshop, table, players = game
    state = game_state(table)
    ask = engine.legal_actions(state, state.turn)[0]
    services.table_ask(player=players[ask.seat], target=ask.target, card=ask.card, action_id="a")
    plans.plan_save(player=players[0], items=[item("thema-1-1")])
    other_workshop, _, other_players = session_with_table(("Zoë", "Yara"))
    plans.plan_save(player=other_players[0], items=[item("thema-1-1")])
    assert personal_rows(workshop) > 3

    response = host_client(workshop).post(
        reverse("host:action", kwargs={"code": workshop.code}), {"action": "forget_people"}
    )
    assert response.status_code == 302
    assert personal_rows(workshop) == 0
    names = {"Anna", "Bob", "Cees"}
    leftovers = [e.data for e in TableEvent.objects.filter(table__workshop=workshop)]
    assert not any(name in json.dumps(leftovers) for name in names)
    assert personal_rows(other_workshop) == 3  # another session is untouched


def test_old_sessions_are_purged_completely(game):
    workshop, _, players = game
    plans.plan_save(player=players[0], items=[item("thema-1-1")])
    recent, _, _ = session_with_table(("Zoë",), start=False)
    Workshop.objects.filter(pk=workshop.pk).update(created=timezone.now() - timedelta(days=31))
    out = io.StringIO()
    call_command("purge_sessions", "--days", "30", stdout=out)
    assert "Deleted 1 session(s)" in out.getvalue()
    assert not Workshop.objects.filter(pk=workshop.pk).exists()
    assert not Table.objects.filter(workshop_id=workshop.pk).exists()
    assert personal_rows(workshop) == 0
    assert Workshop.objects.filter(pk=recent.pk).exists()


def test_the_projector_shows_the_top_ideas_of_the_room(game):
    workshop, _, players = game
    plans.plan_save(player=players[0], items=[item("thema-2-3"), item("thema-1-1")])
    plans.plan_save(player=players[1], items=[item("thema-2-3")])
    ideas = plans.top_ideas(workshop)
    assert [(idea["card"].key, idea["count"]) for idea in ideas] == [
        ("thema-2-3", 2),
        ("thema-1-1", 1),
    ]
    page = host_client(workshop).get(reverse("host:projector", kwargs={"code": workshop.code}))
    text = page.content.decode()
    assert "Topideeën van de zaal" in text
    assert text.index("Thema 2 kaart 3") < text.index("Thema 1 kaart 1")
