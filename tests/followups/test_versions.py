"""Follow-ups with decks of their own (the deck studio): a mail's card links open for the
player on any device even when the deck is not published; a programme counts a card
once across the versions its sessions played; a session moved from a laptop plays this
server's version of its deck."""

from __future__ import annotations

import json
from io import StringIO
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.management import call_command
from django.test import Client

from cards import studio
from cards.models import Card, Deck
from game.followups.links import CARD_READER, card_link
from game.models import PlanItem, Workshop
from game.programmes.selectors import card_figures
from game.programmes.services import programme_add_session, programme_create
from tests.factories import facilitator
from tests.followups.builders import BASE, ended_session, path_of

pytestmark = pytest.mark.django_db


def test_a_card_link_of_a_deck_that_is_not_published_opens_for_whoever_holds_the_mail():
    session = ended_session()
    card = PlanItem.objects.filter(player=session.players[0]).first().card
    published = card_link(card, BASE)
    assert "?" not in published  # a published deck's pages are open to all
    Deck.objects.filter(pk=card.theme.deck.base.pk).update(published=False)
    card = Card.objects.select_related("theme__deck__source").get(pk=card.pk)
    link = card_link(card, BASE)
    assert CARD_READER in parse_qs(urlsplit(link).query)
    stranger = Client()  # another phone, a mail program's browser: no cookie
    page = stranger.get(path_of(link))
    assert page.status_code == 200 and card.title in page.content.decode()
    assert stranger.get(urlsplit(link).path).status_code == 404  # without the link's key
    other = Deck.objects.exclude(pk=card.theme.deck.pk).first()
    forged = card_link(Card.objects.filter(theme__deck=other).first(), BASE)
    key = parse_qs(urlsplit(forged).query).get(CARD_READER)
    if key:  # another deck's key does not open this one
        assert stranger.get(urlsplit(link).path, {CARD_READER: key[0]}).status_code == 404
    tampered = stranger.get(urlsplit(link).path, {CARD_READER: "1:abc:def"})
    assert tampered.status_code == 404


def test_a_programme_counts_a_card_once_across_the_versions_its_sessions_played():
    first = ended_session()
    base = first.workshop.deck.base
    # The deck changes; the next session plays a new version of it.
    theme = base.themes.order_by("order").first()
    theme.cards.filter(number=1).update(title="Een nieuwe titel")
    second_version = studio.deck_version_for_session(deck=base)
    assert second_version.pk != first.workshop.deck.pk
    second = ended_session(names=("Dirk", "Eva", "Fien"))
    Workshop.objects.filter(pk=second.workshop.pk).update(deck=second_version)
    for item in PlanItem.objects.filter(player__workshop=second.workshop).select_related("card"):
        item.card = Card.objects.get(
            theme__deck=second_version, theme__slug=item.card.theme.slug, number=item.card.number
        )
        item.save()
    owner = first.workshop.facilitator
    Workshop.objects.filter(pk=second.workshop.pk).update(facilitator=owner)
    programme = programme_create(owner=owner, name="Twee versies")
    for session in (first, second):
        programme_add_session(programme=programme, by=owner, code=session.workshop.code)
    themes = card_figures([first.workshop, Workshop.objects.get(pk=second.workshop.pk)])
    names = [entry["theme"].name for entry in themes]
    assert len(names) == len(set(names)), f"a theme twice: {names}"
    rows = [row for entry in themes for row in entry["cards"]]
    keys = [row.card.key for row in rows]
    assert len(keys) == len(set(keys)), f"a card twice: {keys}"
    assert sum(row.chosen for row in rows) == PlanItem.objects.count() == 12
    first_card = next(row for row in rows if row.card.key == theme.cards.get(number=1).key)
    assert first_card.card.title == "Een nieuwe titel"  # named as the newest version has it


def test_a_moved_session_plays_this_servers_version_of_its_deck(tmp_path):
    session = ended_session()
    path = tmp_path / "f.json"
    call_command(
        "export_session",
        session.workshop.code,
        "--for-followups",
        "-o",
        str(path),
        stdout=StringIO(),
    )
    data = json.loads(path.read_text())
    base = session.workshop.deck.base
    assert data["session"]["deck"]["slug"] == base.slug  # the deck, not the laptop's version
    Workshop.objects.filter(pk=session.workshop.pk).update(code="ZZZZZZ")
    base.themes.order_by("order").first().cards.filter(number=2).update(tip="Nieuw hier")
    facilitator("hanna")
    call_command("import_session", str(path), "--facilitator", "hanna", stdout=StringIO())
    imported = Workshop.objects.select_related("deck").get(import_key__isnull=False)
    assert imported.deck.frozen and imported.deck.base == base
    assert imported.deck.pk != session.workshop.deck.pk  # the deck changed here: a new version
    cards = PlanItem.objects.filter(player__workshop=imported).select_related("card__theme")
    assert cards.count() == 6
    assert {item.card.theme.deck_id for item in cards} == {imported.deck.pk}
