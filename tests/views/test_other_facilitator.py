"""Tenancy, written as the other facilitator: Otto tries every path that names a deck,
session, programme, table, player or poll of Fenna's by its key. He gets the answer a key
that does not exist gets (the same status and the same page), and nothing of hers
changes."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from channels.db import database_sync_to_async as db
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cards.models import Card, Deck
from game.errors import Refused
from game.models import Circle, Helper, Player, Poll, Programme, Table, Workshop
from game.room import polls, seating, sessions
from game.table import play
from tests.factories import facilitator, playable_deck
from tests.followups.builders import ended_session
from tests.tables import host_socket

pytestmark = pytest.mark.django_db

NO_CODE = "ZZZZZZ"
NO_SLUG = "geen-spel"
NO_PK = 987_654


@pytest.fixture
def fenna():
    return facilitator("fenna")


@pytest.fixture
def otto():
    """The other facilitator."""
    return facilitator("otto")


@pytest.fixture
def deck(fenna) -> Deck:
    """Fenna's private deck: not published, shared with no one."""
    return playable_deck(
        themes=3, name="Regio Oost", slug="regio-oost", owner=fenna, published=False
    )


@pytest.fixture
def session(fenna, deck) -> Workshop:
    """Fenna's session on her private deck: three players at a started table, a poll."""
    workshop = sessions.workshop_create(facilitator=fenna, name="Sessie van Fenna", deck=deck)
    for name in ("Anna", "Bob", "Cees"):
        sessions.player_join(code=workshop.code, name=name)
    table = seating.tables_arrange(workshop=workshop, by=fenna)[0]
    play.table_start(table=table, by=fenna, seed=7)
    polls.poll_create(workshop=workshop, by=fenna, question="Klaar?", answers=["Ja", "Nee"])
    return workshop


@pytest.fixture
def own_session(otto) -> Workshop:
    """Otto's own session, on a published deck: the place his forms post to."""
    workshop = sessions.workshop_create(
        facilitator=otto, name="Sessie van Otto", deck=playable_deck()
    )
    for name in ("Dirk", "Eva", "Fien"):
        sessions.player_join(code=workshop.code, name=name)
    seating.tables_arrange(workshop=workshop, by=otto)
    return workshop


@pytest.fixture
def programme(fenna, session) -> Programme:
    programme = Programme.objects.create(owner=fenna, name="Overijssel 2027")
    programme.sessions.add(session)
    return programme


@pytest.fixture
def as_otto(otto) -> Client:
    client = Client()
    client.force_login(otto)
    return client


# --- comparing answers ---------------------------------------------------------------------------

# What differs between two renderings of the same page: the CSRF token and the CSP nonce.
PER_REQUEST = re.compile(rb'(csrfmiddlewaretoken" value="|nonce=")[^"]*')


def body(response, echoes: dict[str, str] | None = None) -> bytes:
    content = PER_REQUEST.sub(rb"\1", response.content)
    for key, missing in (echoes or {}).items():
        content = content.replace(key.encode(), missing.encode())
    return content


def assert_same_answer(theirs, none, *, echoes: dict[str, str] | None = None) -> None:
    """``theirs`` (for Fenna's key) answers as ``none`` (for a key that does not exist);
    ``echoes``: where a page repeats the key it was given, Fenna's and the missing one."""
    assert theirs.status_code == none.status_code
    assert theirs.get("Location") == none.get("Location")
    assert body(theirs, echoes) == body(none)


def snapshot(workshop: Workshop) -> dict:
    """What Otto must not change of Fenna's session."""
    workshop.refresh_from_db()
    return {
        "workshop": (
            workshop.status,
            workshop.paused,
            workshop.followups_moved,
            workshop.plan_phase,
        ),
        "tables": list(Table.objects.filter(workshop=workshop).values_list("status", "seq")),
        "players": list(
            Player.objects.filter(workshop=workshop).values_list("removed", "table_id", "bot_level")
        ),
        "polls": list(Poll.objects.filter(workshop=workshop).values_list("status", flat=True)),
    }


# --- the session's pages, by join code -------------------------------------------------------------

SESSION_PAGES = [
    "host:session",
    "host:panel",
    "host:qr",
    "host:projector",
    "host:projector_panel",
    "host:results",
    "host:results_csv",
    "host:debrief",
]


