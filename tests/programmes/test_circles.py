"""Learning circles across a programme, over a real SMTP server: people who opted in are
proposed in circles by what their plans share (never two of one table when others fit),
invited by mail (join / no thanks), and once three say yes exactly those three get one
introduction with each other's first names and addresses; a later yes is introduced the
same way. Every wrong answer is refused and changes nothing; stopping the mails or
deleting the people removes them from their circles."""

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from game.errors import Refused
from game.followups.consent import contact_set, contact_stop
from game.followups.mail import followups_run
from game.models import Circle, CircleMember, CircleOptIn, Mail, Player
from game.plans.services import plan_save
from game.programmes import circles
from game.programmes.services import programme_add_session, programme_create
from game.room.privacy import workshop_forget_people
from tests.followups.builders import BASE, links, path_of
from tests.followups.smtp import parts
from tests.plans.builders import phone_of
from tests.spreadsheets import csv_rows
from tests.tables import session_with_table

pytestmark = pytest.mark.django_db


def session_of(names, owner=None):
    """A session whose people all have a plan on theme 1 and an address, and opted in."""
    workshop, _table, people = session_with_table(names, themes=3, start=False)
    if owner is not None:  # the same facilitator runs both sessions
        type(workshop).objects.filter(pk=workshop.pk).update(facilitator=owner)
        workshop.refresh_from_db()
    for n, person in enumerate(people):
        plan_save(player=person, items=[{"card": f"thema-1-{n % 4 + 1}"}])
        contact_set(player=person, email=f"{person.name.lower()}@example.org", consent=True)
        circles.circle_opt_in(player=person, on=True)
    return workshop, people


@pytest.fixture
def programme():
    first, people_1 = session_of(("Anna", "Bob", "Cees"))
    owner = first.facilitator
    second, people_2 = session_of(("Dirk", "Els"), owner=owner)
    programme = programme_create(owner=owner, name="Twente 2027")
    for workshop in (first, second):
        programme_add_session(programme=programme, by=owner, code=workshop.code)
    return programme, people_1 + people_2


def answer(smtp, address: str, choice: str) -> Client:
    invite = next(
        m for m in smtp.received if m["To"] == address and "uitnodiging" in m["Subject"].lower()
    )
    link = next(lk for lk in links(parts(invite)[0]) if "/plan/circle/" in lk)
    client = Client()
    assert client.get(path_of(link)).status_code == 200
    response = client.post(path_of(link), {"answer": choice})
    return response


def test_five_of_two_sessions_three_say_yes_and_exactly_they_are_introduced(programme, smtp):
    programme, _people = programme
    (circle,) = circles.circles_propose(programme=programme, by=programme.owner)
    assert sorted(m.player.name for m in circle.members.all()) == [
        "Anna",
        "Bob",
        "Cees",
        "Dirk",
        "Els",
    ]
    assert circles.circle_invite(programme=programme, by=programme.owner, circle_id=circle.pk) == 5
    followups_run(base_url=BASE)
    invites = [m for m in smtp.received if "uitnodiging" in m["Subject"].lower()]
    assert sorted(m["To"] for m in invites) == [
        f"{n}@example.org" for n in ("anna", "bob", "cees", "dirk", "els")
    ]
    assert all("List-Unsubscribe" in m for m in invites)
    # Opening the link changes nothing; Anna and Dirk say yes, Bob no thanks.
    assert CircleMember.objects.filter(joined__isnull=False).count() == 0
    for address, choice in (("anna", "yes"), ("dirk", "yes"), ("bob", "no")):
        assert answer(smtp, f"{address}@example.org", choice).status_code == 200
    assert not Mail.objects.filter(kind="intro").exists()  # two yeses: nobody introduced yet
    third = answer(smtp, "els@example.org", "yes")  # the third yes
    assert "De kring is begonnen" in third.content.decode()
    followups_run(base_url=BASE)
    intros = [m for m in smtp.received if "Maak kennis" in m["Subject"]]
    assert sorted(m["To"] for m in intros) == [
        "anna@example.org",
        "dirk@example.org",
        "els@example.org",
    ]
    text, _html = parts(next(m for m in intros if m["To"] == "anna@example.org"))
    assert "Dirk: dirk@example.org" in text and "Els: els@example.org" in text
    assert "bob@example.org" not in text and "cees@example.org" not in text
    # Answering twice is refused and changes nothing.
    again = answer(smtp, "bob@example.org", "yes")
    assert again.status_code == 400 and "al beantwoord" in again.content.decode()
    assert CircleMember.objects.get(player__name="Bob").joined is False
    # Cees says yes later: introduced the same way, to the three.
    answer(smtp, "cees@example.org", "yes")
    followups_run(base_url=BASE)
    late = [
        m for m in smtp.received if "Maak kennis" in m["Subject"] and m["To"] == "cees@example.org"
    ]
    assert len(late) == 1 and "Anna: anna@example.org" in parts(late[0])[0]
    # ... and the three introduced before hear of Cees, once each.
    joined = [m for m in smtp.received if "deed iemand mee" in m["Subject"]]
    assert sorted(m["To"] for m in joined) == [
        "anna@example.org",
        "dirk@example.org",
        "els@example.org",
    ]
    assert "cees@example.org" in parts(joined[0])[0]
    followups_run(base_url=BASE)
    assert len([m for m in smtp.received if "deed iemand mee" in m["Subject"]]) == 3
    # The programme page shows the circle in aggregate, never an address.
    client = Client()
    client.force_login(programme.owner)
    page = client.get(reverse("host:programme", kwargs={"pk": programme.pk})).content.decode()
    assert f'id="circle-{circle.pk}" data-size="5" data-yes="4"' in page
    assert "@example.org" not in page
    rows = csv_rows(client.get(reverse("host:programme_csv", kwargs={"pk": programme.pk})).content)
    circle_row = next(r for r in rows if r[0] == "leerkring")
    assert circle_row[1] == circle.name and circle_row[-4:] == ["5", "4", "0", "0"]


