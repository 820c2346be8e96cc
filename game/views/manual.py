"""The manual for facilitators and organisers, in the app (issue 32): one source,
``docs/manual/<language>/*.md``, which GitHub shows as it is and this page shows in the
UI's language, with the pictures the browser tests take of a real session
(tests/browser/test_manual_screenshots.py) from ``docs/manual/img/<language>/``.

Public, like the card pages: it holds nothing of any session or person, and who reads it
first (someone invited but not yet signed up, a facilitator who forgot their password, an
organiser deciding whether to use the game) is often not logged in.

In the Markdown, pictures are ``![alt](../img/<language>/<name>.png)`` and the pages link
each other as ``facilitators.md`` (with an optional ``#anchor``), so the same files read
on GitHub; here those become the routes below. Only a picture the language's pages show
is served, by name: nothing else of the disk is reachable.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import lru_cache
from html import unescape
from pathlib import Path

import markdown
from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

MANUAL = Path(settings.BASE_DIR) / "docs" / "manual"
LANGUAGES = ("nl", "en")
# The page's name in its URL -> its file (docs/manual/<language>/<file>.md).
PAGES = {"begeleiders": "facilitators", "organisatoren": "organisers"}
INDEX = "index"
PICTURE = re.compile(r"\.\./img/(?P<language>[a-z]{2})/(?P<name>[a-z0-9][a-z0-9-]*\.png)")
# Taken on a phone's screen at twice its pixels: shown at the phone's own width.
PHONE_PREFIX = "phone-"
PHONE_SCALE = 2
PAGE_LINK = re.compile(r"(?P<file>[a-z]+)\.md(?P<anchor>#[\w-]+)?")


def manual_language() -> str:
    """The UI's language if the manual has it, else the site's (Dutch)."""
    current = (get_language() or "").split("-")[0]
    return current if current in LANGUAGES else settings.LANGUAGE_CODE


def source(lang: str, stem: str) -> Path:
    return MANUAL / lang / f"{stem}.md"


def picture_size(path: Path) -> tuple[int, int] | None:
    """A PNG's width and height in pixels, read from its header; None if it is no PNG."""
    try:
        with path.open("rb") as file:
            head = file.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def page_url(stem: str, anchor: str = "") -> str | None:
    """The route of the page kept in ``<stem>.md``, or None for no page of the manual."""
    if stem == INDEX:
        return reverse("host:manual") + anchor
    slug = next((slug for slug, file in PAGES.items() if file == stem), None)
    return reverse("host:manual_page", kwargs={"page": slug}) + anchor if slug else None


class _Routes(Treeprocessor):
    """Pictures and links of the Markdown, pointed at the app's routes: a picture gets its
    size (no jump while it loads), a class for a phone's screen, and a link to itself
    (a tap shows it whole on a phone)."""

    def __init__(self, md: markdown.Markdown, lang: str) -> None:
        super().__init__(md)
        self.lang = lang

    def run(self, root: etree.Element) -> None:
        parents = {child: parent for parent in root.iter() for child in parent}
        for img in list(root.iter("img")):
            match = PICTURE.fullmatch(img.get("src", ""))
            if not match or match["language"] != self.lang:
                continue
            name = match["name"]
            path = MANUAL / "img" / self.lang / name
            url = reverse("host:manual_image", kwargs={"language": self.lang, "name": name})
            if path.exists():  # a new picture gets a new address: no browser keeps the old
                url += f"?v={path.stat().st_mtime_ns:x}"
            img.set("src", url)
            size = picture_size(path)
            phone = name.startswith(PHONE_PREFIX)
            if size:
                scale = PHONE_SCALE if phone else 1
                img.set("width", str(size[0] // scale))
                img.set("height", str(size[1] // scale))
            img.set("class", "shot shot-phone" if phone else "shot")
            parent = parents.get(img)
            if parent is not None and parent.tag == "p":
                parent.set("class", "shot-row")  # as wide as the page, wider than its text
            if parent is not None and parent.tag != "a":
                link = etree.Element("a", {"href": url, "class": "shot-link"})
                index = list(parent).index(img)
                parent.remove(img)
                link.append(img)
                link.tail, img.tail = img.tail, None
                parent.insert(index, link)
        for a in root.iter("a"):
            match = PAGE_LINK.fullmatch(a.get("href", ""))
            url = match and page_url(match["file"], match["anchor"] or "")
            if url:
                a.set("href", url)


class _RoutesExtension(Extension):
    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang = lang

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_Routes(md, self.lang), "manual_routes", 0)


@dataclass(frozen=True)
class Page:
    title: str  # the h1
    intro: SafeString  # what comes before the first section
    contents: tuple[tuple[str, str], ...]  # (id, heading) of each section (h2)
    body: SafeString  # the sections


def render_page(lang: str, stem: str) -> Page:
    """The page in that language, rendered anew when its file (or a picture) changed."""
    path = source(lang, stem)
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        raise Http404("No such page of the manual.") from None
    pictures = MANUAL / "img" / lang
    pictures_stamp = pictures.stat().st_mtime_ns if pictures.is_dir() else 0
    return _rendered(lang, stem, stamp, pictures_stamp)


@lru_cache(maxsize=16)
def _rendered(lang: str, stem: str, stamp: int, pictures_stamp: int) -> Page:
    md = markdown.Markdown(
        extensions=["toc", "tables", "sane_lists", _RoutesExtension(lang)],
        extension_configs={"toc": {"slugify": slugify_unicode}},
    )
    # Our own files, written by the project like the admins' deck introductions: trusted.
    html = md.convert(source(lang, stem).read_text(encoding="utf-8"))
    tops = md.toc_tokens
    title = tops[0]["name"] if tops and tops[0]["level"] == 1 else ""
    sections = tops[0]["children"] if title else tops
    # The toc extension gives a heading's text escaped; the template escapes it again.
    contents = tuple((token["id"], unescape(token["name"])) for token in sections)
    html = re.sub(r"\A\s*<h1[^>]*>.*?</h1>", "", html, count=1, flags=re.S) if title else html
    intro, section, rest = html.partition("<h2")
    return Page(
        title=unescape(title),
        intro=mark_safe(intro),
        contents=contents,
        body=mark_safe(section + rest),
    )


def pictures_of(lang: str) -> set[str]:
    """The file names of the pictures the language's pages show."""
    names: set[str] = set()
    for stem in (INDEX, *PAGES.values()):
        path = source(lang, stem)
        if path.exists():
            text = path.read_text(encoding="utf-8")
            names.update(
                match["name"] for match in PICTURE.finditer(text) if match["language"] == lang
            )
    return names


def _show(request: HttpRequest, stem: str, slug: str = "") -> HttpResponse:
    lang = manual_language()
    context = {"page": render_page(lang, stem), "slug": slug, "manual_language": lang}
    return render(request, "game/manual.html", context)


def manual_index(request: HttpRequest) -> HttpResponse:
    return _show(request, INDEX)


def manual_page(request: HttpRequest, page: str) -> HttpResponse:
    if page not in PAGES:
        raise Http404("No such page of the manual.")
    return _show(request, PAGES[page], page)


def manual_image(request: HttpRequest, language: str, name: str) -> HttpResponse:
    """A picture of the manual: only one its pages show, by its plain file name."""
    if language not in LANGUAGES or name not in pictures_of(language):
        raise Http404("No such picture.")
    path = MANUAL / "img" / language / name
    if not path.is_file():
        raise Http404("No such picture.")
    response = FileResponse(path.open("rb"), content_type="image/png")
    response["Cache-Control"] = "public, max-age=86400"  # its address changes with it
    return response
