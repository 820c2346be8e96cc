"""Input at the boundary: bounded JSON and declared shapes.

Everything a client sends as JSON (a socket message, a plan autosave, an uploaded
file) is read with ``loads`` and then checked against a declared ``Shape``, before any
service sees it. ``loads`` refuses what could hurt the parser or the code after it
before parsing: too many bytes, nesting deeper than a JSON document of ours ever needs
(the standard library's parser recurses, and so does much code that walks a value).
orjson parses (it refuses NaN, Infinity and lone surrogates, which the standard library
accepts; a number too large for 64 bits arrives as a float, so a ``Whole`` refuses it).

A refusal is ``Malformed`` with one of the refusal codes of game/errors.py (``bad_json``,
``bad_message``, ``too_large``) and its parameters; callers turn it into their own
refusal (``game.errors.Refused.from_malformed``, or a form's error). This module
imports nothing of the project, so the deck studio (cards) and the game both use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

import orjson

MAX_DEPTH = 16  # our deepest document, a deck export, is 5 levels deep

# A string (an unterminated one runs to the end), or a run of anything without quotes
# or brackets: what is left are the brackets outside strings. No backtracking.
_STRING_OR_FILLER = re.compile(rb'"(?:[^"\\]++|\\.)*+"?|[^"\[\]{}]++', re.DOTALL)


class Malformed(ValueError):
    """Input refused at the boundary. ``code`` is a refusal code (game/errors.py)."""

    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code, params)
        self.code, self.params = code, params


def bad(detail: str) -> Malformed:
    return Malformed("bad_message", detail=detail)


def depth(raw: bytes) -> int:
    """How deep brackets nest outside strings, in one linear scan."""
    brackets = _STRING_OR_FILLER.sub(b"", raw)
    steps = (1 if byte in b"[{" else -1 for byte in brackets)
    return max(accumulate(steps, initial=0))


def loads(raw: bytes | str, *, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """The JSON value in ``raw``, or Malformed: ``too_large`` over ``max_bytes``,
    ``bad_message`` nested deeper than ``max_depth``, ``bad_json`` when it is no JSON."""
    if isinstance(raw, str):
        if len(raw) > max_bytes:  # a character is at least one byte: no need to encode
            raise Malformed("too_large", limit=max_bytes)
        raw = raw.encode("utf-8", "surrogatepass")
    if len(raw) > max_bytes:
        raise Malformed("too_large", limit=max_bytes)
    if depth(raw) > max_depth:
        raise bad(f"nested more than {max_depth} levels deep")
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError as error:  # where and what, for a file's uploader
        raise Malformed("bad_json", line=error.lineno, error=error.msg) from None


# --- declared shapes ------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    """A string of ``least`` to ``most`` characters, one of ``choices`` when given. With
    ``line``, no control characters (no line breaks: it becomes a subject, a header)."""

    most: int
    least: int = 0
    required: bool = True
    default: str = ""
    choices: frozenset[str] | None = None
    line: bool = False

    def check(self, value: Any, name: str) -> str:
        if not isinstance(value, str) or not self.least <= len(value) <= self.most:
            raise bad(f"{name} must be text of {self.least}-{self.most} characters")
        if self.choices is not None and value not in self.choices:
            raise bad(f"{name} has an unknown value {value[:20]!r}")
        if self.line and has_control_characters(value):
            raise bad(f"{name} must be one line without control characters")
        return value


@dataclass(frozen=True)
class Whole:
    """A whole number from ``least`` to ``most`` (true and false are not numbers)."""

    least: int
    most: int
    required: bool = True
    default: int | None = None

    def check(self, value: Any, name: str) -> int:
        if type(value) is not int or not self.least <= value <= self.most:
            raise bad(f"{name} must be a whole number from {self.least} to {self.most}")
        return value


@dataclass(frozen=True)
class Flag:
    """true or false."""

    required: bool = False
    default: bool = False

    def check(self, value: Any, name: str) -> bool:
        if not isinstance(value, bool):
            raise bad(f"{name} must be true or false")
        return value


@dataclass(frozen=True)
class ListOf:
    """A list of at most ``most`` items, each of the shape ``item``."""

    item: Any  # a field or a Shape
    most: int
    required: bool = True
    default: tuple = ()

    def check(self, value: Any, name: str = "") -> list:
        if not isinstance(value, list) or len(value) > self.most:
            raise bad(f"{name or 'the message'} must be a list of at most {self.most}")
        return [self.item.check(entry, f"{name}[{n}]") for n, entry in enumerate(value, 1)]


class Shape:
    """An object with declared fields: ``Shape(id=Text(64, least=1), target=Whole(0, 5))``.
    ``check`` gives a dict of exactly those fields (an optional one missing or null gets
    its default); other fields are refused, or ignored with ``extra=True``."""

    required = True

    def __init__(self, *, extra: bool = False, **fields: Any) -> None:
        self.fields, self.extra = fields, extra

    def check(self, value: Any, name: str = "") -> dict[str, Any]:
        """The checked fields; ``name`` is where the object is, for the refusal's detail."""
        if not isinstance(value, dict):
            raise bad(f"{name or 'the message'} must be an object")
        if not self.extra:
            unknown = sorted(set(value) - set(self.fields))
            if unknown:
                raise bad(f"{name or 'the message'} has an unknown field {unknown[0][:20]!r}")
        checked = {}
        for field_name, field in self.fields.items():
            where = f"{name}.{field_name}" if name else field_name
            found = value.get(field_name)
            if found is None and not field.required:
                checked[field_name] = field.default
            elif found is None:
                raise bad(f"{where} is missing")
            else:
                checked[field_name] = field.check(found, where)
        return checked


def has_control_characters(text: str) -> bool:
    """Line breaks, tabs, NUL and the other C0 and C1 controls, and Unicode's line and
    paragraph separators (a zero-width joiner in an emoji is fine)."""
    return any(ord(c) < 32 or 0x7F <= ord(c) < 0xA0 or c in "\u2028\u2029" for c in text)
