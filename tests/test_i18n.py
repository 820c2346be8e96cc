"""Every UI text has its Dutch translation, and the compiled catalogue matches it."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation

LOCALE = Path(settings.BASE_DIR) / "locale"


def unquote(lines: str) -> str:
    return "".join(ast.literal_eval(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', lines))


def catalogue(language: str) -> list[tuple[str, list[str], bool]]:
    """(msgid, translations, fuzzy) for every entry but the header."""
    found = []
    po = LOCALE / language / "LC_MESSAGES" / "django.po"
    for block in po.read_text(encoding="utf-8").split("\n\n"):
        match = re.search(r"^msgid (.*?)(?=^msgid_plural|^msgstr)", block, re.M | re.S)
        if not match:
            continue
        msgid = unquote(match.group(1))
        if not msgid:
            continue  # the header
        strs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        found.append((msgid, [unquote(s) for s in strs], "#, fuzzy" in block))
    return found


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_catalogue_is_complete(language):
    entries = catalogue(language)
    assert len(entries) > 100
    missing = [msgid for msgid, strs, fuzzy in entries if fuzzy or not all(strs)]
    assert missing == []


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_compiled_catalogue_matches_its_source(language):
    stale = []
    with translation.override(language):
        for msgid, strs, _fuzzy in catalogue(language):
            if len(strs) == 1 and translation.gettext(msgid) != strs[0]:
                stale.append(msgid)
    assert stale == [], "run: python manage.py compilemessages"


@pytest.mark.django_db
def test_the_games_title_is_never_translated(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get(reverse("join")).content.decode()
    assert '<span class="brand-small" lang="nl">Mag ik van u ...</span>' in page
    assert "May I have from you" not in page