@pytest.mark.parametrize("page", SESSION_PAGES)
def test_another_facilitators_session_pages_answer_as_a_code_that_does_not_exist(
    as_otto, session, page
):
    theirs = as_otto.get(reverse(page, kwargs={"code": session.code}))
    none = as_otto.get(reverse(page, kwargs={"code": NO_CODE}))
    assert theirs.status_code == 404
    assert_same_answer(theirs, none)


def test_another_facilitators_replay_answers_as_a_code_that_does_not_exist(as_otto, session):
    table = session.tables.get()
    theirs = as_otto.get(
        reverse("host:replay", kwargs={"code": session.code, "number": table.number})
    )
    none = as_otto.get(reverse("host:replay", kwargs={"code": NO_CODE, "number": table.number}))
    assert theirs.status_code == 404
    assert_same_answer(theirs, none)


DASHBOARD_ACTIONS = [
    "start",
    "pause",
    "add_bot",
    "remove",
    "replace",
    "stand_in",
    "poll_open",
    "poll_close",
    "arrange",
    "pause_all",
    "plan_phase",
    "plan_phase_end",
    "end",
    "forget_people",
]


@pytest.mark.parametrize("action", DASHBOARD_ACTIONS)
def test_another_facilitators_dashboard_buttons_answer_as_a_code_that_does_not_exist(
    as_otto, session, action
):
    before = snapshot(session)
    player = session.players.first()
    data = {
        "action": action,
        "table": session.tables.get().pk,
        "player": player.pk,
        "poll": session.polls.get().pk,
        "level": "easy",
    }
    theirs = as_otto.post(reverse("host:action", kwargs={"code": session.code}), data)
    none = as_otto.post(reverse("host:action", kwargs={"code": NO_CODE}), data)
    assert theirs.status_code == 404
    assert_same_answer(theirs, none)
    assert snapshot(session) == before


# On Otto's own dashboard, with the ids of Fenna's table, player or poll.
KEYED_ACTIONS = [
    ("start", {"table"}),
    ("pause", {"table"}),
    ("add_bot", {"table"}),
    ("move", {"player", "table"}),
    ("remove", {"player"}),
    ("replace", {"player"}),
    ("stand_in", {"player"}),
    ("poll_open", {"poll"}),
    ("poll_close", {"poll"}),
]


@pytest.mark.parametrize(("action", "names"), KEYED_ACTIONS)
def test_ids_of_another_facilitators_session_answer_as_ids_that_do_not_exist(
    as_otto, session, own_session, action, names
):
    before = snapshot(session)
    hers = {
        "table": session.tables.get().pk,
        "player": session.players.first().pk,
        "poll": session.polls.get().pk,
    }
    own = {
        "table": own_session.tables.get().pk,
        "player": own_session.players.first().pk,
    }
    url = reverse("host:action", kwargs={"code": own_session.code})
    for name in names:
        theirs_data = {**own, "action": action, "level": "easy", name: hers[name]}
        none_data = {**own, "action": action, "level": "easy", name: NO_PK}
        theirs = as_otto.post(url, theirs_data, headers={"accept": "application/json"})
        none = as_otto.post(url, none_data, headers={"accept": "application/json"})
        assert theirs.status_code == 400
        assert theirs.json()["code"] == "not_found"
        assert_same_answer(theirs, none)
    assert snapshot(session) == before


# --- the dashboard socket ----------------------------------------------------------------------------


async def refusal_of_socket(code: str, user) -> tuple[dict, dict]:
    socket = host_socket(code, user)
    await socket.connect()
    message = await socket.receive_json_from()
    closed = await socket.receive_output()
    return message, closed


@pytest.mark.django_db(transaction=True)
async def test_another_facilitators_dashboard_socket_answers_as_a_code_that_does_not_exist():
    fenna = await db(facilitator)("fenna")
    otto = await db(facilitator)("otto")
    deck = await db(playable_deck)(themes=3, owner=fenna, published=False)
    workshop = await db(sessions.workshop_create)(facilitator=fenna, name="Fenna", deck=deck)
    theirs = await refusal_of_socket(workshop.code, otto)
    none = await refusal_of_socket(NO_CODE, otto)
    assert theirs[0]["code"] == "forbidden"
    assert theirs == none


