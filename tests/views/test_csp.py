"""Every page sends the Content-Security-Policy, and no page needs more than it allows:
no inline script with code, no inline event handler, no javascript: URL. Whether the
pages also work under it in a browser: tests/browser/test_csp.py."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from game.plans.services import plan_save
from tests.plans.builders import host_client, item, phone_of
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "connect-src": "'self' ws://testserver wss://testserver",
    "img-src": "'self' data:",
    "style-src": "'self'",
    "style-src-attr": "'unsafe-inline'",
    "frame-ancestors": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
}

# <script> elements: only with a src, or a data block (json_script) that never runs.
SCRIPT_TAG = re.compile(r"<script\b([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)
HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)
JS_URL = re.compile(r"""(href|src|action)\s*=\s*["']?\s*javascript:""", re.IGNORECASE)


def policy_of(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";"))


def inline_code(html: str) -> list[str]:
    """Whatever in the page would need 'unsafe-inline' for scripts."""
    found = [
        match.group(0)[:120]
        for match in SCRIPT_TAG.finditer(html)
        if "src=" not in match.group(1)
        and 'type="application/json"' not in match.group(1)
        and match.group(2).strip()
    ]
    found += [match.group(0)[:120] for match in HANDLER.finditer(html)]
    found += [match.group(0) for match in JS_URL.finditer(html)]
    return found


@pytest.fixture
def played():
    """A started table of three, a plan saved, a host and an admin client."""
    workshop, table, players = session_with_table()
    plan_save(player=players[0], items=[item("thema-1-1")])
    return workshop, table, players


def host_pages(workshop) -> list[str]:
    code = {"code": workshop.code}
    return [
        reverse("host:home"),
        reverse("host:session", kwargs=code),
        reverse("host:panel", kwargs=code),
        reverse("host:projector", kwargs=code),
        reverse("host:projector_panel", kwargs=code),
        reverse("host:results", kwargs=code),
    ]


def card_pages(workshop) -> list[str]:
    deck = workshop.deck.slug
    return [
        reverse("cards:deck", kwargs={"deck": deck}),
        reverse("cards:about", kwargs={"deck": deck}),
        reverse("cards:theme", kwargs={"deck": deck, "theme": "thema-1"}),
        reverse("cards:card", kwargs={"deck": deck, "theme": "thema-1", "number": 2}),
        reverse("cards:card", kwargs={"deck": deck, "theme": "thema-1", "number": 2})
        + "?fragment=1",
    ]


def admin_pages(workshop) -> list[str]:
    return [
        reverse("admin:index"),
        reverse("admin:game_workshop_changelist"),
        reverse("admin:game_workshop_change", args=[workshop.pk]),
        reverse("admin:cards_card_changelist"),
        reverse("admin:cards_card_change", args=[workshop.deck.themes.first().cards.first().pk]),
        reverse("admin:cards_deck_add"),
    ]


def pages(played, admin_client_logged_in) -> list[tuple[str, Client, str]]:
    workshop, _, players = played
    phone, host = phone_of(players[0]), host_client(workshop)
    anonymous = Client()
    return [
        *[(url, anonymous, "public") for url in (reverse("join"), reverse("login"))],
        (reverse("admin:login"), anonymous, "admin login"),
        *[(url, phone, "phone") for url in (reverse("play"), reverse("plan"))],
        (reverse("plan_print"), phone, "phone"),
        *[(url, host, "host") for url in host_pages(workshop)],
        *[(url, anonymous, "cards") for url in card_pages(workshop)],
        *[(url, admin_client_logged_in, "admin") for url in admin_pages(workshop)],
    ]


def test_every_page_sends_the_policy_and_needs_no_inline_script(played, admin_client_logged_in):
    checked = []
    for url, client, who in pages(played, admin_client_logged_in):
        response = client.get(url)
        assert response.status_code == 200, (url, who, response.status_code)
        assert policy_of(response) == POLICY, url
        assert not inline_code(response.content.decode()), (url, inline_code(response.content))
        checked.append(url)
    assert len(checked) == 23


def test_answers_that_are_not_pages_carry_the_policy_too(played):
    workshop, _, players = played
    host = host_client(workshop)
    code = {"code": workshop.code}
    for response in (
        host.get(reverse("host:qr", kwargs=code)),
        host.get(reverse("host:results_csv", kwargs=code)),
        phone_of(players[0]).get(reverse("plan_download")),
        Client().post(reverse("join"), {"code": "ZZZZZZ", "name": "Anna"}),  # 400
        Client().get("/kaarten/geen-deck/"),  # 404
        Client().get(reverse("cards:home")),  # the front page
    ):
        assert policy_of(response) == POLICY


def test_the_sockets_host_follows_the_host_the_page_came_from(played, settings):
    settings.ALLOWED_HOSTS = ["kwartet.example.org", "192.168.1.20"]
    for host in ("kwartet.example.org", "192.168.1.20:8000"):
        response = Client(HTTP_HOST=host).get(reverse("join"))
        assert policy_of(response)["connect-src"] == f"'self' ws://{host} wss://{host}"


def test_an_ipv6_host_gets_no_socket_source_csp_could_not_parse(played, settings):
    settings.ALLOWED_HOSTS = ["[::1]"]
    response = Client(HTTP_HOST="[::1]:8000").get(reverse("join"))
    assert response.status_code == 200
    assert policy_of(response)["connect-src"] == "'self'"


def test_an_unknown_host_is_refused_with_the_policy_and_no_socket_source(played):
    response = Client(HTTP_HOST="evil.example").get(reverse("join"))
    assert response.status_code == 400
    assert policy_of(response)["connect-src"] == "'self'"


def test_the_inline_code_check_finds_what_it_should():
    assert inline_code('<button onclick="x()">') and inline_code("<script>go()</script>")
    assert inline_code('<a href="javascript:void(0)">')
    assert not inline_code('<script id="d" type="application/json">{"a": 1}</script>')
    assert not inline_code('<script src="/static/a.js" defer></script>')
