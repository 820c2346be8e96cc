"""The organiser's programme: owner and shared facilitators only (others 404), its
figures per session and in total, the funnel, cards chosen/started/done, the lines
people wrote (names only when asked, and only of those who agreed), the CSV; and the
session's own funnel on its results page."""

import pytest
from django.test import Client
from django.urls import reverse

from game.followups.checkins import checkin_save
from game.models import PlanItem
from game.plans.results_csv import CSV_COLUMNS as RESULT_COLUMNS
from game.programmes.programme_csv import CSV_COLUMNS
from game.programmes.selectors import Figures, card_figures, figures
from game.programmes.services import programme_add_session, programme_create, programme_share
from tests.factories import facilitator
from tests.followups.builders import ended_session
from tests.spreadsheets import by_column

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup():
    session = ended_session()
    owner = session.workshop.facilitator
    programme = programme_create(owner=owner, name="Overijssel 2027")
    programme_add_session(programme=programme, by=owner, code=session.workshop.code)
    anna, bob = session.players[:2]
    a1 = PlanItem.objects.filter(player=anna).order_by("position").first()
    b1 = PlanItem.objects.filter(player=bob).order_by("position").first()
    checkin_save(
        player=anna,
        followup=1,
        answers={a1.pk: {"status": "done", "note": "=De wethouder hielp"}},
        named=True,
    )
    checkin_save(
        player=bob,
        followup=1,
        answers={b1.pk: {"status": "not_yet", "note": "Geen tijd"}},
        named=False,
    )
    return session, owner, programme


