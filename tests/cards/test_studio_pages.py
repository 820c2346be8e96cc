"""The deck studio's pages: whose deck is whose (a 404 for everyone else), uploads that
list every problem and save nothing, the card editor's previews and its refusal of a
second editor's save, markup escaped wherever a card shows, and the deck's language."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from cards import studio
from cards.models import Card, Deck
from cards.sheets import checking, reading
from cards.views import DEFAULT_DECK
from game.room import sessions
from tests.cards.test_sheets import as_csv, rows, with_cell
from tests.factories import UserFactory, facilitator, playable_deck

pytestmark = pytest.mark.django_db

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "innovation-on-track.json"


@pytest.fixture
def fenna():
    return facilitator("fenna")


@pytest.fixture
def olaf():
    return facilitator("olaf")


@pytest.fixture
def deck(fenna):
    return playable_deck(
        themes=2, name="Regio Oost", slug="regio-oost", owner=fenna, published=False
    )


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def deck_urls(deck: Deck) -> list[str]:
    card = Card.objects.filter(theme__deck=deck).select_related("theme").first()
    return [
        reverse("cards:studio_deck", kwargs={"deck": deck.slug}),
        reverse("cards:studio_export", kwargs={"deck": deck.slug, "kind": "csv"}),
        reverse("cards:deck", kwargs={"deck": deck.slug}),
        reverse("cards:print", kwargs={"deck": deck.slug}),
        reverse("cards:about", kwargs={"deck": deck.slug}),
        card.get_absolute_url(),
        card.get_absolute_url() + "?fragment=1",
        reverse("cards:theme", kwargs={"deck": deck.slug, "theme": card.theme.slug}),
    ]


def edit_url(card: Card) -> str:
    kwargs = {"deck": card.theme.deck.slug, "theme": card.theme.slug, "number": card.number}
    return reverse("cards:studio_card", kwargs=kwargs)


# --- whose deck ------------------------------------------------------------------------------


def test_a_form_the_deck_page_does_not_have_is_not_found_and_changes_nothing(deck, fenna):
    """Each of the deck page's forms has its own URL; any other under do/ is no page."""
    client = client_for(fenna)
    for path in ("do/rename/", "do/", "do/settings/extra/"):
        url = reverse("cards:studio_deck", kwargs={"deck": deck.slug}) + path
        assert client.post(url, {"name": "X", "published": "1"}).status_code == 404, path
    deck.refresh_from_db()
    assert deck.name == "Regio Oost" and not deck.published


def test_another_facilitator_gets_404_on_every_page_of_a_deck_and_changes_nothing(deck, olaf):
    client = client_for(olaf)
    for url in deck_urls(deck):
        assert client.get(url).status_code == 404, url
    card = Card.objects.filter(theme__deck=deck).first()
    assert client.get(edit_url(card)).status_code == 404
    assert client.post(edit_url(card), {"title": "Van Olaf"}).status_code == 404
    for action in (
        "studio_deck_settings",
        "studio_themes_save",
        "studio_theme_add",
        "studio_deck_share",
        "studio_deck_publish",
        "studio_deck_delete",
    ):
        url = reverse(f"cards:{action}", kwargs={"deck": deck.slug})
        assert client.post(url, {"published": "1", "name": "X"}).status_code == 404, action
    deck.refresh_from_db()
    assert not deck.published and Deck.objects.filter(pk=deck.pk).exists()
    assert not Card.objects.filter(title="Van Olaf").exists()
    assert "Regio Oost" not in client.get(reverse("cards:studio")).content.decode()
    assert "Regio Oost" not in client.get(reverse("host:home")).content.decode()


def test_the_owner_sees_every_page_and_an_anonymous_visitor_none(deck, fenna):
    owner = client_for(fenna)
    for url in deck_urls(deck):
        assert owner.get(url).status_code == 200, url
    for url in deck_urls(deck):
        assert Client().get(url).status_code in (302, 404), url  # the studio: log in first


def test_a_facilitator_it_is_shared_with_may_play_copy_and_print_it_but_not_change_it(
    deck, fenna, olaf
):
    deck.shared_with.add(olaf)
    client = client_for(olaf)
    for url in deck_urls(deck):
        assert client.get(url).status_code == 200, url
    page = client.get(reverse("cards:studio_deck", kwargs={"deck": deck.slug})).content.decode()
    assert "Maak een kopie om te veranderen" in page and "Thema's opslaan" not in page
    assert client.get(edit_url(Card.objects.filter(theme__deck=deck).first())).status_code == 404
    assert "Regio Oost (van fenna)" in client.get(reverse("host:home")).content.decode()


