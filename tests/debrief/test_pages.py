"""The debrief on the projector and on the results page, and the links to it: the
network drawn as SVG with a text alternative, the themes and the quartets in order."""

import re

import pytest
from django.urls import reverse

from game.debrief.network_svg import network_drawing
from game.debrief.selectors import Edge, Network, Seat, debrief
from game.models import Table
from tests.debrief.games import asked, host, laid, record, started, written_table
from tests.views.test_csp import POLICY, inline_code, policy_of

pytestmark = pytest.mark.django_db


def a_written_game():
    workshop, table = written_table()
    record(
        table,
        *started(3, [4, 4, 4]),
        *asked(0, 1, "thema-1-2", hit=True),
        *asked(0, 1, "thema-1-3", hit=True),
        *asked(0, 1, "thema-2-1", hit=False),
        *asked(1, 2, "thema-3-4", hit=False),
        laid(2, "thema-3", "Thema 3"),
    )
    return workshop, table


def test_the_projector_debrief_draws_the_network_and_the_themes():
    workshop, _table = a_written_game()
    page = host(workshop).get(reverse("host:debrief", kwargs={"code": workshop.code}))
    html = page.content.decode()
    assert page.status_code == 200
    assert '<svg class="net-svg"' in html and 'role="img"' in html
    assert '<title id="net-title-1">Wie vroeg wie</title>' in html
    for name in ("Anna", "Bert", "Cees", "Tafel 1"):
        assert f">{name}</text>" in html
    assert "Anna vroeg Bert 3 keer (2 ja)" in html
    assert "Bert vroeg Cees 1 keer (0 ja)" in html
    assert html.count('class="net-hit"') == 1 + 1  # the legend's sample and Anna → Bert
    assert "Welke thema's gingen rond" in html
    assert re.search(r'db-theme-name" lang="nl">Thema 1</span>', html)
    assert re.search(
        r'<span class="db-chip">Thema 3</span>\s*<span class="db-who" dir="auto" title="Cees">Cees</span>',
        html,
    )
    assert reverse("host:replay", kwargs={"code": workshop.code, "number": 1}) in html


def test_svg_numbers_are_never_written_with_a_decimal_comma():
    """Dutch pages write 12,5 for 12.5: not inside the drawing."""
    workshop, _table = a_written_game()
    html = host(workshop).get(reverse("host:debrief", kwargs={"code": workshop.code}))
    svg = html.content.decode().split('<svg class="net-svg"', 1)[1].split("</svg>")[0]
    numbers = re.findall(r' (?:x|y|cx|cy|r|stroke-width|font-size)="([^"]*)"', svg)
    assert len(numbers) > 20
    assert all(re.fullmatch(r"\d+(\.\d+)?", number) for number in numbers), numbers
    assert any("." in number for number in numbers)


def test_the_results_page_has_the_debrief_and_a_replay_per_table():
    workshop, _table = a_written_game()
    html = host(workshop).get(reverse("host:results", kwargs={"code": workshop.code}))
    html = html.content.decode()
    assert "Nabespreking" in html and '<svg class="net-svg"' in html
    assert reverse("host:debrief", kwargs={"code": workshop.code}) in html
    assert reverse("host:replay", kwargs={"code": workshop.code, "number": 1}) in html
    assert "Anna vroeg Bert 3 keer (2 ja)" in html


def test_the_projector_links_to_the_debrief_once_the_games_are_over():
    workshop, table = a_written_game()
    Table.objects.filter(pk=table.pk).update(status=Table.Status.OVER)
    url = reverse("host:projector", kwargs={"code": workshop.code})
    html = host(workshop).get(url).content.decode()
    assert reverse("host:debrief", kwargs={"code": workshop.code}) in html


NAMES = ("Gijs de Boer", "Eva Smit", "Dewi Visser", "Sanne Bakker", "Ahmed Kaya", "Lotte Mulder")


def room(tables: int, seats: int, long: bool = True) -> Network:
    nodes = [
        Seat(t, s, f"Deelnemer{t}{s}xyzw" if long else NAMES[s])
        for t in range(1, tables + 1)
        for s in range(seats)
    ]
    edges = [Edge(nodes[0], nodes[1], 5, 2), Edge(nodes[1], nodes[0], 1, 0)]
    return Network(nodes=nodes, edges=edges)


@pytest.mark.parametrize("tables", [1, 2, 3, 5, 8])
def test_names_stay_at_least_28_pixels_on_a_1920_by_1080_projector(tables):
    """Up to eight tables of six, with names like the issue's whole on the picture."""
    drawing = network_drawing(room(tables, 6, long=False))
    # The slide gives the drawing 1800 x 900 pixels; the SVG keeps its aspect ratio.
    scale = min(1800 / drawing["width"], 900 / drawing["height"])
    assert drawing["font"] * scale >= 28
    names = [node["name"] for cell in drawing["cells"] for node in cell["nodes"]]
    assert names[:6] == list(NAMES)


def test_an_arrow_is_as_thick_as_its_asks_with_a_core_as_thick_as_its_hits():
    drawing = network_drawing(room(1, 4))
    thick, thin = sorted(drawing["cells"][0]["arrows"], key=lambda a: -a["width"])
    assert thick["edge"].asks == 5 and thick["width"] == drawing["node_r"]  # as thick as a node
    assert 3 < thick["hit_width"] < thick["width"]
    assert thin["hit_width"] == 0 and thin["width"] < thick["width"] / 2


def test_without_games_the_debrief_says_so():
    workshop, _table = written_table()
    html = host(workshop).get(reverse("host:debrief", kwargs={"code": workshop.code}))
    assert "Er is nog geen spel gespeeld." in html.content.decode()
    assert debrief(workshop)["moments"] == []


def test_the_pages_send_the_policy_and_need_no_inline_script():
    workshop, table = a_written_game()
    for url in (
        reverse("host:debrief", kwargs={"code": workshop.code}),
        reverse("host:replay", kwargs={"code": workshop.code, "number": table.number}),
    ):
        response = host(workshop).get(url)
        assert response.status_code == 200
        assert policy_of(response) == POLICY
        assert not inline_code(response.content.decode())


def test_the_debrief_listens_to_the_room_and_rereads_just_its_slides():
    """The page opens the dashboard's socket (static/game/debrief.js) and re-reads its
    slides from ?fragment: the same slides, without the page around them."""
    workshop, _table = a_written_game()
    url = reverse("host:debrief", kwargs={"code": workshop.code})
    page = host(workshop).get(url).content.decode()
    assert f'data-url="{url}?fragment=1"' in page
    assert f'data-socket="/ws/host/{workshop.code}/"' in page
    assert "game/debrief.js" in page and "game/socket.js" in page
    slides = host(workshop).get(url + "?fragment=1").content.decode()
    assert "<html" not in slides and "<script" not in slides
    assert '<svg class="net-svg"' in slides and "Anna vroeg Bert 3 keer (2 ja)" in slides
    assert slides.strip() in page
