"""The plan moment: the facilitator starts the plan phase from the dashboard, every phone
goes to its plan page, the projector counts the plans per table, and the dashboard shows
who has a plan (names only, never the text)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from game.errors import Refused
from game.models import Workshop
from game.plans.phase import countdown_left, plan_counts, workshop_plan_phase
from game.plans.services import plan_save
from game.room import seating, sessions
from game.table import play
from game.table.seats import seat_snapshot
from tests.plans.builders import host_client, item, phone_of
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def room():
    """Two tables of three (and one more person not seated yet)."""
    workshop, _table, first = session_with_table(
        ("Anna", "Bob", "Cees", "Dirk", "Els", "Fay"), themes=3, start=False, table_size=3
    )
    late = sessions.player_join(code=workshop.code, name="Gijs")
    return workshop, first, late


def action(client, workshop, name, **data):
    url = reverse("host:action", kwargs={"code": workshop.code})
    return client.post(url, {"action": name, **data}, HTTP_ACCEPT="application/json")


def test_the_facilitator_starts_the_plan_phase_and_every_phone_hears_it(room):
    workshop, people, _late = room
    response = action(host_client(workshop), workshop, "plan_phase")
    assert response.status_code == 200 and response.json() == {"ok": True}
    workshop.refresh_from_db()
    assert workshop.plan_phase is not None and workshop.plan_countdown is None
    view = seat_snapshot(people[0].pk, None)["view"]
    assert view["workshop"]["plan_phase"] == workshop.plan_phase.isoformat()
    # The phone's page goes to the plan page once per start.
    page = phone_of(people[0]).get(reverse("play")).content.decode()
    assert f'data-plan="{reverse("plan")}"' in page


def test_the_countdown_is_the_facilitators_choice(room):
    workshop, _people, _late = room
    action(host_client(workshop), workshop, "plan_phase", countdown="on")
    workshop.refresh_from_db()
    assert 55 <= countdown_left(workshop) <= 60
    assert countdown_left(workshop, now=workshop.plan_countdown + timedelta(seconds=5)) == 0
    panel = host_client(workshop).get(
        reverse("host:projector_panel", kwargs={"code": workshop.code})
    )
    assert b'id="pj-countdown"' in panel.content
    action(host_client(workshop), workshop, "plan_phase_end")
    workshop.refresh_from_db()
    assert workshop.plan_phase is None and countdown_left(workshop) is None


def test_the_projector_counts_the_plans_per_table_as_they_come(room):
    workshop, people, _late = room
    action(host_client(workshop), workshop, "plan_phase")
    url = reverse("host:projector_panel", kwargs={"code": workshop.code})
    page = host_client(workshop).get(url).content.decode()
    assert "0 van 7 hebben een plan" in page
    plan_save(player=people[0], items=[item("thema-1-1", action="Geheim plan van Anna")])
    plan_save(player=people[3], items=[item("thema-2-1")])
    counts = plan_counts(workshop)
    assert (counts.planned, counts.people) == (2, 7)
    assert [(t.number, t.planned, t.people) for t in counts.tables] == [
        (1, 1, 3),
        (2, 1, 3),
        (None, 0, 1),
    ]
    page = host_client(workshop).get(url).content.decode()
    assert "2 van 7 hebben een plan" in page
    assert "Tafel 1" in page and "Niet aan een tafel" in page
    # Counts only: no name, no plan text on the projector's plan screen.
    assert "Geheim plan" not in page and "Anna" not in page


def test_the_dashboard_shows_who_has_a_plan_and_never_what_it_says(room):
    workshop, people, _late = room
    plan_save(player=people[1], items=[item("thema-1-2", action="Geheim plan van Bob")])
    action(host_client(workshop), workshop, "plan_phase")
    page = host_client(workshop).get(reverse("host:panel", kwargs={"code": workshop.code}))
    text = page.content.decode()
    assert "1 van 7 hebben een plan" in text
    assert "Geheim plan" not in text
    seat = text[text.index(f'id="seat-{people[1].pk}"') :][:1500]
    assert "plan ✓" in seat
    seat = text[text.index(f'id="seat-{people[0].pk}"') :][:1500]
    assert "nog geen plan" in seat
    missing = text[text.index('class="plans-missing"') :][:1000]
    assert "Gijs" in missing and "Anna" in missing and "Bob" not in missing


def test_a_player_cannot_start_the_plan_phase_and_an_ended_session_cannot_either(room):
    workshop, people, _late = room
    response = action(phone_of(people[0]), workshop, "plan_phase")
    assert response.status_code in (302, 403)
    assert Workshop.objects.get(pk=workshop.pk).plan_phase is None
    with pytest.raises(Refused) as refused:
        workshop_plan_phase(workshop=workshop, by=people[0].workshop.facilitator.__class__())
    assert refused.value.code == "forbidden"
    play.workshop_end(workshop=workshop, by=workshop.facilitator)
    response = action(host_client(workshop), workshop, "plan_phase")
    assert response.status_code == 400 and response.json()["code"] == "session_ended"
    assert Workshop.objects.get(pk=workshop.pk).plan_phase is None


def test_plans_written_after_the_end_count_on_the_projector(room):
    workshop, people, _late = room
    action(host_client(workshop), workshop, "plan_phase")
    play.workshop_end(workshop=workshop, by=workshop.facilitator)
    Workshop.objects.filter(pk=workshop.pk).update(ended=timezone.now() - timedelta(days=2))
    plan_save(player=people[2], items=[item("thema-3-1")])
    url = reverse("host:projector_panel", kwargs={"code": workshop.code})
    assert "1 van 7 hebben een plan" in host_client(workshop).get(url).content.decode()


def test_seating_still_works_in_the_plan_phase(room):
    workshop, _people, late = room
    action(host_client(workshop), workshop, "plan_phase")
    tables = seating.tables_arrange(workshop=workshop, by=workshop.facilitator)
    assert late.pk in {p.pk for t in tables for p in t.players.all()}
    assert Client().get(reverse("host:panel", kwargs={"code": workshop.code})).status_code == 302
