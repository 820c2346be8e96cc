"""Hostile JSON and files at every HTTP endpoint that reads them: nested thousands of
levels deep, numbers of thousands of digits, valid JSON of the wrong shape. Each gets
a 4xx with its code (or the form's message), changes nothing, and logs no traceback."""

import json
import logging

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cards.models import Deck
from game.followups.transfer import export_for_followups
from game.models import PlayerContact, Workshop
from game.plans.selectors import plan_of
from game.plans.services import plan_save
from game.programmes.services import programme_create
from tests.factories import facilitator, playable_deck
from tests.followups.builders import ended_session
from tests.plans.builders import host_client, item, phone_of
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db

NESTED = "[" * 5000 + "]" * 5000
DIGITS = "9" * 5000


@pytest.fixture(autouse=True)
def no_traceback(caplog):
    """Whatever comes in, the server logs no error with a traceback."""
    caplog.set_level(logging.ERROR)
    yield
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR]


@pytest.fixture
def anna():
    _workshop, _table, (anna, _bob) = session_with_table(("Anna", "Bob"), themes=2)
    plan_save(player=anna, items=[item("thema-1-1")])
    return anna


def post_json(client: Client, name: str, body: str):
    return client.post(reverse(name), body, content_type="application/json")


def saved_plan(player) -> list[str]:
    return [i.card.key for i in plan_of(player)]


PLANS = {
    "nested 5,000 levels deep": (NESTED, "bad_message"),
    "nested inside an item": ('[{"card": "thema-1-2", "action": ' + NESTED + "}]", "bad_message"),
    "a number of 5,000 digits": ('[{"card": ' + DIGITS + "}]", "bad_json"),
    "NaN": ('[{"card": "thema-1-2", "action": NaN}]', "bad_json"),
    "a lone surrogate": ('[{"card": "thema-1-2", "action": "\\ud800"}]', "bad_json"),
    "an object, not a list": (json.dumps({"card": "thema-1-2"}), "bad_message"),
    "a card that is a list": (json.dumps([{"card": ["thema-1-2"]}]), "bad_message"),
    "a card that is an object": (json.dumps([{"card": {"thema-1-2": 1}}]), "bad_message"),
    "a card that is a number": (json.dumps([{"card": 7}]), "bad_message"),
    "a later item's card that is a list": (
        json.dumps([item("thema-1-2"), {"card": ["x"]}]),
        "bad_message",
    ),
    "an item that is a list": (json.dumps([["thema-1-2"]]), "bad_message"),
    "an item that is text": (json.dumps(["thema-1-2"]), "bad_message"),
    "an unknown field": (json.dumps([{"card": "thema-1-2", "colour": "red"}]), "bad_message"),
    "an action that is a number": (json.dumps([item("thema-1-2", action=5)]), "bad_message"),
    "an action that is too long": (
        json.dumps([item("thema-1-2", action="x" * 1001)]),
        "bad_message",
    ),
    "an unknown sector": (json.dumps([item("thema-1-2", sector="koning")]), "bad_message"),
    "a sector that is a list": (
        json.dumps([item("thema-1-2", sector=["overheid"])]),
        "bad_message",
    ),
    "six cards": (
        json.dumps([item(f"thema-{t}-{n}") for t in (1, 2) for n in (1, 2, 3)]),
        "bad_message",
    ),
}


@pytest.mark.parametrize(("body", "code"), PLANS.values(), ids=PLANS.keys())
def test_a_hostile_plan_is_refused_and_changes_nothing(anna, body, code):
    answer = post_json(phone_of(anna), "plan_save", body)
    assert answer.status_code == 400
    assert answer.json()["code"] == code and answer.json()["message"]
    assert saved_plan(anna) == ["thema-1-1"]


