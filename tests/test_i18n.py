"""Every UI text has its Dutch translation, and the compiled catalogue matches it."""

import ast
import re
from pathlib import Path

from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "nl" / "LC_MESSAGES" / "django.po"


def unquote(lines: str) -> str:
    return "".join(ast.literal_eval(part) for part in re.findall(r'"(?:[^"\\]|\\.)*"', lines))


def catalogue() -> list[tuple[str, list[str], bool]]:
    """(msgid, translations, fuzzy) for every entry but the header."""
    found = []
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        match = re.search(r"^msgid (.*?)(?=^msgid_plural|^msgstr)", block, re.M | re.S)
        if not match:
            continue
        msgid = unquote(match.group(1))
        if not msgid:
            continue  # the header
        strs = re.findall(r'^msgstr(?:\[\d\])? ((?:".*"\n?)+)', block, re.M)
        found.append((msgid, [unquote(s) for s in strs], "#, fuzzy" in block))
    return found


def test_the_dutch_catalogue_is_complete():
    entries = catalogue()
    assert len(entries) > 100
    missing = [msgid for msgid, strs, fuzzy in entries if fuzzy or not all(strs)]
    assert missing == []


def test_the_compiled_dutch_catalogue_matches_its_source():
    stale = []
    with translation.override("nl"):
        for msgid, strs, _fuzzy in catalogue():
            if len(strs) == 1 and translation.gettext(msgid) != strs[0]:
                stale.append(msgid)
    assert stale == [], "run: python manage.py compilemessages"