def test_a_published_deck_is_public_and_every_facilitator_may_play_it(deck, olaf):
    deck.published = True
    deck.save()
    for url in deck_urls(deck)[2:]:
        assert Client().get(url).status_code == 200, url
    assert "Regio Oost (van fenna)" in client_for(olaf).get(reverse("host:home")).content.decode()


def test_studio_pages_are_for_facilitators_only(deck):
    assert Client().get(reverse("cards:studio")).status_code == 302
    player = client_for(UserFactory(username="piet"))
    assert player.get(reverse("cards:studio")).status_code == 403


def test_the_players_of_a_session_read_its_private_decks_cards_and_no_one_else(deck, fenna):
    workshop = sessions.workshop_create(facilitator=fenna, name="Sessie", deck=deck)
    version = workshop.deck
    url = Card.objects.filter(theme__deck=version).first().get_absolute_url() + "?fragment=1"
    player = Client()
    player.post(reverse("join"), {"code": workshop.code, "name": "Anna"})
    assert player.get(url).status_code == 200
    assert player.get(reverse("cards:deck", kwargs={"deck": version.slug})).status_code == 200
    other_session = sessions.workshop_create(facilitator=fenna, name="Ander", deck=playable_deck())
    stranger = Client()
    stranger.post(reverse("join"), {"code": other_session.code, "name": "Bob"})
    assert stranger.get(url).status_code == 404
    assert Client().get(url).status_code == 404


# --- new decks ------------------------------------------------------------------------------


def upload(client: Client, content: bytes, filename: str = "regio.csv", **fields):
    data = {
        "source": "sheet",
        "sheet-file": SimpleUploadedFile(filename, content),
        "sheet-name": fields.get("name", "Regio Zuid"),
        "sheet-language": fields.get("language", "nl"),
    }
    return client.post(reverse("cards:studio_new"), data)


def test_an_upload_with_problems_lists_them_all_and_saves_nothing_then_the_fixed_one_is_saved(
    fenna,
):
    client = client_for(fenna)
    before = Deck.objects.count()
    table = with_cell(4, "colour", "groen", with_cell(7, "title", ""))
    response = upload(client, as_csv(table))
    assert response.status_code == 400
    page = response.content.decode()
    assert "Het bestand heeft 2 problemen. Er is niets opgeslagen." in page
    assert "rij 4, kolom colour: “groen” is geen kleur als #rrggbb" in page
    assert "rij 7, kolom title: leeg" in page
    assert Deck.objects.count() == before

    response = upload(client, as_csv(rows()), language="en")
    deck = Deck.objects.get(name="Regio Zuid")
    assert response.status_code == 302 and response["Location"] == f"/studio/{deck.slug}/"
    assert deck.owner == fenna and deck.language == "en" and deck.problems() == []
    page = client.get(response["Location"]).content.decode()
    assert "Het kaartspel “Regio Zuid” is gemaakt." in page
    assert "Speelbaar: 3 thema's van vier kaarten." in page


@pytest.mark.parametrize(
    ("content", "filename", "expected"),
    [
        (b"%PDF-1.4\x00\x00", "deck.pdf", "Dit is geen spreadsheet die we kunnen lezen"),
        ("théma".encode("latin-1"), "deck.csv", "Het bestand is geen UTF-8-tekst"),
        (b"x" * (reading.MAX_BYTES + 10), "deck.csv", "Het bestand is groter dan 1 MB"),
    ],
)
def test_a_file_that_is_no_deck_is_refused_on_the_page(fenna, content, filename, expected):
    before = Deck.objects.count()
    response = upload(client_for(fenna), content, filename)
    assert response.status_code == 400
    assert expected in response.content.decode()
    assert Deck.objects.count() == before