def client_of(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_only_the_owner_and_shared_facilitators_see_a_programme(setup):
    _session, owner, programme = setup
    page = reverse("host:programme", kwargs={"pk": programme.pk})
    csv_url = reverse("host:programme_csv", kwargs={"pk": programme.pk})
    action = reverse("host:programme_action", kwargs={"pk": programme.pk})
    other = facilitator("otto")
    for url in (page, csv_url):
        assert client_of(other).get(url).status_code == 404
    assert client_of(other).post(action, {"action": "share", "username": "otto"}).status_code == 404
    assert client_of(owner).post(action, {"action": "share", "username": "otto"}).status_code == 302
    assert client_of(other).get(page).status_code == 200
    assert "Overijssel 2027" in client_of(other).get(reverse("host:programmes")).content.decode()
    # A shared facilitator may look, not share it on.
    client_of(other).post(action, {"action": "share", "username": "fenna"})
    assert list(programme.shared_with.values_list("username", flat=True)) == ["otto"]
    assert (
        client_of(facilitator("wim"))
        .get(reverse("host:programmes"))
        .content.decode()
        .count("Overijssel 2027</strong>")
        == 0
    )


def test_sharing_names_a_facilitator_that_exists(setup):
    _session, owner, programme = setup
    with pytest.raises(Exception) as refused:
        programme_share(programme=programme, by=owner, username="nobody")
    assert refused.value.code == "unknown_facilitator"


def test_a_facilitator_adds_only_their_own_sessions(setup):
    session, owner, programme = setup
    other = facilitator("otto")
    programme_share(programme=programme, by=owner, username="otto")
    with pytest.raises(Exception) as refused:
        programme_add_session(programme=programme, by=other, code=session.workshop.code)
    assert refused.value.code == "not_your_session"


def test_the_page_counts_per_session_and_in_total_with_its_funnel(setup):
    session, owner, programme = setup
    html = (
        client_of(owner)
        .get(reverse("host:programme", kwargs={"pk": programme.pk}))
        .content.decode()
    )
    numbers = figures([session.workshop])[session.workshop.pk]
    assert numbers == Figures(
        reached=3, plans=3, addresses=2, reachable=2, followups_sent=0, checked_in=2, activated=1
    )
    assert '<svg class="funnel-svg"' in html and 'data-count="3"' in html
    assert ">3 · 100%<" in html and ">aan de slag<" in html and ">1 · 33%<" in html
    assert "anna@example.org" not in html


def test_cards_are_counted_chosen_started_and_done(setup):
    session, _owner, _programme = setup
    themes = card_figures([session.workshop])
    rows = {row.card.pk: row for theme in themes for row in theme["cards"]}
    a1 = PlanItem.objects.filter(player=session.players[0]).order_by("position").first()
    assert (rows[a1.card_id].chosen, rows[a1.card_id].done, rows[a1.card_id].started) == (1, 1, 0)
    assert sum(theme["chosen"] for theme in themes) == 6


def test_lines_carry_names_only_when_asked_and_agreed(setup):
    _session, owner, programme = setup
    url = reverse("host:programme", kwargs={"pk": programme.pk})
    plain = client_of(owner).get(url).content.decode()
    assert "Geen tijd" in plain and "De wethouder hielp" in plain
    assert "<bdi>Anna</bdi>" not in plain and "Bob" not in plain
    named = client_of(owner).get(url + "?names=1").content.decode()
    assert "<strong><bdi>Anna</bdi></strong>" in named  # Anna agreed
    assert "Bob" not in named  # Bob did not


def test_the_csv_has_the_same_figures_and_is_formula_safe(setup):
    session, owner, programme = setup
    session.workshop.name = '=HYPERLINK("http://x")'
    session.workshop.save()
    answer = client_of(owner).get(reverse("host:programme_csv", kwargs={"pk": programme.pk}))
    rows = by_column(answer.content, CSV_COLUMNS)
    first = rows[0]
    assert first["row"] == "sessie" and first["session"].startswith("'=")
    assert (first["reached"], first["plans"], first["activated"]) == ("3", "3", "1")
    assert rows[1]["row"] == "totaal" and rows[1]["checked_in"] == "2"
    assert {row["row"] for row in rows[2:]} == {"kaart"}
    assert "@" not in answer.content.decode()


def test_the_results_page_shows_the_sessions_own_funnel(setup):
    session, owner, _programme = setup
    html = (
        client_of(owner)
        .get(reverse("host:results", kwargs={"code": session.workshop.code}))
        .content.decode()
    )
    assert '<svg class="funnel-svg"' in html
    assert "2 lieten een adres achter" in html


def test_the_results_csv_is_formula_safe_too(setup):
    session, owner, _programme = setup
    answer = client_of(owner).get(
        reverse("host:results_csv", kwargs={"code": session.workshop.code})
    )
    actions = [row["action"] for row in by_column(answer.content, RESULT_COLUMNS)]
    assert "'=Plan 0 twee" in actions and "=Plan 0 twee" not in actions


def test_follow_up_times_are_set_at_creation_and_on_the_dashboard():
    host = facilitator()
    from tests.factories import playable_deck

    deck = playable_deck(themes=3)
    client = client_of(host)
    form = {
        "name": "Deventer",
        "deck": deck.pk,
        "table_size": 4,
        "miss_passes_to": "asked",
        "pause_on_quartet": 0,
    }
    refused = client.post(
        reverse("host:home"), {**form, "followup_weeks_1": 8, "followup_weeks_2": 6}
    )
    assert refused.status_code == 200 and "na de eerste" in refused.content.decode()
    client.post(reverse("host:home"), {**form, "followup_weeks_1": 2, "followup_weeks_2": 0})
    from game.models import Workshop

    workshop = Workshop.objects.get(name="Deventer")
    assert (workshop.followup_weeks_1, workshop.followup_weeks_2) == (2, 0)
    action = reverse("host:action", kwargs={"code": workshop.code})
    client.post(action, {"action": "followup_times", "followup_weeks_1": 3, "followup_weeks_2": 9})
    workshop.refresh_from_db()
    assert (workshop.followup_weeks_1, workshop.followup_weeks_2) == (3, 9)
    bad = client.post(
        action,
        {"action": "followup_times", "followup_weeks_1": 99, "followup_weeks_2": 9},
        HTTP_ACCEPT="application/json",
    )
    assert bad.status_code == 400
    other = client_of(facilitator("otto"))
    assert (
        other.post(
            action, {"action": "followup_times", "followup_weeks_1": 1, "followup_weeks_2": 2}
        ).status_code
        == 404
    )
    workshop.refresh_from_db()
    assert workshop.followup_weeks_1 == 3


def test_left_an_address_says_what_it_counts_and_still_reachable_follows_the_erasures(setup):
    """Issue 31, item 5: "lieten een adres achter" stayed at 2 after both owners erased
    their address. It counts who ever left one (the page says so); beside it, how many
    can still be reached, which drops when an address is erased."""
    from game.followups.consent import contact_stop
    from game.programmes.selectors import session_figures

    session, owner, programme = setup
    page = client_of(owner).get(reverse("host:programme", kwargs={"pk": programme.pk}))
    assert 'data-figure-reachable="2"' in page.content.decode()
    for player in session.players[:2]:
        contact_stop(player=player)
    numbers = session_figures(session.workshop)
    assert (numbers.addresses, numbers.reachable) == (2, 0)
    text = (
        client_of(owner)
        .get(reverse("host:programme", kwargs={"pk": programme.pk}))
        .content.decode()
    )
    assert 'data-figure-reachable="0"' in text and "(0 nog bereikbaar)" in text
    assert "ook als ze later de mails stopten" in text
