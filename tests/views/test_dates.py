"""Dates in the page's language (issue 31, item 12): the sessions on /host/, a
programme's table and its session menu, the results page and a deck's versions read
"6 december 2026" in Dutch and "Dec. 6, 2026" in English, never "6 Dec 2026"."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone, translation

from game.programmes.services import programme_add_session, programme_create
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db

ABBREVIATED = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")


def localised(moment, fmt: str, language: str) -> str:
    with translation.override(language):
        return formats.date_format(timezone.localtime(moment), fmt)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_dates_are_written_in_the_pages_language(language):
    workshop, _table, _people = session_with_table(start=False)
    owner = workshop.facilitator
    programme = programme_create(owner=owner, name="Twente 2027")
    other, _t, _p = session_with_table(("Zoë", "Yara"), start=False)
    type(other).objects.filter(pk=other.pk).update(facilitator=owner)
    programme_add_session(programme=programme, by=owner, code=workshop.code)
    client = Client()
    client.force_login(owner)
    client.cookies["django_language"] = language
    day = localised(workshop.created, "DATE_FORMAT", language)
    moment = localised(workshop.created, "DATETIME_FORMAT", language)
    home = client.get(reverse("host:home")).content.decode()
    assert moment in home
    page = client.get(reverse("host:programme", kwargs={"pk": programme.pk})).content.decode()
    assert day in page
    assert localised(other.created, "DATE_FORMAT", language) in page  # the session menu
    results = client.get(reverse("host:results", kwargs={"code": workshop.code})).content.decode()
    assert day in results
    for text in (home, page, results):
        assert not ABBREVIATED.search(text), ABBREVIATED.search(text)
    if language == "nl":
        assert timezone.localtime(workshop.created).strftime("%Y") in day
        assert re.search(r"\d{1,2} [a-z]+ \d{4}", day), day  # "6 december 2026"
