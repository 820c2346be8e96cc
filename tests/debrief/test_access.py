"""Only the session's facilitator (or an admin) opens its debrief and its replays."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.debrief.games import host, written_table
from tests.factories import UserFactory, facilitator
from tests.plans.builders import phone_of
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def urls(workshop, table) -> dict[str, str]:
    return {
        "debrief": reverse("host:debrief", kwargs={"code": workshop.code}),
        "replay": reverse("host:replay", kwargs={"code": workshop.code, "number": table.number}),
        "slides": reverse("host:debrief", kwargs={"code": workshop.code}) + "?fragment=1",
    }


OUTSIDERS = {
    "anonymous": lambda players: Client(),
    "a player's phone": lambda players: phone_of(players[0]),
    "a user who is no facilitator": lambda players: logged_in(UserFactory(username="speler")),
    "another facilitator": lambda players: logged_in(facilitator("otto")),
}


@pytest.mark.parametrize("page", ["debrief", "replay", "slides"])
@pytest.mark.parametrize("who", list(OUTSIDERS))
def test_everyone_but_the_facilitator_is_refused(who, page):
    workshop, table, players = session_with_table(("Anna", "Bert", "Cees"))
    response = OUTSIDERS[who](players).get(urls(workshop, table)[page])
    assert response.status_code in (302, 403, 404)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
    content = response.content.decode()
    assert "Anna" not in content and workshop.name not in content


@pytest.mark.parametrize("page", ["debrief", "replay", "slides"])
def test_the_facilitator_and_an_admin_may(page):
    workshop, table, _players = session_with_table(("Anna", "Bert", "Cees"))
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    for client in (host(workshop), logged_in(admin)):
        response = client.get(urls(workshop, table)[page])
        assert response.status_code == 200
        assert "Anna" in response.content.decode()


def test_a_table_number_the_session_does_not_have_is_not_found():
    mine, _table = written_table()
    other, _table, _players = session_with_table(("Dirk", "Eva"))
    other_table = other.tables.get()
    other_table.number = 2
    other_table.save(update_fields=["number"])
    url = reverse("host:replay", kwargs={"code": mine.code, "number": 2})
    assert host(mine).get(url).status_code == 404
