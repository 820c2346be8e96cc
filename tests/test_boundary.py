"""The schema layer at the boundary: JSON read within bounds, shapes checked field by
field, and every refusal a Malformed with a refusal code, whatever the input."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from innovation_track.boundary import (
    Flag,
    ListOf,
    Malformed,
    Shape,
    Text,
    Whole,
    depth,
    has_control_characters,
    loads,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"[]", 1),
        (b'{"a": [{"b": 1}]}', 3),
        (b'["[[[[", "]]]"]', 1),  # brackets inside strings do not count
        (b'["\\"[[[["]', 1),  # nor after an escaped quote
        (b'"unterminated [[[[', 0),
        (b"[" * 100_000, 100_000),
    ],
)
def test_depth_counts_brackets_outside_strings(raw, expected):
    assert depth(raw) == expected


def test_it_refuses_json_nested_deeper_than_the_limit_before_parsing():
    with pytest.raises(Malformed) as refused:
        loads("[" * 20_000 + "]" * 20_000, max_bytes=100_000)
    assert refused.value.code == "bad_message"


@pytest.mark.parametrize("raw", ["[NaN]", "[Infinity]", '["\\ud800"]', "1" + "0" * 400, "{"])
def test_it_refuses_what_is_no_strict_json(raw):
    with pytest.raises(Malformed) as refused:
        loads(raw, max_bytes=1000)
    assert refused.value.code == "bad_json"


def test_it_refuses_too_many_bytes():
    with pytest.raises(Malformed) as refused:
        loads("é" * 600, max_bytes=1000)  # 600 characters, 1,200 bytes
    assert (refused.value.code, refused.value.params) == ("too_large", {"limit": 1000})


@given(st.text(max_size=300))
def test_any_text_is_read_or_refused_with_a_code(text):
    try:
        loads(text, max_bytes=1000)
    except Malformed as refused:
        assert refused.code in {"bad_json", "bad_message", "too_large"}


ASK = Shape(id=Text(64, least=1), target=Whole(0, 5), note=Text(10, required=False))


def test_a_shape_gives_exactly_its_fields_with_defaults():
    assert ASK.check({"id": "a", "target": 2, "note": None}) == {"id": "a", "target": 2, "note": ""}


@pytest.mark.parametrize(
    "value",
    [
        [],
        {"id": "a"},
        {"id": ["a"], "target": 1},
        {"id": "a", "target": True},
        {"id": "a", "target": 1.0},
        {"id": "a", "target": 6},
        {"id": "a", "target": 1, "extra": 1},
    ],
)
def test_a_value_of_the_wrong_shape_is_bad_message(value):
    with pytest.raises(Malformed) as refused:
        ASK.check(value)
    assert refused.value.code == "bad_message" and refused.value.params["detail"]


def test_a_list_checks_its_length_and_every_item():
    items = ListOf(Shape(on=Flag()), most=2)
    assert items.check([{"on": True}, {}]) == [{"on": True}, {"on": False}]
    for value in ([{}, {}, {}], [{"on": "yes"}], {"on": True}):
        with pytest.raises(Malformed):
            items.check(value, "the list")


def test_a_line_holds_no_control_characters_but_an_emoji_may_join():
    assert not has_control_characters("Regio Twente 👩‍💻")
    assert all(has_control_characters(f"a{c}b") for c in "\n\r\t\x00\x1b\x85\u2028")