def test_after_the_circle_closed_an_answer_is_refused(programme):
    programme, _people = programme
    (circle,) = circles.circles_propose(programme=programme, by=programme.owner)
    member = circle.members.first()
    circles.circle_close(programme=programme, by=programme.owner, circle_id=circle.pk)
    with pytest.raises(Refused) as refused:
        circles.circle_answer(member=member, join=True)
    assert refused.value.code == "circle_closed"
    assert CircleMember.objects.get(pk=member.pk).joined is None


def test_a_member_who_erased_their_address_leaves_the_circle(programme):
    programme, people = programme
    (circle,) = circles.circles_propose(programme=programme, by=programme.owner)
    anna = people[0]
    contact_stop(player=anna)
    assert not circle.members.filter(player=anna).exists()
    assert not CircleOptIn.objects.filter(player=anna).exists()
    with pytest.raises(Refused) as refused:
        circles.circle_opt_in(player=anna, on=True)
    assert refused.value.code == "no_address"


def test_deleting_a_sessions_people_removes_their_memberships(programme):
    programme, people = programme
    circles.circles_propose(programme=programme, by=programme.owner)
    workshop_forget_people(workshop=people[0].workshop, by=programme.owner)
    assert CircleMember.objects.count() == 2 and CircleOptIn.objects.count() == 2


def test_too_few_or_not_the_owner_is_refused():
    workshop, _people = session_of(("Anna", "Bob", "Cees"))
    programme = programme_create(owner=workshop.facilitator, name="Klein")
    programme_add_session(programme=programme, by=workshop.facilitator, code=workshop.code)
    with pytest.raises(Refused) as refused:
        circles.circles_propose(programme=programme, by=workshop.facilitator)
    assert refused.value.code == "circle_too_few" and not Circle.objects.exists()


def test_the_introduction_day_introduces_fewer_than_three(programme, smtp):
    programme, _people = programme
    (circle,) = circles.circles_propose(programme=programme, by=programme.owner)
    circles.circle_invite(programme=programme, by=programme.owner, circle_id=circle.pk)
    followups_run(base_url=BASE)
    answer(smtp, "anna@example.org", "yes")
    answer(smtp, "bob@example.org", "yes")
    circles.circle_change(
        programme=programme,
        by=programme.owner,
        circle_id=circle.pk,
        name="Kring Twente",
        host_id=None,
        introduce_on=timezone.localdate(),
    )
    call_command("send_followups", "--base-url", BASE, stdout=io.StringIO())
    intros = sorted(m["To"] for m in smtp.received if "Maak kennis" in m["Subject"])
    assert intros == ["anna@example.org", "bob@example.org"]