# --- programmes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("page", "extra"),
    [
        ("host:programme", {}),
        ("host:programme_csv", {}),
        ("host:programme_xlsx", {}),
        ("host:programme_helpers_file", {"kind": "csv"}),
        ("host:programme_helpers_file", {"kind": "xlsx"}),
    ],
)
def test_another_facilitators_programme_pages_answer_as_one_that_does_not_exist(
    as_otto, programme, page, extra
):
    theirs = as_otto.get(reverse(page, kwargs={"pk": programme.pk, **extra}))
    none = as_otto.get(reverse(page, kwargs={"pk": NO_PK, **extra}))
    assert theirs.status_code == 404
    assert_same_answer(theirs, none)


@pytest.mark.parametrize(
    "action",
    [
        "add_session",
        "remove_session",
        "share",
        "unshare",
        "rename",
        "delete",
        "helper_add",
        "helper_edit",
        "helper_delete",
        "circles_propose",
        "circle_change",
        "circle_move",
        "circle_invite",
        "circle_close",
    ],
)
def test_another_facilitators_programme_actions_answer_as_one_that_does_not_exist(
    as_otto, otto, programme, own_session, action
):
    helper = Helper.objects.create(programme=programme, name="Ans", offer="Advies")
    circle = Circle.objects.create(programme=programme, name="Kring")
    data = {
        "action": action,
        "code": own_session.code,
        "session": programme.sessions.get().pk,
        "username": "otto",
        "user": otto.pk,
        "name": "Van Otto",
        "offer": "Van Otto",
        "helper": helper.pk,
        "circle": circle.pk,
        "member": 1,
    }
    theirs = as_otto.post(reverse("host:programme_action", kwargs={"pk": programme.pk}), data)
    none = as_otto.post(reverse("host:programme_action", kwargs={"pk": NO_PK}), data)
    assert theirs.status_code == 404
    assert_same_answer(theirs, none)
    programme.refresh_from_db()
    assert programme.name == "Overijssel 2027"
    assert programme.sessions.count() == 1 and not programme.shared_with.exists()
    assert list(programme.helpers.values_list("name", "offer")) == [("Ans", "Advies")]
    assert list(programme.circles.values_list("name", "invited", "closed")) == [
        ("Kring", None, None)
    ]


def test_another_facilitators_session_is_added_to_a_programme_as_a_code_that_does_not_exist(
    as_otto, otto, session
):
    own = Programme.objects.create(owner=otto, name="Twente")
    url = reverse("host:programme_action", kwargs={"pk": own.pk})
    theirs = as_otto.post(url, {"action": "add_session", "code": session.code}, follow=True)
    none = as_otto.post(url, {"action": "add_session", "code": NO_CODE}, follow=True)
    assert Refused("not_your_session", code=session.code).message() in theirs.content.decode()
    assert_same_answer(theirs, none, echoes={session.code: NO_CODE})
    assert not own.sessions.exists()


def test_another_facilitators_session_is_taken_out_of_a_programme_as_one_that_does_not_exist(
    as_otto, otto, session
):
    own = Programme.objects.create(owner=otto, name="Twente")
    url = reverse("host:programme_action", kwargs={"pk": own.pk})
    theirs = as_otto.post(url, {"action": "remove_session", "session": session.pk}, follow=True)
    none = as_otto.post(url, {"action": "remove_session", "session": NO_PK}, follow=True)
    assert Refused("not_found").message() in theirs.content.decode()
    assert_same_answer(theirs, none)


# --- a new session: the deck chosen ---------------------------------------------------------------


def test_another_facilitators_deck_is_refused_for_a_new_session_as_one_that_does_not_exist(
    as_otto, otto, deck
):
    form = {"name": "Met het spel van Fenna", "table_size": 5, "miss_passes_to": "asked"}
    form["pause_on_quartet"] = 0
    theirs = as_otto.post(reverse("host:home"), {**form, "deck": deck.pk})
    none = as_otto.post(reverse("host:home"), {**form, "deck": NO_PK})
    assert theirs.status_code == 200 and "deck" in theirs.context["form"].errors
    assert_same_answer(theirs, none)
    assert not Workshop.objects.filter(facilitator=otto).exists()


# --- the deck studio ------------------------------------------------------------------------------

STUDIO_DECK_ACTIONS = (  # the deck page's forms, a URL each
    "studio_deck_settings",
    "studio_themes_save",
    "studio_theme_add",
    "studio_theme_delete",
    "studio_deck_share",
    "studio_deck_publish",
    "studio_deck_delete",
)


