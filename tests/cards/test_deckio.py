"""Decks go to JSON and back; a bad file names its problem and changes nothing."""

import copy
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from cards.deckio import deck_export
from cards.models import Card, CardLink, Deck, Theme
from tests.factories import CardLinkFactory, playable_deck

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int, int]:
    return (
        Deck.objects.count(),
        Theme.objects.count(),
        Card.objects.count(),
        CardLink.objects.count(),
    )


@pytest.fixture
def deck_data() -> dict:
    deck = playable_deck(themes=2, name="Proefdeck", slug="proefdeck")
    card = deck.themes.first().cards.first()
    CardLinkFactory(card=card, order=1, label="NCSI", url="http://www.ncsi.nl")
    CardLinkFactory(card=card, order=2, label="TNO", url="https://www.tno.nl/mkb")
    data = deck_export(deck=deck)
    deck.delete()
    return data


def write(tmp_path: Path, data) -> Path:
    path = tmp_path / "deck.json"
    path.write_text(data if isinstance(data, str) else json.dumps(data), encoding="utf-8")
    return path


def test_an_exported_deck_imports_to_the_same_deck(tmp_path, deck_data):
    call_command("import_deck", write(tmp_path, deck_data))
    out = tmp_path / "again.json"
    call_command("export_deck", "proefdeck", "--output", out)
    assert json.loads(out.read_text(encoding="utf-8")) == deck_data
    assert counts() == (1, 2, 8, 2)


def test_export_keeps_links_in_their_order(deck_data):
    links = deck_data["themes"][0]["cards"][0]["links"]
    assert [link["label"] for link in links] == ["NCSI", "TNO"]


def test_importing_an_existing_slug_needs_replace(tmp_path, deck_data):
    path = write(tmp_path, deck_data)
    call_command("import_deck", path)
    with pytest.raises(CommandError, match="already exists; use --replace"):
        call_command("import_deck", path)
    assert counts() == (1, 2, 8, 2)


def test_replace_overwrites_the_deck_content(tmp_path, deck_data):
    call_command("import_deck", write(tmp_path, deck_data))
    deck_data["themes"][0]["cards"][0]["title"] = "Nieuwe titel"
    call_command("import_deck", write(tmp_path, deck_data), "--replace")
    assert Card.objects.filter(title="Nieuwe titel").count() == 1
    assert counts() == (1, 2, 8, 2)


def test_skip_existing_keeps_edits_made_in_the_admin(tmp_path, deck_data):
    path = write(tmp_path, deck_data)
    call_command("import_deck", path)
    Card.objects.filter(number=1).update(title="Bewerkt")
    call_command("import_deck", path, "--skip-existing")
    assert Card.objects.filter(title="Bewerkt").count() == 2


def test_exporting_an_unknown_deck_names_the_known_ones():
    playable_deck(themes=1, slug="bekend")
    with pytest.raises(CommandError, match="no deck with slug 'onbekend' \\(decks: bekend\\)"):
        call_command("export_deck", "onbekend")


def five_cards(data):
    extra = copy.deepcopy(data["themes"][1]["cards"][0])
    data["themes"][1]["cards"].append(extra)


def missing_title(data):
    del data["themes"][0]["cards"][2]["title"]


def unknown_field(data):
    data["themes"][0]["cards"][0]["colour"] = "#000000"


def duplicate_number(data):
    data["themes"][0]["cards"][3]["number"] = 1


def bad_url(data):
    data["themes"][0]["cards"][0]["links"][0]["url"] = "not a url"


def empty_title(data):
    data["themes"][1]["cards"][0]["title"] = "  "


def number_as_text(data):
    data["themes"][0]["cards"][0]["number"] = "1"


def duplicate_theme_slug(data):
    data["themes"][1]["slug"] = data["themes"][0]["slug"]


def bad_colour(data):
    data["themes"][0]["colour"] = "blue"


def no_themes(data):
    data["themes"] = []


@pytest.mark.parametrize(
    ("break_it", "message"),
    [
        (five_cards, "theme 2 (Thema 2): has 5 cards, a theme needs exactly 4"),
        (missing_title, "theme 1 (Thema 1), card 3: missing field 'title'"),
        (unknown_field, "theme 1 (Thema 1), card 1: unknown field 'colour'"),
        (
            duplicate_number,
            "theme 1 (Thema 1): card numbers must be 1, 2, 3 and 4, got [1, 1, 2, 3]",
        ),
        (bad_url, "theme 1 (Thema 1), card 1, link 1: url: 'not a url' is not valid"),
        (empty_title, "theme 2 (Thema 2), card 1: field 'title' is empty"),
        (number_as_text, "theme 1 (Thema 1), card 1: field 'number' must be a int"),
        (duplicate_theme_slug, "theme 2 (Thema 2): slug 'thema-1' is used twice"),
        (bad_colour, "theme 1 (Thema 1): colour: 'blue' is not valid"),
        (no_themes, "deck: it has no themes"),
    ],
)
def test_a_bad_deck_file_is_refused_and_changes_nothing(tmp_path, deck_data, break_it, message):
    playable_deck(themes=1, slug="bestaand")
    before = counts()
    break_it(deck_data)
    with pytest.raises(CommandError) as error:
        call_command("import_deck", write(tmp_path, deck_data))
    assert message in str(error.value)
    assert "Nothing was changed." in str(error.value)
    assert counts() == before


def test_a_bad_file_does_not_touch_the_deck_it_would_replace(tmp_path, deck_data):
    call_command("import_deck", write(tmp_path, deck_data))
    before = counts()
    five_cards(deck_data)
    deck_data["name"] = "Veranderd"
    with pytest.raises(CommandError, match="has 5 cards"):
        call_command("import_deck", write(tmp_path, deck_data), "--replace")
    assert counts() == before
    assert Deck.objects.get().name == "Proefdeck"


def test_invalid_json_names_the_line(tmp_path):
    with pytest.raises(CommandError, match="invalid JSON at line 2, column 1"):
        call_command("import_deck", write(tmp_path, '{"name": "x",\n}'))
    assert counts() == (0, 0, 0, 0)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match="cannot read the file"):
        call_command("import_deck", tmp_path / "nope.json")


def test_a_json_list_is_not_a_deck(tmp_path):
    with pytest.raises(CommandError, match="deck: expected an object, got list"):
        call_command("import_deck", write(tmp_path, "[]"))
