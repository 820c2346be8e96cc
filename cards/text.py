"""A card's text as the booklet prints it: paragraphs, bold words and lists.

The cards' texts (call to action, example, tip) are stored as the booklet writes them,
with its few marks and no others: a blank line between paragraphs, ``**bold**`` (or
``__bold__``), and lines starting with "- " for a list. Nothing else is read as
Markdown: a text holds no HTML, and every character of it is escaped.

- ``booklet_html``: a text of paragraphs as HTML, ``<p>`` and ``<ul>``, bold as ``<strong>``.
- ``booklet_inline``: a one-paragraph text (a call to action, a tip) as HTML for inside
  an element of its own: bold as ``<strong>``, line breaks as ``<br>``.
- ``booklet_plain``: the words without marks, for plain text (CSV, text mail, the
  texts a page's script sets with ``textContent``); list items become "• " lines.

The cards' templates use them as filters (``cards.templatetags.booklet``).
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# Bold: two stars or two underscores around text that neither starts nor ends with a
# space; underscores only at a word's edges ("snake__case" stays as it is).
BOLD = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*|(?<!\w)__(?=\S)(.+?)(?<=\S)__(?!\w)", re.DOTALL)
LIST_ITEM = re.compile(r"^[ \t]*[-*•][ \t]+")
PARAGRAPHS = re.compile(r"\n[ \t]*\n")
BULLET = "• "


def _bold_html(escaped: str) -> str:
    """``escaped`` (already escaped HTML) with its bold marks as <strong>."""
    return BOLD.sub(lambda m: f"<strong>{m[1] or m[2]}</strong>", escaped)


def _bold_plain(text: str) -> str:
    return BOLD.sub(lambda m: m[1] or m[2], text)


def _lines(paragraph: str) -> list[str]:
    return [line.strip() for line in paragraph.splitlines() if line.strip()]


def _runs(paragraph: str) -> list[tuple[str, list[str]]]:
    """A paragraph as runs of ("p", lines) and ("ul", items), in order."""
    runs: list[tuple[str, list[str]]] = []
    for line in _lines(paragraph):
        kind = "ul" if LIST_ITEM.match(line) else "p"
        text = LIST_ITEM.sub("", line) if kind == "ul" else line
        if runs and runs[-1][0] == kind:
            runs[-1][1].append(text)
        else:
            runs.append((kind, [text]))
    return runs


def paragraphs(text: str) -> list[str]:
    """The text's paragraphs (separated by a blank line), stripped."""
    return [p.strip() for p in PARAGRAPHS.split(text.replace("\r\n", "\n")) if p.strip()]


def booklet_html(text: str) -> SafeString:
    """Paragraphs as ``<p>`` (lines broken with ``<br>``), lists as ``<ul>``, bold as
    ``<strong>``; everything else escaped."""
    out = []
    for paragraph in paragraphs(text or ""):
        for kind, lines in _runs(paragraph):
            if kind == "ul":
                items = "".join(f"<li>{_bold_html(escape(item))}</li>" for item in lines)
                out.append(f"<ul>{items}</ul>")
            else:
                out.append("<p>" + "<br>".join(_bold_html(escape(line)) for line in lines) + "</p>")
    return mark_safe("".join(out))  # built from escaped text only


def booklet_inline(text: str) -> SafeString:
    """A one-paragraph text for inside an element: bold as ``<strong>``, each line
    (list items without their mark) on its own, broken with ``<br>``."""
    lines = [
        _bold_html(escape(LIST_ITEM.sub("", line)))
        for paragraph in paragraphs(text or "")
        for line in _lines(paragraph)
    ]
    return mark_safe("<br>".join(lines))  # built from escaped text only


def booklet_plain(text: str) -> str:
    """The words without marks: bold marks dropped, list items as "• " lines,
    paragraphs apart by a blank line. Not escaped: for plain text only."""
    out = []
    for paragraph in paragraphs(text or ""):
        lines = []
        for kind, items in _runs(paragraph):
            lines += [(BULLET if kind == "ul" else "") + _bold_plain(item) for item in items]
        out.append("\n".join(lines))
    return "\n\n".join(out)
