"""The session's results: the chart of chosen cards, the CSV, the room's top ideas."""

import pytest
from django.test import Client
from django.urls import reverse

from cards.models import Card
from game.plans.results_csv import CSV_COLUMNS
from game.plans.selectors import results, top_ideas
from game.plans.services import plan_save
from tests.factories import facilitator
from tests.plans.builders import host_client, item
from tests.spreadsheets import RESULTS_HEADER_NL, csv_rows

pytestmark = pytest.mark.django_db


def test_the_results_count_the_cards_chosen_per_theme(game):
    workshop, _, players = game
    plan_save(player=players[0], items=[item("thema-1-1"), item("thema-2-1")])
    plan_save(player=players[1], items=[item("thema-1-1")])
    data = results(workshop)
    counts = {entry["card"].key: entry["count"] for row in data["chart"] for entry in row["cards"]}
    assert counts["thema-1-1"] == 2 and counts["thema-2-1"] == 1 and counts["thema-3-1"] == 0
    assert [row["total"] for row in data["chart"]] == [2, 1, 0]
    page = host_client(workshop).get(reverse("host:results", kwargs={"code": workshop.code}))
    assert "Anna" in page.content.decode() and "Bob" in page.content.decode()


def test_the_csv_has_a_row_per_plan_card(game):
    workshop, _, players = game
    plan_save(player=players[0], items=[item("thema-1-1", action='Kroeg, met "quotes"')])
    plan_save(player=players[2], items=[item("thema-2-1", sector="ondernemer", by_when="2027")])
    response = host_client(workshop).get(
        reverse("host:results_csv", kwargs={"code": workshop.code})
    )
    rows = csv_rows(response.content)
    assert rows[0] == RESULTS_HEADER_NL
    assert len(rows[0]) == len(CSV_COLUMNS)
    assert rows[1] == [
        "Anna",
        "1",
        "1",
        "Thema 1",
        "Thema 1 kaart 1",
        'Kroeg, met "quotes"',
        "overheid",
        "juni",
        "",  # no if-then line
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


def test_the_projector_shows_the_top_ideas_of_the_room(game):
    workshop, _, players = game
    plan_save(player=players[0], items=[item("thema-2-3"), item("thema-1-1")])
    plan_save(player=players[1], items=[item("thema-2-3")])
    ideas = top_ideas(workshop)
    assert [(idea["card"].key, idea["count"]) for idea in ideas] == [
        ("thema-2-3", 2),
        ("thema-1-1", 1),
    ]
    page = host_client(workshop).get(reverse("host:projector", kwargs={"code": workshop.code}))
    text = page.content.decode()
    assert "Topideeën van de zaal" in text
    assert text.index("Thema 2 kaart 3") < text.index("Thema 1 kaart 1")


def test_the_cards_the_room_chose_can_be_printed_to_hand_out(game):
    workshop, _, players = game
    plan_save(player=players[0], items=[item("thema-2-1"), item("thema-1-1")])
    plan_save(player=players[1], items=[item("thema-1-1")])
    page = host_client(workshop).get(reverse("host:results", kwargs={"code": workshop.code}))
    html = page.content.decode()
    link = reverse("cards:print", kwargs={"deck": workshop.deck.slug})
    assert f'href="{link}?cards=thema-1-1%2Cthema-2-1"' in html
    printed = Client().get(f"{link}?cards=thema-1-1,thema-2-1")
    assert printed.status_code == 200
    text = printed.content.decode()
    assert "Thema 1 kaart 1" in text and "Thema 2 kaart 1" in text
    assert "Thema 3 kaart 1" not in text


def test_text_a_spreadsheet_would_run_as_a_formula_stays_text_in_the_csv(game):
    """A deck's title or a player's words starting with = + - @ get an apostrophe."""
    workshop, _, players = game
    card = workshop.deck.themes.first().cards.get(number=1)
    Card.objects.filter(pk=card.pk).update(title='=HYPERLINK("http://x")')
    plan_save(player=players[0], items=[item("thema-1-1", action="-5 euro per deelnemer")])
    response = host_client(workshop).get(
        reverse("host:results_csv", kwargs={"code": workshop.code})
    )
    row = csv_rows(response.content)[1]
    assert row[4] == '\'=HYPERLINK("http://x")' and row[5] == "'-5 euro per deelnemer"