def test_a_copy_and_a_json_import_make_the_facilitators_own_decks(deck, fenna, olaf):
    deck.shared_with.add(olaf)
    client = client_for(olaf)
    response = client.post(reverse("cards:studio_new"), {"source": "copy", "deck": deck.pk})
    copy = Deck.objects.get(owner=olaf)
    assert response["Location"] == f"/studio/{copy.slug}/" and copy.name == "Kopie van Regio Oost"
    export = client.get(reverse("cards:studio_export", kwargs={"deck": deck.slug, "kind": "json"}))
    data = {
        "source": "json",
        "json-file": SimpleUploadedFile("d.json", export.content),
        "json-name": "Uit JSON",
    }
    response = client.post(reverse("cards:studio_new"), data)
    assert response.status_code == 302
    assert (
        studio.content_of(Deck.objects.get(name="Uit JSON"))["themes"]
        == studio.content_of(deck)["themes"]
    )


def test_the_templates_are_the_innovation_on_track_deck_in_both_formats(fenna):
    call_command("import_deck", str(FIXTURE), "--skip-existing", verbosity=0)
    client = client_for(fenna)
    real = studio.content_of(Deck.objects.get(slug=DEFAULT_DECK))
    for kind, content_type in (("csv", "text/csv"), ("xlsx", "spreadsheetml")):
        response = client.get(reverse("cards:studio_template", kwargs={"kind": kind}))
        assert content_type in response["Content-Type"]
        assert f'filename="kwartet-sjabloon.{kind}"' in response["Content-Disposition"]
        data = checking.deck_data(
            reading.read_rows(response.content, f"t.{kind}"), name=real["name"]
        )
        assert data["themes"] == real["themes"]


def test_import_deck_skip_existing_stays_idempotent_with_versions_beside_the_deck(fenna):
    call_command("import_deck", str(FIXTURE), "--skip-existing", verbosity=0)
    real = Deck.objects.get(slug=DEFAULT_DECK)
    assert real.published and real.owner is None
    sessions.workshop_create(facilitator=fenna, name="Sessie", deck=real)
    count = Deck.objects.count()
    call_command("import_deck", str(FIXTURE), "--skip-existing", verbosity=0)
    assert Deck.objects.count() == count == 2


# --- editing ---------------------------------------------------------------------------------