def studio_urls(slug: str) -> list[tuple[str, str, dict]]:
    """(method, url, data) of every studio path that names a deck by its slug."""
    card = {"deck": slug, "theme": "thema-1", "number": 1}
    urls = [
        ("get", reverse("cards:studio_deck", kwargs={"deck": slug}), {}),
        ("get", reverse("cards:studio_card", kwargs=card), {}),
        ("post", reverse("cards:studio_card", kwargs=card), {"title": "Van Otto"}),
    ]
    for kind in ("csv", "xlsx", "json"):
        urls.append(
            ("get", reverse("cards:studio_export", kwargs={"deck": slug, "kind": kind}), {})
        )
    for action in STUDIO_DECK_ACTIONS:
        data = {"name": "Van Otto", "published": "1", "usernames": "otto", "theme": NO_PK}
        urls.append(("post", reverse(f"cards:{action}", kwargs={"deck": slug}), data))
    return urls


@pytest.mark.parametrize("n", range(len(studio_urls("x"))))
def test_another_facilitators_deck_in_the_studio_answers_as_one_that_does_not_exist(
    as_otto, deck, n
):
    method, theirs_url, data = studio_urls(deck.slug)[n]
    _, none_url, _ = studio_urls(NO_SLUG)[n]
    theirs = getattr(as_otto, method)(theirs_url, data)
    none = getattr(as_otto, method)(none_url, data)
    assert theirs.status_code == 404
    assert_same_answer(theirs, none)
    deck.refresh_from_db()
    assert deck.name == "Regio Oost" and not deck.published and not deck.shared_with.exists()
    assert not Card.objects.filter(title="Van Otto").exists()


def test_another_facilitators_deck_is_not_copied_as_one_that_does_not_exist(as_otto, otto, deck):
    url = reverse("cards:studio_new")
    theirs = as_otto.post(url, {"source": "copy", "deck": deck.pk, "name": "Kopie"})
    none = as_otto.post(url, {"source": "copy", "deck": NO_PK, "name": "Kopie"})
    assert theirs.status_code == 400
    assert_same_answer(theirs, none)
    assert not Deck.objects.filter(owner=otto).exists()


def test_another_facilitators_theme_is_not_deleted_from_his_deck_as_one_that_does_not_exist(
    as_otto, otto, deck
):
    own = playable_deck(themes=3, owner=otto, published=False)
    hers = deck.themes.first()
    url = reverse("cards:studio_theme_delete", kwargs={"deck": own.slug})
    theirs = as_otto.post(url, {"theme": hers.pk})
    none = as_otto.post(url, {"theme": NO_PK})
    assert theirs.status_code == 404
    assert_same_answer(theirs, none)
    assert deck.themes.filter(pk=hers.pk).exists() and own.themes.count() == 3


# --- the card pages of a private deck and of the version a session plays -----------------------------


def card_pages(slug: str) -> list[str]:
    card = {"deck": slug, "theme": "thema-1", "number": 1}
    return [
        reverse("cards:deck", kwargs={"deck": slug}),
        reverse("cards:about", kwargs={"deck": slug}),
        reverse("cards:print", kwargs={"deck": slug}),
        reverse("cards:print", kwargs={"deck": slug}) + "?cards=thema-1-1",
        reverse("cards:theme", kwargs={"deck": slug, "theme": "thema-1"}),
        reverse("cards:theme", kwargs={"deck": slug, "theme": "thema-1"}) + "?fragment=1",
        reverse("cards:card", kwargs=card),
        reverse("cards:card", kwargs=card) + "?fragment=1",
    ]


@pytest.mark.parametrize("which", ["the deck", "the version her session plays"])
@pytest.mark.parametrize("n", range(len(card_pages("x"))))
def test_another_facilitators_private_card_pages_answer_as_a_deck_that_does_not_exist(
    as_otto, deck, session, which, n
):
    slug = deck.slug if which == "the deck" else session.deck.slug
    theirs = as_otto.get(card_pages(slug)[n])
    none = as_otto.get(card_pages(NO_SLUG)[n])
    assert theirs.status_code == 404
    assert_same_answer(theirs, none)


