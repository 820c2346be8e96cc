"""The manual in the app (game.views.manual, issue 32): its pages in Dutch and English,
linked from /host/; its pictures served by name only; and every picture it shows made by
the browser test that photographs a real session (tests/browser/test_manual_screenshots.py),
none by hand."""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from PIL import Image

from game.views import manual
from tests.browser.test_manual_screenshots import SHOTS, STAMP, STAMP_KEY
from tests.factories import facilitator

PAGES = ["index", *manual.PAGES]
TITLES = {
    "nl": {
        "index": "Handleiding",
        "begeleiders": "Handleiding voor begeleiders",
        "organisatoren": "Handleiding voor organisatoren",
    },
    "en": {
        "index": "Manual",
        "begeleiders": "Manual for facilitators",
        "organisatoren": "Manual for organisers",
    },
}


def url_of(page: str) -> str:
    if page == "index":
        return reverse("host:manual")
    return reverse("host:manual_page", kwargs={"page": page})


def in_language(language: str) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def picture_url(language: str, name: str) -> str:
    return reverse("host:manual_image", kwargs={"language": language, "name": name})


@pytest.mark.parametrize("language", manual.LANGUAGES)
@pytest.mark.parametrize("page", PAGES)
def test_every_page_answers_in_the_ui_language_without_logging_in(page, language):
    response = in_language(language).get(url_of(page))
    assert response.status_code == 200
    html = response.content.decode()
    assert f"<h1>{TITLES[language][page]}</h1>" in html
    assert f'<html lang="{language}">' in html
    assert f'<article class="manual" lang="{language}">' in html


@pytest.mark.parametrize("language", manual.LANGUAGES)
@pytest.mark.parametrize("page", list(manual.PAGES))
def test_a_page_has_a_table_of_contents_of_its_sections(page, language):
    html = in_language(language).get(url_of(page)).content.decode()
    toc = re.search(r'<nav class="manual-toc".*?</nav>', html, re.S)[0]
    targets = re.findall(r'href="#([^"]+)"', toc)
    assert len(targets) >= 3, "before the day, in the room, after the day (or the four parts)"
    for target in targets:
        assert f'<h2 id="{target}">' in html, target
    # Every link within the page, and to the other page's sections, leads somewhere.
    for target in re.findall(r'href="#([^"]+)"', html):
        assert f'id="{target}"' in html, f"#{target} leads nowhere"
    for other, anchor in re.findall(r'href="/host/handleiding/(\w+)/#([^"]+)"', html):
        assert f'id="{anchor}"' in in_language(language).get(url_of(other)).content.decode()


def test_an_unknown_page_is_not_found():
    assert Client().get("/host/handleiding/spelers/").status_code == 404
    assert Client().get("/host/handleiding/facilitators/").status_code == 404  # a file's name


def test_a_language_without_a_manual_falls_back_to_dutch():
    html = in_language("de").get(url_of("index")).content.decode()
    assert "<h1>Handleiding</h1>" in html


@pytest.mark.django_db
def test_the_start_page_links_the_manual():
    client = Client()
    client.force_login(facilitator())
    html = client.get(reverse("host:home")).content.decode()
    assert f'href="{reverse("host:manual")}"' in html
    assert ">Handleiding</a>" in html


@pytest.mark.parametrize("language", manual.LANGUAGES)
def test_links_between_the_pages_go_to_their_routes(language):
    html = in_language(language).get(url_of("index")).content.decode()
    assert f'href="{url_of("begeleiders")}"' in html
    assert f'href="{url_of("organisatoren")}"' in html
    for page in manual.PAGES:
        body = in_language(language).get(url_of(page)).content.decode()
        assert ".md" not in " ".join(re.findall(r'href="([^"]*)"', body)), page


