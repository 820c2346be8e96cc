"""Names are shown isolated (<bdi> or dir="auto") on the facilitator's pages, so a
right-to-left name cannot reorder what is around it, and the CSV holds the name as
it was stored: without the controls someone typed into it."""

import pytest
from django.urls import reverse

from game.plans.results_csv import CSV_COLUMNS
from game.plans.services import plan_save
from tests.plans.builders import host_client, item
from tests.spreadsheets import by_column
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db

NOA = "נועה"  # a Hebrew name: right to left


@pytest.fixture
def played():
    workshop, _table, players = session_with_table((NOA, "Eve\u202egnp.exe", "Bob"))
    plan_save(player=players[0], items=[item("thema-1-1")])
    plan_save(player=players[1], items=[item("thema-1-2")])
    return workshop


def page(workshop, name: str) -> str:
    return host_client(workshop).get(reverse(name, kwargs={"code": workshop.code})).content.decode()


def isolated(html: str, name: str) -> bool:
    return f"<bdi>{name}</bdi>" in html or f'dir="auto">{name}<' in html


def test_the_dashboard_isolates_the_names_at_a_table(played):
    html = page(played, "host:panel")
    assert isolated(html, NOA)


def test_the_projector_isolates_the_names_at_a_table(played):
    html = page(played, "host:projector_panel")
    assert isolated(html, NOA)


def test_the_results_page_isolates_the_names(played):
    html = page(played, "host:results")
    assert isolated(html, NOA)
    assert "\u202e" not in html


def test_the_csv_holds_the_name_without_its_bidi_override(played):
    answer = host_client(played).get(reverse("host:results_csv", kwargs={"code": played.code}))
    names = [row["player"] for row in by_column(answer.content, CSV_COLUMNS)]
    assert sorted(names) == sorted([NOA, "Evegnp.exe"])
