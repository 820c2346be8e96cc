"""The existing sessions move to a frozen version of their deck as it is now, and their
players' plans to that version's cards; existing decks stay every facilitator's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("cards", "0001_initial"), ("game", "0004_presence_and_turns")]
AFTER = [("cards", "0002_deck_owners_and_versions"), ("game", "0006_deck_versions")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_existing_sessions_and_their_plans_move_to_a_frozen_version_of_their_deck():
    old = migrate(BEFORE)
    Deck, Theme, Card, CardLink = (
        old.get_model("cards", m) for m in ("Deck", "Theme", "Card", "CardLink")
    )
    User = old.get_model("auth", "User")
    Workshop, Player, PlanItem = (
        old.get_model("game", m) for m in ("Workshop", "Player", "PlanItem")
    )
    deck = Deck.objects.create(name="Innovation on Track", slug="innovation-on-track")
    unused = Deck.objects.create(name="Ongebruikt", slug="ongebruikt")
    for order in (1, 2):
        theme = Theme.objects.create(
            deck=deck, name=f"T{order}", slug=f"t{order}", order=order, colour="#123456"
        )
        for number in range(1, 5):
            card = Card.objects.create(
                theme=theme,
                number=number,
                title=f"T{order} {number}",
                call_to_action="Doe",
                example="Zo",
            )
            CardLink.objects.create(card=card, order=1, label="NCSI", url="https://ncsi.nl")
    fenna = User.objects.create(username="fenna")
    sessions = [
        Workshop.objects.create(name=f"S{n}", code=f"ABCDE{n}", facilitator=fenna, deck=deck)
        for n in (2, 3)
    ]
    anna = Player.objects.create(workshop=sessions[0], name="Anna", token="t-anna")
    chosen = Card.objects.get(theme__slug="t2", number=3)
    PlanItem.objects.create(player=anna, card=chosen, position=1, action="Doen")

    new = migrate(AFTER)
    Deck, Card = new.get_model("cards", "Deck"), new.get_model("cards", "Card")
    Workshop, PlanItem = new.get_model("game", "Workshop"), new.get_model("game", "PlanItem")
    version = Deck.objects.get(slug="innovation-on-track-v1")
    assert version.frozen and version.version == 1 and version.source_id == deck.pk
    assert set(Workshop.objects.values_list("deck_id", flat=True)) == {version.pk}
    item = PlanItem.objects.get()
    assert item.card.theme.deck_id == version.pk
    assert (item.card.theme.slug, item.card.number, item.card.title) == ("t2", 3, "T2 3")
    assert Card.objects.filter(theme__deck=version).count() == 8
    assert new.get_model("cards", "CardLink").objects.filter(card__theme__deck=version).count() == 8
    assert Deck.objects.get(pk=deck.pk).published and not Deck.objects.get(pk=deck.pk).frozen
    assert Deck.objects.get(pk=unused.pk).published
    assert not Deck.objects.filter(source_id=unused.pk).exists()
    migrate(migrate_latest())


def migrate_latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()