@pytest.mark.parametrize("language", manual.LANGUAGES)
def test_a_picture_of_the_manual_is_served_as_a_png(language):
    name = sorted(manual.pictures_of(language))[0]
    response = Client().get(picture_url(language, name))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize(
    "path",
    [
        "/host/handleiding/img/nl/..%2F..%2F..%2Finnovation_track%2Fsettings.py",
        "/host/handleiding/img/nl/%2E%2E%2Fen%2Fhost-home.png",
        "/host/handleiding/img/nl/../en/host-home.png",
        "/host/handleiding/img/../../pyproject.toml",
        "/host/handleiding/img/nl/.png",
        "/host/handleiding/img/nl/host-home.PNG",
        "/host/handleiding/img/nl/not-in-the-manual.png",
        "/host/handleiding/img/de/host-home.png",
        "/host/handleiding/img/nl/index.md",
        "/host/handleiding/img/nl/",
    ],
)
def test_the_picture_route_serves_nothing_but_the_manuals_pictures(path):
    response = Client().get(path)
    assert response.status_code == 404
    assert response.get("Content-Type", "").startswith("text/html")


def test_a_picture_file_not_shown_by_the_manual_is_not_served(tmp_path, monkeypatch):
    """Only the names the pages show: a file beside them (a stray, a half-written one) is
    not reachable."""
    folder = tmp_path / "img" / "nl"
    folder.mkdir(parents=True)
    (folder / "stray.png").write_bytes(
        (manual.MANUAL / "img" / "nl" / "host-home.png").read_bytes()
    )
    for language in manual.LANGUAGES:
        (tmp_path / language).mkdir()
        (tmp_path / language / "index.md").write_text("# T\n\n![a](../img/nl/host-home.png)\n")
    monkeypatch.setattr(manual, "MANUAL", tmp_path)
    assert Client().get(picture_url("nl", "stray.png")).status_code == 404


# --- the pictures: every one made by the browser test, none by hand ---------------------------


def pictures_in_markdown(language: str) -> list[str]:
    """Every picture the language's Markdown shows, in order, as written (the path)."""
    found = []
    for stem in (manual.INDEX, *manual.PAGES.values()):
        text = manual.source(language, stem).read_text(encoding="utf-8")
        found += re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", text)
    return found


@pytest.mark.parametrize("language", manual.LANGUAGES)
def test_every_picture_the_manual_shows_exists_and_is_made_by_the_screenshot_test(language):
    shown = pictures_in_markdown(language)
    assert shown, "the manual shows no picture"
    for written in shown:
        match = manual.PICTURE.fullmatch(written)
        assert match and match["language"] == language, f"{written}: not ../img/{language}/…"
        name = match["name"]
        assert name.removesuffix(".png") in SHOTS, f"{name} is not taken by the screenshot test"
        path = manual.MANUAL / "img" / language / name
        assert path.is_file(), f"{path} is missing: run tests/browser/test_manual_screenshots.py"
        with Image.open(path) as image:
            assert image.format == "PNG"
            assert image.size == SHOTS[name.removesuffix(".png")], name
            assert image.text.get(STAMP_KEY) == STAMP, f"{name} was not made by {STAMP}"


@pytest.mark.parametrize("language", manual.LANGUAGES)
def test_every_picture_taken_is_shown_and_no_other_file_lies_beside_them(language):
    shown = {manual.PICTURE.fullmatch(path)["name"] for path in pictures_in_markdown(language)}
    assert shown == {f"{name}.png" for name in SHOTS}
    folder = manual.MANUAL / "img" / language
    assert {path.name for path in folder.iterdir()} == shown


def test_both_languages_show_the_same_pictures_in_the_same_places():
    """The English pages follow the Dutch: the same sections and the same pictures, in
    the same order."""

    def outline(language: str, stem: str) -> list[str]:
        text = manual.source(language, stem).read_text(encoding="utf-8")
        lines = re.findall(r"^(#{1,3}) |!\[[^\]]*\]\(\.\./img/[a-z]{2}/([^)]+)\)", text, re.M)
        return [heading or picture for heading, picture in lines]

    for stem in (manual.INDEX, *manual.PAGES.values()):
        assert outline("nl", stem) == outline("en", stem), stem