# The address's body may hold 2,000 bytes.
CONTACTS = {
    "nested 900 levels deep": ("[" * 900 + "]" * 900, "bad_message"),
    "a number of 1,500 digits": (
        '{"email": "a@example.org", "consent": ' + "9" * 1500 + "}",
        "bad_json",
    ),
    "a list": ('["anna@example.org"]', "bad_message"),
    "an address that is a list": (
        '{"email": ["anna@example.org"], "consent": true}',
        "bad_message",
    ),
    "an address that is an object": ('{"email": {"a": 1}, "consent": true}', "bad_message"),
    "consent that is text": ('{"email": "anna@example.org", "consent": "yes"}', "bad_message"),
}


@pytest.mark.parametrize(("body", "code"), CONTACTS.values(), ids=CONTACTS.keys())
def test_a_hostile_address_is_refused_and_changes_nothing(anna, body, code):
    answer = post_json(phone_of(anna), "plan_contact", body)
    assert (answer.status_code, answer.json()["code"]) == (400, code)
    assert not PlayerContact.objects.exists()


# --- the follow-ups file (host_import) ------------------------------------------------------


def import_file(export: dict, change) -> bytes:
    data = json.loads(json.dumps(export))
    change(data)
    return json.dumps(data).encode()


def set_in(path, value):
    def change(data):
        *inner, last = path
        for step in inner:
            data = data[step]
        data[last] = value

    return change


IMPORTS = {
    "a card that is a list": set_in(["players", 0, "plan", 0, "card"], ["thema-1-1"]),
    "a card that is an object": set_in(["players", 0, "plan", 0, "card"], {"a": 1}),
    "a sector that is a list": set_in(["players", 0, "plan", 0, "sector"], ["overheid"]),
    "sent mails that are lists": set_in(["players", 0, "sent"], [["plan"]]),
    "a language that is a list": set_in(["players", 0, "contact", "language"], ["nl"]),
    "a player that is a list": set_in(["players", 0], [1, 2]),
    "a session that is a list": set_in(["session"], ["x"]),
    "weeks that are huge": set_in(["session", "followup_weeks_1"], 10**18),
    "a session name with a line break": set_in(["session", "name"], "Twente\nBcc: x@evil.test"),
}


@pytest.fixture
def importing(tmp_path):
    session = ended_session()
    export = export_for_followups(session.workshop)
    Workshop.objects.filter(pk=session.workshop.pk).update(code="ZZZZZZ")
    host = Client()
    host.force_login(facilitator("hanna"))
    return host, export


def upload(host: Client, content: bytes):
    return host.post(reverse("host:import"), {"file": SimpleUploadedFile("f.json", content)})


@pytest.mark.parametrize("change", IMPORTS.values(), ids=IMPORTS.keys())
def test_a_follow_ups_file_of_the_wrong_shape_is_refused(importing, change):
    host, export = importing
    answer = upload(host, import_file(export, change))
    assert answer.status_code == 400
    assert "kan niet worden ingelezen" in answer.content.decode()
    assert not Workshop.objects.filter(import_key__isnull=False).exists()


@pytest.mark.parametrize(
    ("content", "problem"),
    [(NESTED.encode(), "te diep genest"), (DIGITS.encode(), "geen JSON")],
    ids=["nested 5,000 levels deep", "a number of 5,000 digits"],
)
def test_a_follow_ups_file_that_is_no_json_we_read_is_refused(importing, content, problem):
    host, _export = importing
    answer = upload(host, content)
    assert answer.status_code == 400 and problem in answer.content.decode()
    assert not Workshop.objects.filter(import_key__isnull=False).exists()


# --- the deck studio's JSON upload ----------------------------------------------------------


@pytest.fixture
def studio():
    fenna = facilitator("fenna")
    deck = playable_deck(themes=2, name="Regio Oost", slug="regio-oost", owner=fenna)
    client = Client()
    client.force_login(fenna)
    url = reverse("cards:studio_export", kwargs={"deck": deck.slug, "kind": "json"})
    return client, json.loads(client.get(url).content)


