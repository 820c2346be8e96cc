"""A programme's helpers ("Wie kan helpen"): imported and exported as CSV and XLSX under
exactly the header ``name,organisation,email,phone,url,region,themes,cards,offer``, every
bad cell refused with its row and column and nothing saved, edited in the page; shown
beside the cards of a player's plan, in the plan mail and in the follow-ups, an address
or phone only where the helper allows it."""

import csv
import io
import json

import pytest
from django.test import Client
from django.urls import reverse

from cards.sheets import SheetProblems
from game.followups.mail import followups_run
from game.models import Helper, PlanItem
from game.programmes.helpers import COLUMNS, helpers_csv, helpers_import, helpers_xlsx
from game.programmes.services import programme_add_session, programme_create, programme_share
from tests.factories import facilitator
from tests.followups.builders import BASE, ended_session
from tests.followups.smtp import parts
from tests.plans.builders import phone_of

pytestmark = pytest.mark.django_db

HEADER = "name,organisation,email,phone,url,region,themes,cards,offer"


@pytest.fixture
def setup():
    """An ended session of three with plans (tests/followups/builders.py) in a programme."""
    session = ended_session()
    owner = session.workshop.facilitator
    programme = programme_create(owner=owner, name="Overijssel 2027")
    programme_add_session(programme=programme, by=owner, code=session.workshop.code)
    return session, programme


def card_of(player):
    return PlanItem.objects.filter(player=player).order_by("position").first().card


def csv_file(*rows: str) -> bytes:
    return "\n".join([HEADER, *rows]).encode("utf-8")


def test_a_csv_of_helpers_is_imported_and_comes_back_the_same(setup):
    session, programme = setup
    card = card_of(session.players[0])
    content = csv_file(
        f"Ans de Vries,KvK Oost,ans@kvk.example,+31 6 1234 5678,https://kvk.example/oost,Twente,"
        f'"{card.theme.name.upper()}",,"Gratis adviesgesprek, ook ""op locatie"""',
        f"Voucherloket,Provincie,,,,,,{card.title.lower()};{card.title},=Subsidie tot 5000 euro",
    )
    assert helpers_import(programme=programme, by=programme.owner, content=content) == 2
    ans, loket = programme.helpers.order_by("name")
    assert ans.themes == card.theme.name  # saved as the deck spells it
    assert ans.offer == 'Gratis adviesgesprek, ook "op locatie"'
    assert loket.cards == f"{card.title}; {card.title}" and loket.offer.startswith("=")
    text = helpers_csv(programme).decode("utf-8")
    assert text.startswith("\ufeff" + HEADER)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0] == COLUMNS and len(rows) == 3
    assert rows[2][-1] == "'=Subsidie tot 5000 euro"  # a formula stays text in a spreadsheet
    # What was exported imports again unchanged.
    before = list(programme.helpers.values_list(*COLUMNS))
    helpers_import(programme=programme, by=programme.owner, content=helpers_csv(programme))
    assert list(programme.helpers.values_list(*COLUMNS)) == before


def test_the_xlsx_export_reads_back_with_openpyxl_and_imports(setup):
    from openpyxl import load_workbook

    session, programme = setup
    card = card_of(session.players[0])
    helpers_import(
        programme=programme,
        by=programme.owner,
        content=csv_file(f"Ans,,,,,,,{card.title},=1+1"),
    )
    workbook = load_workbook(io.BytesIO(helpers_xlsx(programme)))
    rows = [[cell.value or "" for cell in row] for row in workbook.active.iter_rows()]
    assert rows[0] == COLUMNS
    assert rows[1][COLUMNS.index("offer")] == "=1+1"
    assert workbook.active["I2"].data_type == "s"  # text, not a formula
    exported = helpers_xlsx(programme)
    programme.helpers.all().delete()
    helpers_import(programme=programme, by=programme.owner, content=exported, filename="h.xlsx")
    assert programme.helpers.get().offer == "=1+1"


def test_every_bad_cell_is_named_by_row_and_column_and_nothing_is_saved(setup):
    session, programme = setup
    card = card_of(session.players[0])
    helpers_import(programme=programme, by=programme.owner, content=csv_file("Oud,,,,,,,,blijft"))
    content = csv_file(
        "Ans,,ans@,,,,,,Advies",
        "Bob,,,,javascript:alert(1),,,,Advies",
        "Cees,,,bel mij,,,,,Advies",
        ",,,,,,,,Advies",
        f"Dirk,,,,,,Geen thema;{card.theme.name},,Advies",
        "Els,,,,,,,Geen kaart,Advies",
        "Fay,,,,,,,,",
    )
    with pytest.raises(SheetProblems) as refused:
        helpers_import(programme=programme, by=programme.owner, content=content)
    problems = refused.value.problems
    assert problems == [
        "rij 2, kolom email: ans@ is geen e-mailadres",
        "rij 3, kolom url: javascript:alert(1) is geen webadres (https://…)",
        "rij 4, kolom phone: bel mij is geen telefoonnummer (cijfers, spaties, + ( ) - .)",
        "rij 5, kolom name: leeg; elke helper heeft er een nodig",
        "rij 6, kolom themes: Geen thema: geen thema van de decks van het programma",
        "rij 7, kolom cards: Geen kaart: geen kaart van de decks van het programma (kaarten bij hun titel)",
        "rij 8, kolom offer: leeg; elke helper heeft er een nodig",
    ]
    assert list(programme.helpers.values_list("name", flat=True)) == ["Oud"]


