"""The deck studio's services: a session plays a frozen version of its deck, editing
makes a new version for later sessions, two editors never overwrite each other, and a
deck goes out as CSV, XLSX and JSON and comes back the same."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied

from cards import sheets, studio
from cards.models import Card, Deck
from cards.sheets import reading, writing
from cards.studio import EditConflict
from cards.views import DEFAULT_DECK
from game.errors import Refused
from game.room import sessions
from tests.factories import CardLinkFactory, facilitator, playable_deck

pytestmark = pytest.mark.django_db


@pytest.fixture
def host():
    return facilitator("fenna")


@pytest.fixture
def own_deck(host):
    deck = playable_deck(
        themes=3, name="Regio Oost", slug="regio-oost", owner=host, published=False
    )
    CardLinkFactory(card=deck.themes.first().cards.first(), label="NCSI", url="https://ncsi.nl")
    return deck


def card_of(deck: Deck, theme: int = 1, number: int = 1) -> Card:
    return Card.objects.get(theme__deck=deck, theme__order=theme, number=number)


def edit(card: Card, by, **changes) -> Card:
    values = studio.card_values(card)
    started = studio.stamp(values)
    links, _problems = studio.parse_links(changes.pop("links", values["links"]))
    return studio.card_update(
        card=card, by=by, started=started, **{**values, **changes, "links": links}
    )


def test_a_session_plays_a_frozen_version_and_an_edit_makes_a_new_one_for_later_sessions(
    host, own_deck
):
    first = sessions.workshop_create(facilitator=host, name="Eerste", deck=own_deck)
    second = sessions.workshop_create(facilitator=host, name="Tweede", deck=own_deck)
    assert first.deck.frozen and first.deck.source == own_deck and first.deck.version == 1
    assert first.deck.slug == "regio-oost-v1"
    assert second.deck == first.deck, "an unchanged deck needs no new version"

    edit(card_of(own_deck), host, title="Nieuwe titel")
    third = sessions.workshop_create(facilitator=host, name="Derde", deck=own_deck)

    assert third.deck.version == 2 and third.deck.slug == "regio-oost-v2"
    assert card_of(third.deck).title == "Nieuwe titel"
    assert card_of(first.deck).title == "Thema 1 kaart 1", "the running session keeps its text"
    assert studio.content_of(first.deck)["themes"][0]["cards"][0]["links"] == [
        {"label": "NCSI", "url": "https://ncsi.nl"}
    ]
    assert first.deck.owner == host and not first.deck.published


def test_a_frozen_version_refuses_every_change(host, own_deck):
    version = studio.deck_version_for_session(deck=own_deck)
    card = card_of(version)
    with pytest.raises(PermissionDenied):
        edit(card, host, title="Toch veranderd")
    with pytest.raises(PermissionDenied):
        studio.deck_update(
            deck=version,
            by=host,
            started=studio.stamp(studio.deck_values(version)),
            name="X",
            about="",
            language="nl",
        )
    with pytest.raises(PermissionDenied):
        studio.theme_add(deck=version, by=host, name="Extra", colour="#000000")
    assert card_of(version).title == "Thema 1 kaart 1"


def test_the_second_of_two_editors_is_refused_with_what_the_first_changed(host, own_deck):
    card = card_of(own_deck)
    opened = studio.card_values(card)
    stamp = studio.stamp(opened)  # both editors open the card

    first = {**opened, "title": "Eerste editor", "links": []}
    studio.card_update(card=card, by=host, started=stamp, **first)
    second = {**opened, "example": "Tweede editor", "links": []}
    with pytest.raises(EditConflict) as refused:
        studio.card_update(card=card, by=host, started=stamp, **second)

    assert refused.value.changes == {"title": "Eerste editor", "links": ""}
    card.refresh_from_db()
    assert card.title == "Eerste editor" and card.example == opened["example"]


def test_two_editors_of_the_themes_and_of_the_deck_settings_are_refused_alike(host, own_deck):
    themes = studio.themes_values(own_deck)
    stamp = studio.stamp(themes)
    changed = {int(pk): {**values, "name": f"{values['name']}!"} for pk, values in themes.items()}
    studio.themes_update(deck=own_deck, by=host, started=stamp, themes=changed)
    with pytest.raises(EditConflict) as refused:
        studio.themes_update(deck=own_deck, by=host, started=stamp, themes=changed)
    assert {value["name"] for value in refused.value.changes.values()} == {
        "Thema 1!",
        "Thema 2!",
        "Thema 3!",
    }

    settings = studio.deck_values(own_deck)
    stamp = studio.stamp(settings)
    studio.deck_update(deck=own_deck, by=host, started=stamp, **{**settings, "name": "Regio West"})
    with pytest.raises(EditConflict) as refused:
        studio.deck_update(deck=own_deck, by=host, started=stamp, **{**settings, "about": "Anders"})
    assert refused.value.changes == {"name": "Regio West"}


def test_a_forged_stamp_is_a_conflict_not_a_save(host, own_deck):
    card = card_of(own_deck)
    with pytest.raises(EditConflict):
        studio.card_update(
            card=card, by=host, started="forged", **{**studio.card_values(card), "links": []}
        )


def test_the_themes_can_be_renamed_recoloured_and_reordered(host, own_deck):
    themes = studio.themes_values(own_deck)
    order = {pk: 4 - values["order"] for pk, values in themes.items()}  # reversed
    new = {
        int(pk): {"name": f"T{values['order']}", "colour": "#abcdef", "order": order[pk]}
        for pk, values in themes.items()
    }
    studio.themes_update(deck=own_deck, by=host, started=studio.stamp(themes), themes=new)
    assert [(t.name, t.colour) for t in own_deck.themes.all()] == [
        ("T3", "#abcdef"),
        ("T2", "#abcdef"),
        ("T1", "#abcdef"),
    ]


def test_only_the_owner_or_an_admin_changes_a_deck_and_nobody_changes_the_admins_deck(
    host, own_deck
):
    other = facilitator("olaf")
    with pytest.raises(PermissionDenied):
        edit(card_of(own_deck), other, title="Van Olaf")
    own_deck.shared_with.add(other)
    with pytest.raises(PermissionDenied):
        edit(card_of(own_deck), other, title="Van Olaf")
    admins_deck = playable_deck(themes=2, slug=DEFAULT_DECK)
    with pytest.raises(PermissionDenied):
        edit(card_of(admins_deck), host, title="Van Fenna")
    assert card_of(own_deck).title == "Thema 1 kaart 1"


def test_a_session_needs_a_deck_its_facilitator_may_use(host, own_deck):
    other = facilitator("olaf")
    with pytest.raises(Refused) as refused:
        sessions.workshop_create(facilitator=other, name="Niet de mijne", deck=own_deck)
    assert refused.value.code == "forbidden"
    own_deck.shared_with.add(other)
    assert sessions.workshop_create(facilitator=other, name="Gedeeld", deck=own_deck).deck.frozen
    own_deck.shared_with.clear()
    own_deck.published = True
    own_deck.save()
    assert sessions.workshop_create(facilitator=other, name="Gepubliceerd", deck=own_deck)


def test_sharing_names_facilitators_only_and_changes_nothing_otherwise(host, own_deck):
    facilitator("olaf")
    assert studio.deck_share(deck=own_deck, by=host, usernames=["olaf", "niemand"]) == ["niemand"]
    assert own_deck.shared_with.count() == 0
    assert studio.deck_share(deck=own_deck, by=host, usernames=["olaf"]) == []
    assert list(own_deck.shared_with.values_list("username", flat=True)) == ["olaf"]


def test_a_copy_is_the_copiers_own_private_deck(host, own_deck):
    other = facilitator("olaf")
    with pytest.raises(PermissionDenied):
        studio.deck_copy(deck=own_deck, by=other)
    own_deck.shared_with.add(other)
    copy = studio.deck_copy(deck=own_deck, by=other)
    assert copy.owner == other and not copy.published and copy.name == "Kopie van Regio Oost"
    assert studio.content_of(copy)["themes"] == studio.content_of(own_deck)["themes"]


def test_deleting_a_deck_keeps_the_versions_sessions_play(host, own_deck):
    session = sessions.workshop_create(facilitator=host, name="Eerste", deck=own_deck)
    edit(card_of(own_deck), host, title="Nieuw")
    studio.deck_version_for_session(deck=own_deck)  # a version no session plays
    studio.deck_delete(deck=own_deck, by=host)
    assert list(Deck.objects.filter(name="Regio Oost").values_list("slug", flat=True)) == [
        "regio-oost-v1"
    ]
    session.refresh_from_db()
    assert session.deck.source is None and card_of(session.deck).title == "Thema 1 kaart 1"


def test_a_deck_goes_out_as_csv_xlsx_and_json_and_comes_back_the_same(host, own_deck):
    card = card_of(own_deck, 2, 3)
    card.title, card.tip = "=1+1 <b>vet</b>", "-5 euro & 'meer'"
    card.save()
    original = studio.content_of(own_deck)
    as_json = json.dumps(studio.deck_data(own_deck)).encode()
    for back in (
        studio.deck_from_sheet(
            by=host, name="Regio Oost", content=writing.write_csv(studio.deck_data(own_deck))
        ),
        studio.deck_from_sheet(
            by=host, name="Regio Oost", content=writing.write_xlsx(studio.deck_data(own_deck))
        ),
        studio.deck_from_json(by=host, content=as_json),
    ):
        content = studio.content_of(back)
        content["about"] = original["about"]  # a sheet holds the cards, not the introduction
        assert content == original
        assert [t.slug for t in back.themes.all()] == [t.slug for t in own_deck.themes.all()]


def test_a_json_file_with_problems_names_them_all_by_theme_and_card(host):
    data = studio.deck_data(playable_deck(themes=2))
    data["themes"][0]["cards"][1]["title"] = " "
    data["themes"][1]["cards"][2]["tip"] = "x" * 500
    data["themes"][1]["cards"][0]["links"] = [{"label": "Kwaad", "url": "javascript:alert(1)"}]
    before = Deck.objects.count()
    with pytest.raises(sheets.SheetProblems) as refused:
        studio.deck_from_json(by=host, content=json.dumps(data).encode())
    assert refused.value.problems == [
        "thema 1, kaart 2, title: leeg",
        "thema 2, kaart 1, links: “javascript:alert(1)” is geen webadres dat begint met http:// of https://",
        "thema 2, kaart 3, tip: 500 tekens, er passen er hoogstens 400",
    ]
    assert Deck.objects.count() == before


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"{not json", "Dit is geen JSON-export van een kaartspel (regel 1"),
        (
            b'{"format": "iets anders"}',
            "Dit is geen JSON-export van een kaartspel: deck: missing field",
        ),
        ("café".encode("latin-1"), "Het bestand is geen UTF-8-tekst."),
        (b" " * (reading.MAX_BYTES + 1), "Het bestand is groter dan 1 MB."),
    ],
)
def test_a_file_that_is_no_json_export_is_refused(host, content, expected):
    with pytest.raises(sheets.SheetProblems) as refused:
        studio.deck_from_json(by=host, content=content)
    assert refused.value.problems[0].startswith(expected)


def test_a_new_theme_comes_with_four_cards_to_write_up_to_thirteen_themes(host, own_deck):
    for n in range(10):
        studio.theme_add(deck=own_deck, by=host, name=f"Extra {n}", colour="#123456")
    assert own_deck.themes.count() == 13
    assert own_deck.problems() == []
    with pytest.raises(PermissionDenied):
        studio.theme_add(deck=own_deck, by=host, name="Veertien", colour="#123456")