DECKS = {
    "nested 5,000 levels deep": lambda export: NESTED,
    "a deck nested in its about": lambda export: json.dumps(export)[:-1] + ', "x": ' + NESTED + "}",
    "a number of 5,000 digits": lambda export: DIGITS,
    "a card number of 5,000 digits": lambda export: json.dumps(export).replace(
        '"number": 1', '"number": ' + DIGITS, 1
    ),
    "a card number that is huge": lambda export: json.dumps(export).replace(
        '"number": 1', '"number": ' + "9" * 18, 1
    ),
    "themes that are an object": lambda export: json.dumps({**export, "themes": {"a": 1}}),
    "a language that is a list": lambda export: json.dumps({**export, "language": ["nl"]}),
    "a theme that is a list": lambda export: json.dumps({**export, "themes": [[1]]}),
}


@pytest.mark.parametrize("make", DECKS.values(), ids=DECKS.keys())
def test_a_hostile_deck_file_is_refused_and_saves_nothing(studio, make):
    client, export = studio
    decks = Deck.objects.count()
    content = make(export).encode()
    answer = client.post(
        reverse("cards:studio_new"),
        {"source": "json", "json-file": SimpleUploadedFile("d.json", content), "json-name": "X"},
    )
    assert answer.status_code == 400
    assert 'id="problems"' in answer.content.decode()  # the problem, named
    assert Deck.objects.count() == decks


# --- the dashboard's buttons (host_action) ----------------------------------------------------


ACTIONS = {
    "a table of 5,000 digits": ({"action": "start", "table": DIGITS}, "not_found"),
    "a table in superscript digits": ({"action": "start", "table": "²"}, "not_found"),
    "a table that is huge": ({"action": "start", "table": "9" * 25}, "not_found"),
    "a poll of 5,000 digits": ({"action": "poll_open", "poll": DIGITS}, "not_found"),
    "a player of 5,000 digits": ({"action": "remove", "player": DIGITS}, "not_found"),
    "a timing of 5,000 digits": (
        {"action": "timing", "away_after": DIGITS, "stand_in_after": 60, "nudge_after": 30},
        "bad_message",
    ),
    "follow-ups of 5,000 digits": (
        {"action": "followup_times", "followup_weeks_1": DIGITS, "followup_weeks_2": 8},
        "bad_followup_weeks",
    ),
    "an unknown action": ({"action": "x" * 5000}, "unknown_type"),
}


@pytest.mark.parametrize(("data", "code"), ACTIONS.values(), ids=ACTIONS.keys())
def test_a_hostile_button_is_refused_with_its_code(data, code):
    workshop, table, _players = session_with_table(start=False)
    host = host_client(workshop)
    url = reverse("host:action", kwargs={"code": workshop.code})
    answer = host.post(url, data, HTTP_ACCEPT="application/json")
    assert (answer.status_code, answer.json()["code"]) == (400, code)
    table.refresh_from_db()
    assert table.status == "waiting"


# --- ids posted by the organiser's and the studio's buttons -----------------------------------

BAD_IDS = ["abc", "²", "1.5", "-1", "9" * 25, DIGITS]


@pytest.mark.parametrize("value", BAD_IDS)
@pytest.mark.parametrize("action", ["remove_session", "unshare"])
def test_a_hostile_id_on_a_programme_button_is_refused(action, value):
    workshop, _table, _players = session_with_table(start=False)
    programme = programme_create(owner=workshop.facilitator, name="Overijssel")
    programme.sessions.add(workshop)
    url = reverse("host:programme_action", kwargs={"pk": programme.pk})
    answer = host_client(workshop).post(url, {"action": action, "session": value, "user": value})
    assert answer.status_code == 302  # back to the programme, with the refusal
    assert list(programme.sessions.all()) == [workshop]


@pytest.mark.parametrize("value", BAD_IDS)
def test_a_hostile_theme_to_delete_is_not_found_and_deletes_nothing(studio, value):
    client, _export = studio
    url = reverse("cards:studio_theme_delete", kwargs={"deck": "regio-oost"})
    answer = client.post(url, {"theme": value})
    assert answer.status_code == 404
    assert Deck.objects.get(slug="regio-oost").themes.count() == 2