@pytest.mark.parametrize(
    "content",
    [
        b"name,email\nAns,ans@example.org\n",
        ("organisation," + HEADER.replace(",organisation", "") + "\n").encode(),
        b"",
        b"\x00\x01\x02 not a sheet",
        b"PK\x03\x04 not really a zip",
        b"x" * (1024 * 1024 + 1),
    ],
)
def test_a_file_that_is_no_helper_sheet_is_refused_whole(setup, content):
    _session, programme = setup
    helpers_import(programme=programme, by=programme.owner, content=csv_file("Oud,,,,,,,,blijft"))
    with pytest.raises(SheetProblems) as refused:
        helpers_import(programme=programme, by=programme.owner, content=content)
    assert refused.value.problems
    assert programme.helpers.count() == 1


def test_only_the_owner_changes_helpers_and_strangers_get_404(setup):
    _session, programme = setup
    shared = facilitator("sanne")
    programme_share(programme=programme, by=programme.owner, username="sanne")
    client = Client()
    client.force_login(shared)
    url = reverse("host:programme_helpers_import", kwargs={"pk": programme.pk})
    upload = io.BytesIO(csv_file("Ans,,,,,,,,Advies"))
    upload.name = "helpers.csv"
    page = client.post(url, {"file": upload}, follow=True)
    assert "Alleen de eigenaar" in page.content.decode()
    assert not programme.helpers.exists()
    assert (
        client.get(
            reverse("host:programme_helpers_file", kwargs={"pk": programme.pk, "kind": "csv"})
        ).status_code
        == 200
    )
    stranger = Client()
    stranger.force_login(facilitator("otto"))
    for name, kwargs in (
        ("host:programme_helpers_file", {"pk": programme.pk, "kind": "csv"}),
        ("host:programme_helpers_file", {"pk": programme.pk, "kind": "xlsx"}),
    ):
        assert stranger.get(reverse(name, kwargs=kwargs)).status_code == 404
    upload.seek(0)
    assert stranger.post(url, {"file": upload}).status_code == 404
    assert not programme.helpers.exists()


def test_the_owner_adds_changes_and_removes_a_helper_in_the_page(setup):
    session, programme = setup
    card = card_of(session.players[0])
    client = Client()
    client.force_login(programme.owner)
    url = reverse("host:programme_action", kwargs={"pk": programme.pk})
    fields = {c: "" for c in COLUMNS} | {"name": "Ans", "offer": "Advies", "cards": card.title}
    client.post(url, {**fields, "action": "helper_add", "show_contact": "on"})
    helper = programme.helpers.get()
    assert helper.show_contact and helper.cards == card.title
    page = client.post(
        url, {**fields, "email": "ans@", "action": "helper_edit", "helper": helper.pk}, follow=True
    )
    assert "email: ans@ is geen e-mailadres" in page.content.decode()
    assert programme.helpers.get().email == ""
    client.post(
        url, {**fields, "email": "ans@kvk.example", "action": "helper_edit", "helper": helper.pk}
    )
    assert programme.helpers.get().email == "ans@kvk.example"
    page = client.get(reverse("host:programme", kwargs={"pk": programme.pk})).content.decode()
    assert "Wie kan helpen" in page and "ans@kvk.example" in page
    client.post(url, {"action": "helper_delete", "helper": helper.pk})
    assert not programme.helpers.exists()


def test_the_plan_page_shows_the_helpers_of_a_card_contact_only_when_allowed(setup):
    session, programme = setup
    anna = session.players[0]
    card = card_of(anna)
    Helper.objects.create(
        programme=programme,
        name="Ans",
        offer="Advies",
        cards=card.title,
        email="ans@kvk.example",
        phone="053 1234567",
    )
    Helper.objects.create(
        programme=programme,
        name="Loket",
        offer="Vouchers",
        themes=card.theme.name,
        email="loket@example.org",
        show_contact=True,
    )
    Helper.objects.create(programme=programme, name="Anders", offer="Iets anders", cards="Geen")
    page = phone_of(anna).get(reverse("plan")).content.decode()
    data = json.loads(
        page.split('<script id="plan-data" type="application/json">')[1].split("</script>")[0]
    )
    shown = data["helpers"][card.key]
    assert [(h["name"], h["email"], h["phone"]) for h in shown] == [
        ("Ans", "", ""),
        ("Loket", "loket@example.org", ""),
    ]
    assert "ans@kvk.example" not in page and "Iets anders" not in page


def test_the_plan_mail_and_the_follow_ups_show_the_helpers(setup, smtp):
    session, programme = setup
    anna = session.players[0]
    card = card_of(anna)
    Helper.objects.create(
        programme=programme,
        name="Ans de Vries",
        organisation="KvK",
        offer="Gratis adviesgesprek",
        cards=card.title,
        url="https://kvk.example",
        email="ans@kvk.example",
    )
    followups_run(base_url=BASE)  # the plan, right after the session
    plan = next(m for m in smtp.received if m["To"] == "anna@example.org")
    text, html = parts(plan)
    assert (
        "Wie kan helpen:" in text
        and "Ans de Vries (KvK): Gratis adviesgesprek https://kvk.example" in text
    )
    assert "Gratis adviesgesprek" in html and "ans@kvk.example" not in text + html