def card_form(page: str) -> dict[str, str]:
    fields = dict(re.findall(r'<input type="hidden" name="(started)" value="([^"]+)"', page))
    for name in ("call_to_action", "example", "tip", "links"):
        match = re.search(rf'<textarea name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.DOTALL)
        fields[name] = match[1].replace("&#x27;", "'")
    fields["title"] = re.search(r'name="title" value="([^"]*)"', page)[1]
    return fields


def test_a_card_is_edited_with_a_preview_and_a_second_editor_is_refused_with_what_changed(
    deck, fenna
):
    card = Card.objects.get(theme__deck=deck, theme__order=1, number=2)
    first, second = client_for(fenna), client_for(fenna)
    first_form = card_form(first.get(edit_url(card)).content.decode())
    second_form = card_form(second.get(edit_url(card)).content.decode())

    preview = first.post(
        edit_url(card), {**first_form, "title": "Nog niet bewaard", "preview": "1"}
    )
    assert preview.status_code == 200
    page = preview.content.decode()
    assert page.count("Nog niet bewaard") >= 3  # the form, the phone and the printed card
    assert "Een voorbeeld: nog niet opgeslagen." in page
    card.refresh_from_db()
    assert card.title == "Thema 1 kaart 2"

    saved = first.post(
        edit_url(card),
        {**first_form, "title": "Van de eerste", "links": "NCSI | https://www.ncsi.nl"},
    )
    assert saved.status_code == 302
    refused = second.post(edit_url(card), {**second_form, "example": "Van de tweede"})
    assert refused.status_code == 409
    page = refused.content.decode()
    assert (
        "Niet opgeslagen: iemand anders heeft deze kaart opgeslagen nadat jij hem opende." in page
    )
    assert "Titel: Van de eerste" in page and "Links: NCSI | https://www.ncsi.nl" in page
    assert "Van de tweede" in page, "the second editor's text stays in the form"
    card.refresh_from_db()
    assert (card.title, card.example) == (
        "Van de eerste",
        "Een voorbeeld uit de praktijk.\n\nNog een alinea.",
    )

    # Saving again after the look is a deliberate choice, and goes through.
    again = card_form(page)
    assert second.post(edit_url(card), {**again, "title": "Van de eerste"}).status_code == 302
    card.refresh_from_db()
    assert card.example == "Van de tweede"


def test_a_bad_link_in_the_card_editor_is_refused_and_nothing_saved(deck, fenna):
    card = Card.objects.filter(theme__deck=deck).first()
    client = client_for(fenna)
    form = card_form(client.get(edit_url(card)).content.decode())
    response = client.post(
        edit_url(card), {**form, "links": "Kwaad | javascript:alert(1)", "title": "Nieuw"}
    )
    assert response.status_code == 400
    assert "geen webadres dat begint met http:// of https://" in response.content.decode()
    card.refresh_from_db()
    assert card.title != "Nieuw"


def test_the_theme_form_renames_and_a_stale_one_is_refused(deck, fenna):
    client = client_for(fenna)
    page = client.get(reverse("cards:studio_deck", kwargs={"deck": deck.slug})).content.decode()
    assert "Thema's opslaan" in page
    stamp = studio.stamp(studio.themes_values(deck))  # what the page's form carries
    form = {"started": stamp}
    for theme in deck.themes.all():
        form |= {
            f"name_{theme.pk}": f"Nieuw {theme.order}",
            f"colour_{theme.pk}": "#336699",
            f"order_{theme.pk}": theme.order,
        }
    url = reverse("cards:studio_themes_save", kwargs={"deck": deck.slug})
    assert client.post(url, form).status_code == 302
    assert [t.name for t in deck.themes.all()] == ["Nieuw 1", "Nieuw 2"]
    refused = client.post(url, {**form, f"name_{deck.themes.first().pk}": "Oud"})
    assert refused.status_code == 409
    assert "thema Nieuw 1: nu Nieuw 1, kleur #336699, plaats 1" in refused.content.decode()


# --- markup and language ------------------------------------------------------------------


def test_markup_in_a_deck_is_escaped_wherever_a_card_shows(deck, fenna):
    card = Card.objects.filter(theme__deck=deck).select_related("theme").first()
    card.title = '<script>alert("x")</script><b>vet</b>'
    card.save()
    theme = card.theme
    theme.name = "<i>Geld</i>"
    theme.save()
    deck.about = "<script>alert(1)</script> [klik](javascript:alert(1))"
    deck.save()
    admin = Client()
    admin.force_login(UserFactory(username="ada", is_staff=True, is_superuser=True))
    workshop = sessions.workshop_create(facilitator=fenna, name="Sessie", deck=deck)
    owner = client_for(fenna)
    pages = {
        "card": owner.get(card.get_absolute_url()),
        "fragment (phone)": owner.get(card.get_absolute_url() + "?fragment=1"),
        "print": owner.get(reverse("cards:print", kwargs={"deck": deck.slug})),
        "studio": owner.get(reverse("cards:studio_deck", kwargs={"deck": deck.slug})),
        "editor": owner.get(edit_url(card)),
        "about": owner.get(reverse("cards:about", kwargs={"deck": deck.slug})),
        "projector": owner.get(reverse("host:projector", kwargs={"code": workshop.code})),
        "admin cards": admin.get(reverse("admin:cards_card_changelist")),
        "admin card": admin.get(reverse("admin:cards_card_change", args=[card.pk])),
        "admin theme": admin.get(reverse("admin:cards_theme_changelist")),
    }
    for name, response in pages.items():
        html = response.content.decode()
        assert response.status_code == 200, name
        assert '<script>alert("x")</script>' not in html, name
        assert "<b>vet</b>" not in html and "<i>Geld</i>" not in html, name
        assert "<script>alert(1)</script>" not in html and 'href="javascript:' not in html, name
    assert (
        "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;vet&lt;/b&gt;"
        in pages["card"].content.decode()
    )
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in pages["about"].content.decode()


def test_the_decks_language_is_the_lang_of_its_texts(fenna):
    deck = playable_deck(themes=2, owner=fenna, published=True, language="en")
    card = Card.objects.filter(theme__deck=deck).select_related("theme").first()
    workshop = sessions.workshop_create(facilitator=fenna, name="Sessie", deck=deck)
    player = Client()
    player.post(reverse("join"), {"code": workshop.code, "name": "Anna"})
    owner = client_for(fenna)
    assert (
        '<article class="card" style="--theme: #1f5fa8" lang="en">'
        in Client().get(card.get_absolute_url()).content.decode()
    )
    assert (
        'class="print-card print-front" style="--theme: #1f5fa8" lang="en"'
        in Client().get(reverse("cards:print", kwargs={"deck": deck.slug})).content.decode()
    )
    assert '<div id="hand" class="hand" lang="en">' in player.get(reverse("play")).content.decode()
    assert (
        'id="spotlight" class="spotlight" lang="en"'
        in owner.get(reverse("host:projector", kwargs={"code": workshop.code})).content.decode()
    )
    page = Client().get(card.get_absolute_url()).content.decode()
    assert '<html lang="nl">' in page, "the page's own words stay in the reader's language"


def test_an_unpublished_deck_prints_with_qr_codes_that_open_its_cards_to_the_paper(deck, fenna):
    """Issue 31, item 15: a facilitator's own deck printed without its cards' QR codes, so
    paper lost the examples' links. Its codes carry a signed parameter that opens the card
    pages (with their links) to whoever holds the paper, and nothing else."""
    from cards.access import PRINT_READER, print_token

    page = (
        client_for(fenna).get(reverse("cards:print", kwargs={"deck": deck.slug})).content.decode()
    )
    assert page.count('class="pc-qr"') == 8
    assert "krijgen geen QR-code" not in page
    card = Card.objects.filter(theme__deck=deck).first()
    stranger = Client()
    assert stranger.get(card.get_absolute_url()).status_code == 404
    printed = f"{card.get_absolute_url()}?{PRINT_READER}={print_token(deck)}"
    assert stranger.get(printed).status_code == 200
    other = Deck.objects.create(name="Ander", slug="ander", owner=fenna)
    forged = f"{card.get_absolute_url()}?{PRINT_READER}={print_token(other)}"
    assert stranger.get(forged).status_code == 404
    assert stranger.get(f"{card.get_absolute_url()}?{PRINT_READER}=x").status_code == 404


def test_the_admin_shows_a_frozen_version_but_never_changes_it(deck, fenna):
    version = sessions.workshop_create(facilitator=fenna, name="Sessie", deck=deck).deck
    card = Card.objects.filter(theme__deck=version).first()
    admin = Client()
    admin.force_login(UserFactory(username="ada", is_staff=True, is_superuser=True))
    for model, obj in (("deck", version), ("theme", card.theme), ("card", card)):
        url = reverse(f"admin:cards_{model}_change", args=[obj.pk])
        page = admin.get(url)
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode(), model
        assert admin.post(url, {"title": "Veranderd", "name": "Veranderd"}).status_code == 403, (
            model
        )
    card.refresh_from_db()
    assert card.title == "Thema 1 kaart 1"
    add = admin.get(reverse("admin:cards_theme_add")).content.decode()
    assert f'value="{version.pk}"' not in add and f'value="{deck.pk}"' in add


def test_a_theme_is_deleted_with_its_cards_by_the_owner_only(deck, fenna, olaf):
    theme = deck.themes.last()
    url = reverse("cards:studio_theme_delete", kwargs={"deck": deck.slug})
    assert client_for(olaf).post(url, {"theme": theme.pk}).status_code == 404
    page = (
        client_for(fenna)
        .get(reverse("cards:studio_deck", kwargs={"deck": deck.slug}))
        .content.decode()
    )
    assert f'name="theme" value="{theme.pk}"' in page
    assert client_for(fenna).post(url, {"theme": theme.pk}).status_code == 302
    assert deck.themes.count() == 1
    assert deck.problems() == ["Het spel heeft 1 thema; een spel heeft er 2 tot 13 nodig."]


def test_sharing_with_unknown_names_quotes_a_few_of_them_cut_short(deck, fenna):
    names = [f"{n:03d}" + "n" * 146 for n in range(60)]
    url = reverse("cards:studio_deck_share", kwargs={"deck": deck.slug})
    response = client_for(fenna).post(url, {"usernames": "\n".join(names)})
    assert response.status_code == 400
    page = response.content.decode()
    error = re.search(r"Geen begeleider heet: (.*?)\. Er is niets veranderd", page)
    assert error is not None and len(error[1]) < 1000 and error[1].endswith("…")
    assert "n" * 100 not in error[1] and "059" not in error[1]
    assert not deck.shared_with.exists()
