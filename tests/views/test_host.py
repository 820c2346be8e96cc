"""The facilitator's pages: only the session's facilitator (or an admin) runs it."""

import pytest
from django.test import Client
from django.urls import reverse

from game.models import Player, Poll, Table, Workshop
from tests.factories import UserFactory, facilitator, playable_deck
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def game():
    return session_with_table(start=False)


def test_a_facilitator_creates_a_session_with_a_join_code(settings):
    host = facilitator()
    deck = playable_deck(themes=5)
    response = logged_in(host).post(
        reverse("host:home"),
        {
            "name": "Regio Twente",
            "deck": deck.pk,
            "table_size": 5,
            "miss_passes_to": "asked",
            "pause_on_quartet": 0,
        },
    )
    workshop = Workshop.objects.get()
    assert response["Location"] == reverse("host:session", kwargs={"code": workshop.code})
    assert len(workshop.code) == 6
    assert not set(workshop.code) & set("01OIL")


def test_only_playable_decks_are_offered():
    good = playable_deck(themes=2, name="Goed")
    bad = playable_deck(themes=2, name="Kapot")
    bad.themes.first().cards.first().delete()
    form = logged_in(facilitator()).get(reverse("host:home")).context["form"]
    assert list(form.fields["deck"].queryset) == [good]


@pytest.mark.parametrize("name", ["Regio\nTwente", "Regio\r\nBcc: x@evil.test", "Regio\x00"])
def test_a_session_name_with_a_line_break_is_refused(name):
    deck = playable_deck(themes=5)
    fields = {"name": name, "deck": deck.pk, "table_size": 5, "miss_passes_to": "asked"}
    response = logged_in(facilitator()).post(
        reverse("host:home"), {**fields, "pause_on_quartet": 0}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["name"]
    assert not Workshop.objects.exists()


def test_the_dashboard_shows_the_code_and_a_qr_code(game):
    workshop, _, _ = game
    client = logged_in(workshop.facilitator)
    page = client.get(reverse("host:session", kwargs={"code": workshop.code})).content.decode()
    assert workshop.code in page
    qr = client.get(reverse("host:qr", kwargs={"code": workshop.code}))
    assert qr["Content-Type"] == "image/svg+xml"
    assert qr.content.startswith(b"<svg")


def test_the_facilitator_starts_a_table_from_the_dashboard(game):
    workshop, table, _ = game
    response = logged_in(workshop.facilitator).post(
        reverse("host:action", kwargs={"code": workshop.code}),
        {"action": "start", "table": table.pk},
    )
    assert response.status_code == 302
    table.refresh_from_db()
    assert table.status == Table.Status.PLAYING


def test_a_refused_action_answers_with_its_code(game):
    workshop, table, _ = game
    response = logged_in(workshop.facilitator).post(
        reverse("host:action", kwargs={"code": workshop.code}),
        {"action": "resume", "table": table.pk},
        headers={"accept": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["code"] == "not_started"


def test_a_table_of_another_session_is_not_found(game):
    workshop, _, _ = game
    _, other_table, _ = session_with_table(start=False)
    response = logged_in(workshop.facilitator).post(
        reverse("host:action", kwargs={"code": workshop.code}),
        {"action": "start", "table": other_table.pk},
        headers={"accept": "application/json"},
    )
    assert response.json()["code"] == "not_found"
    other_table.refresh_from_db()
    assert other_table.status == Table.Status.WAITING


ACTIONS = [
    ("start", "table"),
    ("arrange", None),
    ("add_bot", "table"),
    ("end", None),
    ("pause_all", None),
    ("remove", "player"),
    ("poll_new", None),
    ("forget_people", None),
]


def outsiders():
    return {
        "anonymous": lambda: Client(),
        "player account": lambda: logged_in(UserFactory(username="speler")),
        "other facilitator": lambda: logged_in(facilitator("otto")),
    }


@pytest.mark.parametrize("who", list(outsiders()))
@pytest.mark.parametrize(("action", "target"), ACTIONS)
def test_everyone_but_the_facilitator_is_refused_every_action(game, who, action, target):
    workshop, table, players = game
    client = outsiders()[who]()
    data = {"action": action, "level": "easy", "question": "Stiekem?", "answers": "Ja\nNee"}
    if target == "table":
        data["table"] = table.pk
    elif target == "player":
        data["player"] = players[0].pk
    response = client.post(reverse("host:action", kwargs={"code": workshop.code}), data)
    assert response.status_code in (302, 403, 404)
    if who == "anonymous":
        assert response["Location"].startswith(reverse("login"))
    table.refresh_from_db()
    workshop.refresh_from_db()
    assert table.status == Table.Status.WAITING
    assert workshop.is_open and not workshop.paused
    assert Player.objects.filter(removed=False).count() == 3
    assert not Poll.objects.exists()


@pytest.mark.parametrize("who", list(outsiders()))
@pytest.mark.parametrize(
    "page", ["host:session", "host:panel", "host:qr", "host:projector", "host:results"]
)
def test_everyone_but_the_facilitator_is_refused_the_pages(game, who, page):
    workshop, _, _ = game
    response = outsiders()[who]().get(reverse(page, kwargs={"code": workshop.code}))
    assert response.status_code in (302, 403, 404)
    assert workshop.name.encode() not in response.content


def test_a_player_with_a_cookie_cannot_run_the_session(game):
    workshop, table, _ = game
    client = Client()
    client.post(reverse("join"), {"code": workshop.code, "name": "Stiekem"})
    response = client.post(
        reverse("host:action", kwargs={"code": workshop.code}),
        {"action": "start", "table": table.pk},
    )
    assert response["Location"].startswith(reverse("login"))
    table.refresh_from_db()
    assert table.status == Table.Status.WAITING


def test_an_admin_can_run_any_session(game):
    workshop, table, _ = game
    admin = UserFactory(username="root", is_superuser=True, is_staff=True)
    logged_in(admin).post(
        reverse("host:action", kwargs={"code": workshop.code}),
        {"action": "start", "table": table.pk},
    )
    table.refresh_from_db()
    assert table.status == Table.Status.PLAYING


def test_the_create_facilitator_command_prints_a_password(capsys):
    from django.contrib.auth import authenticate
    from django.core.management import call_command

    call_command("create_facilitator", "nieuw")
    password = capsys.readouterr().out.split("Password: ")[1].strip()
    user = authenticate(username="nieuw", password=password)
    assert user is not None and user.has_perm("game.host_workshop")


def test_an_ended_sessions_dashboard_no_longer_offers_to_join():
    """Issue 31, item 4: after the end the dashboard still showed "Live", the join link,
    the QR code and the venue warning."""
    from game.table import play as table_play

    workshop, _table, _people = session_with_table(start=False)
    client = Client()
    client.force_login(workshop.facilitator)
    url = reverse("host:session", kwargs={"code": workshop.code})
    page = client.get(url).content.decode()
    assert 'class="join-url"' in page and 'class="qr"' in page
    table_play.workshop_end(workshop=workshop, by=workshop.facilitator)
    page = client.get(url).content.decode()
    for gone in (
        'class="join-url"',
        'class="qr"',
        'class="join-code"',
        "join-warning",
        "join-hint",
    ):
        assert gone not in page, gone
    assert 'data-online="Afgelopen"' in page
    assert "Afgelopen op" in page and "niemand kan meer meedoen" in page
