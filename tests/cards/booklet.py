"""The booklet's cards (../shared/seeds/000_…txt) read as the booklet prints them: per
card its theme, number, title, call to action, the paragraphs of its example and tip
as plain words, and its links. See ../shared/seeds/README.md for the booklet's quirks."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

# The game's booklet, the deck's source (../shared/seeds/000_…txt), kept beside the deck.
BOOKLET = Path(settings.BASE_DIR) / "fixtures" / "innovation-on-track-booklet.txt"
# The README's quirks: one heading misspelt (the card list has the name right), and the
# back cover (NCSI's address) follows the last card without a heading of its own.
TITLE_MENDED = {"Beleidssterreinen koppelen": "Beleidsterreinen koppelen"}
BACK_COVER = "Stichting Nederlands Centrum"
LINK = re.compile(r"\[([^\]]+)\]\(([^)]*)\)")
WORD = re.compile(r"\w+(?:[&'\u2019.-]\w+)*")


@dataclass
class BookletCard:
    theme: str
    number: int
    title: str
    call_to_action: str = ""
    paragraphs: list[str] = field(default_factory=list)  # the example's and the tip's
    link_lines: list[str] = field(default_factory=list)  # those of nothing but links
    links: list[tuple[str, str]] = field(default_factory=list)  # (label, url)
    tip: bool = False  # the booklet prints a "TIP" on the card


def _plain(paragraph: str) -> str:
    """A paragraph's words as printed: links as their labels, no bold, heading, list or
    line-break marks."""
    text = LINK.sub(lambda m: m[1], paragraph)
    text = text.replace("**", "")
    text = re.sub(r"^#+\s*", "", text, flags=re.MULTILINE)
    text = re.sub(r"^\s*-\s+", "", text, flags=re.MULTILINE)
    return " ".join(text.split())


def booklet_cards() -> list[BookletCard]:
    text = BOOKLET.read_text(encoding="utf-8").split(BACK_COVER, 1)[0]
    text = "# Netwerk" + text.split("\n# Netwerk", 1)[1]  # the cards, after the introduction
    cards = []
    theme = ""
    # Split on headings: "# Theme" starts a theme's page, "## N Title" a card.
    for heading, body in re.findall(r"^(#{1,2} [^\n]+)\n(.*?)(?=^#{1,2} |\Z)", text, re.M | re.S):
        if heading.startswith("# "):
            theme = heading[2:].strip()
            continue
        number, title = heading[3:].strip().split(" ", 1)
        card = BookletCard(theme, int(number), TITLE_MENDED.get(title, title))
        paragraphs = [p.strip() for p in re.split(r"\n\s*\n", body) if p.strip()]
        card.call_to_action = _plain(paragraphs.pop(0))
        for paragraph in paragraphs:
            if paragraph == "TIP":
                card.tip = True
                continue
            card.links += [(label, url) for label, url in LINK.findall(paragraph) if url != "#"]
            card.paragraphs.append(_plain(paragraph))
            if not LINK.sub("", paragraph).strip():
                card.link_lines.append(card.paragraphs[-1])
        cards.append(card)
    return cards


def words(text: str) -> list[str]:
    return WORD.findall(text)


def contains(haystack: list[str], needle: list[str]) -> bool:
    """``needle`` appears in ``haystack`` as a run of consecutive words."""
    n = len(needle)
    return any(haystack[i : i + n] == needle for i in range(len(haystack) - n + 1))


class VisibleText(HTMLParser):
    """The text a reader sees inside the first element with ``class`` (all of it when
    None), node by node, and the links there, as (text, href)."""

    SKIP = {"script", "style", "title", "template", "svg"}
    VOID = {"br", "img", "input", "meta", "link", "hr", "wbr", "source", "col"}

    def __init__(self, css_class: str | None = None, attr: tuple[str, str] | None = None):
        super().__init__(convert_charrefs=True)
        self.css_class, self.attr = css_class, attr
        self.depth = 0 if css_class is None and attr is None else -1  # -1: not yet inside
        self.skipping = 0
        self.nodes: list[str] = []
        self.links: list[tuple[str, str]] = []
        self._href: str | None = None
        self._link_text: list[str] = []

    def _opens_ours(self, attrs: dict[str, str | None]) -> bool:
        if self.attr is not None:
            return attrs.get(self.attr[0]) == self.attr[1]
        return self.css_class in (attrs.get("class") or "").split()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self.depth < 0:
            if self._opens_ours(attrs) and tag not in self.VOID:
                self.depth = 1
            return
        if self.depth == 0:
            return
        if tag not in self.VOID:
            self.depth += 1
        if tag in self.SKIP:
            self.skipping += 1
        if tag == "a":
            self._href, self._link_text = attrs.get("href"), []

    def handle_endtag(self, tag):
        if self.depth <= 0:
            return
        if tag in self.SKIP:
            self.skipping -= 1
        if tag == "a" and self._href is not None:
            self.links.append(("".join(self._link_text).strip(), self._href))
            self._href = None
        self.depth -= 1
        if self.depth == 0 and (self.css_class or self.attr):
            self.depth = -2  # done: only the first such element

    def handle_data(self, data):
        if self.depth > 0 and not self.skipping:
            self.nodes.append(data)
            if self._href is not None:
                self._link_text.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.nodes).split())


def visible(html: str, css_class: str | None = None, attr=None) -> VisibleText:
    parser = VisibleText(css_class, attr)
    parser.feed(html)
    parser.close()
    return parser


# What must never show: Markdown's marks, and entities escaped twice (seen as "&amp;").
MARKS = re.compile(r"\*\*|__|\]\(|^\s*#{1,6}\s|&(?:[a-z]+|#\d+|#x[0-9a-f]+);", re.I | re.M)
LIST_MARK = re.compile(r"^\s*[-*+]\s")


def marks_in(parser: VisibleText) -> list[str]:
    """Every text node of the visible text that shows a mark."""
    return [node for node in parser.nodes if MARKS.search(node) or LIST_MARK.match(node.lstrip())]