def test_tablemates_are_dealt_over_circles_when_others_fit():
    """Rule 4: eighteen people of one theme, three tables of six: three circles of six,
    two of each table in each circle."""
    workshop, _table, people = session_with_table(
        tuple(f"P{n}" for n in range(18)), themes=3, start=False, table_size=6
    )
    for person in people:
        plan_save(player=person, items=[{"card": "thema-2-1"}])
    people = list(Player.objects.filter(workshop=workshop).order_by("pk"))
    groups = circles.propose(people)
    assert sorted(len(g) for g in groups) == [6, 6, 6]
    for group in groups:
        tables = [p.table_id for p in group]
        assert max(tables.count(t) for t in set(tables)) == 2


@pytest.mark.parametrize(
    "body",
    ["not json", "[]", '{"on": "yes"}', '{"on": 1}', "{}", '{"on": true, "x": 1}', "[" * 200],
)
def test_the_plan_pages_circle_tick_refuses_what_is_not_a_true_or_false(body):
    _workshop, people = session_of(("Anna", "Bob"))
    anna = people[0]
    circles.circle_opt_in(player=anna, on=False)
    response = phone_of(anna).post(reverse("plan_circle"), body, content_type="application/json")
    assert response.status_code == 400 and response.json()["message"]
    assert not CircleOptIn.objects.filter(player=anna).exists()
    assert (
        Client().post(reverse("plan_circle"), "{}", content_type="application/json").status_code
        == 403
    )


def test_an_answer_that_is_neither_yes_nor_no_changes_nothing(programme, smtp):
    programme, _people = programme
    (circle,) = circles.circles_propose(programme=programme, by=programme.owner)
    circles.circle_invite(programme=programme, by=programme.owner, circle_id=circle.pk)
    followups_run(base_url=BASE)
    assert answer(smtp, "anna@example.org", "maybe").status_code == 400
    assert answer(smtp, "anna@example.org", "").status_code == 400
    assert not CircleMember.objects.filter(joined__isnull=False).exists()


def test_ids_of_another_programme_are_not_found(programme):
    programme, _people = programme
    (circle,) = circles.circles_propose(programme=programme, by=programme.owner)
    other = programme_create(owner=programme.owner, name="Ander programma")
    theirs = Circle.objects.create(programme=other, name="Elders")
    member = circle.members.first()
    for call, kwargs in (
        (circles.circle_move, {"member_id": member.pk, "circle_id": theirs.pk}),
        (circles.circle_invite, {"circle_id": theirs.pk}),
        (circles.circle_close, {"circle_id": theirs.pk}),
    ):
        with pytest.raises(Refused) as refused:
            call(programme=programme, by=programme.owner, **kwargs)
        assert refused.value.code == "not_found"
    with pytest.raises(Refused):
        circles.circle_move(
            programme=other, by=programme.owner, member_id=member.pk, circle_id=theirs.pk
        )
    assert CircleMember.objects.get(pk=member.pk).circle_id == circle.pk
    assert Circle.objects.get(pk=theirs.pk).closed is None
    assert not Mail.objects.filter(kind="invite").exists()


def test_a_circle_needs_a_name_and_an_invited_member_stays(programme, smtp):
    programme, _people = programme
    (circle,) = circles.circles_propose(programme=programme, by=programme.owner)
    for name in ("", "   ", "x" * 101):
        with pytest.raises(Refused) as refused:
            circles.circle_change(
                programme=programme,
                by=programme.owner,
                circle_id=circle.pk,
                name=name,
                host_id=None,
                introduce_on=None,
            )
        assert refused.value.code == "bad_circle_name"
    other = Circle.objects.create(programme=programme, name="Tweede kring")
    circles.circle_invite(programme=programme, by=programme.owner, circle_id=circle.pk)
    member = circle.members.first()
    with pytest.raises(Refused) as refused:
        circles.circle_move(
            programme=programme, by=programme.owner, member_id=member.pk, circle_id=other.pk
        )
    assert refused.value.code == "circle_member_invited"
    assert Circle.objects.get(pk=circle.pk).name.startswith("Leerkring 1")
    assert CircleMember.objects.get(pk=member.pk).circle_id == circle.pk