def test_another_facilitators_card_is_not_printed_with_his_deck_as_one_that_does_not_exist(
    as_otto, otto, deck
):
    own = playable_deck(themes=3, owner=otto, published=False)
    hers = Card.objects.filter(theme__deck=deck).first()
    url = reverse("cards:print", kwargs={"deck": own.slug})
    theirs = as_otto.get(url, {"cards": hers.pk})
    none = as_otto.get(url, {"cards": NO_PK})
    assert theirs.status_code == 400 and theirs.context["unknown"] == [str(hers.pk)]
    assert hers.title.encode() not in theirs.content
    assert_same_answer(
        theirs, none, echoes={f": {hers.pk}.": f": {NO_PK}.", f"cards={hers.pk}": f"cards={NO_PK}"}
    )


# --- the import of a laptop's follow-ups ------------------------------------------------------------


def followups_file(tmp_path, otto) -> dict:
    """Otto's own follow-ups export from a laptop (``export_session --for-followups``)."""
    laptop = ended_session()
    Workshop.objects.filter(pk=laptop.workshop.pk).update(facilitator=otto)
    path = tmp_path / "followups.json"
    call_command(
        "export_session",
        laptop.workshop.code,
        "--for-followups",
        "-o",
        str(path),
        stdout=StringIO(),
    )
    # The hosted server is this database too: make the laptop's session another one.
    Workshop.objects.filter(pk=laptop.workshop.pk).update(code=NO_CODE)
    return json.loads(path.read_text())


def upload(client: Client, data: dict):
    content = json.dumps(data).encode()
    return client.post(
        reverse("host:import"), {"file": SimpleUploadedFile("f.json", content, "application/json")}
    )


def with_deck_slug(data: dict, slug: str) -> dict:
    changed = json.loads(json.dumps(data))
    changed["session"]["deck"]["slug"] = slug
    return changed


def test_an_import_naming_another_facilitators_private_deck_is_refused_as_an_unknown_deck(
    tmp_path, as_otto, otto, deck
):
    data = followups_file(tmp_path, otto)
    before = Workshop.objects.count()
    theirs = upload(as_otto, with_deck_slug(data, deck.slug))
    none = upload(as_otto, with_deck_slug(data, NO_SLUG))
    assert theirs.status_code == 400
    assert_same_answer(theirs, none, echoes={deck.slug: NO_SLUG})
    assert Workshop.objects.count() == before
    assert not Deck.objects.filter(source=deck).exists()  # no version of hers was made


def test_after_the_refused_import_her_private_decks_pages_stay_404_for_him(
    tmp_path, as_otto, otto, deck, session
):
    """Her own session plays a version of the deck: his import would have played it too."""
    upload(as_otto, with_deck_slug(followups_file(tmp_path, otto), deck.slug))
    for slug in (deck.slug, session.deck.slug):
        for url in card_pages(slug):
            assert as_otto.get(url).status_code == 404, url


def test_an_import_of_a_deck_shared_with_him_is_accepted(tmp_path, as_otto, otto, deck):
    deck.shared_with.add(otto)
    answer = upload(as_otto, with_deck_slug(followups_file(tmp_path, otto), deck.slug))
    assert answer.status_code == 302
    assert Workshop.objects.get(import_key__isnull=False).facilitator == otto


def test_an_import_naming_her_sessions_join_code_makes_his_own_session_and_leaves_hers(
    tmp_path, as_otto, otto, session
):
    before = snapshot(session)
    data = followups_file(tmp_path, otto)
    data["session"]["code"] = session.code
    assert upload(as_otto, data).status_code == 302
    imported = Workshop.objects.get(import_key__isnull=False)
    assert imported.facilitator == otto and imported.code != session.code
    assert snapshot(session) == before
    assert as_otto.get(reverse("host:session", kwargs={"code": session.code})).status_code == 404


def test_a_file_she_imported_before_changes_nothing_of_hers_when_he_uploads_it(
    tmp_path, as_otto, fenna, otto
):
    """The file is the key here: who holds it learns it was imported, and nothing more."""
    data = followups_file(tmp_path, otto)
    as_fenna = Client()
    as_fenna.force_login(fenna)
    assert upload(as_fenna, data).status_code == 302
    hers = Workshop.objects.get(import_key__isnull=False)
    answer = upload(as_otto, data)
    assert answer.status_code == 302 and answer["Location"] == reverse("host:home")
    assert Workshop.objects.filter(import_key__isnull=False).count() == 1
    assert Workshop.objects.get(pk=hers.pk).facilitator == fenna
    assert as_otto.get(reverse("host:results", kwargs={"code": hers.code})).status_code == 404
