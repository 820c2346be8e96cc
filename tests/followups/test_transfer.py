"""Venue mode after the day: `export_session CODE --for-followups` on the laptop (plans,
cards, consents and addresses, nothing else; the laptop then sends nothing) and
`import_session FILE` or the dashboard's upload on the hosted server (the whole file
checked first, an unknown deck refused by name, never a session twice)."""

import json
from io import StringIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from game.followups.mail import followups_run
from game.models import Mail, PlanItem, PlayerContact, Workshop
from tests.factories import facilitator
from tests.followups.builders import BASE, ended_session
from tests.followups.smtp import parts

pytestmark = pytest.mark.django_db


def export(session, path) -> dict:
    call_command(
        "export_session",
        session.workshop.code,
        "--for-followups",
        "-o",
        str(path),
        stdout=StringIO(),
    )
    return json.loads(path.read_text())


def test_the_export_holds_plans_consents_and_addresses_and_nothing_else(tmp_path):
    session = ended_session()
    data = export(session, tmp_path / "f.json")
    assert data["format"] == "innovation-track-followups"
    assert set(data["session"]) == {
        "name",
        "code",
        "created",
        "ended",
        "deck",
        "followup_weeks_1",
        "followup_weeks_2",
        "plan_days",
    }
    anna, _bob, cees = data["players"]
    assert anna["contact"]["email"] == "anna@example.org"
    assert "contact" not in cees
    assert not any("name" in player for player in data["players"])  # no names at all
    assert "Anna" not in json.dumps(data["players"])
    assert len(cees["plan"]) == 2
    assert "tables" not in data and "polls" not in data
    assert oct((tmp_path / "f.json").stat().st_mode)[-3:] == "600"


def test_after_the_export_the_laptop_sends_nothing_for_the_session(tmp_path, smtp):
    session = ended_session()
    export(session, tmp_path / "f.json")
    assert Workshop.objects.get(pk=session.workshop.pk).followups_moved is not None
    assert followups_run(base_url=BASE).sent == [] and smtp.received == []


def test_an_open_session_is_not_exported_for_follow_ups(tmp_path):
    from tests.tables import session_with_table

    workshop, _table, _players = session_with_table(start=False)
    with pytest.raises(CommandError, match="still open"):
        call_command(
            "export_session", workshop.code, "--for-followups", "-o", str(tmp_path / "x.json")
        )


def test_the_archive_export_leaves_addresses_out():
    from game.debrief.archive import export_session

    session = ended_session()
    text = json.dumps(export_session(session.workshop, names=True))
    assert "anna@example.org" not in text


def import_here(path, user="hanna") -> str:
    facilitator(user)
    out = StringIO()
    call_command("import_session", str(path), "--facilitator", user, stdout=out)
    return out.getvalue()


def test_an_imported_session_sends_its_follow_ups_here_once(tmp_path, smtp):
    session = ended_session()
    data = export(session, tmp_path / "f.json")
    # The hosted server is this database too: make the laptop's session another one.
    Workshop.objects.filter(pk=session.workshop.pk).update(code="ZZZZZZ")
    assert "Imported session" in import_here(tmp_path / "f.json")
    assert "imported before; nothing changed" in import_here(tmp_path / "f.json")
    imported = Workshop.objects.get(import_key__isnull=False)
    assert imported.code == data["session"]["code"] and imported.status == "ended"
    assert imported.players.count() == 3
    assert PlayerContact.objects.filter(player__workshop=imported).count() == 2
    assert PlanItem.objects.filter(player__workshop=imported).count() == 6
    report = followups_run(base_url=BASE)
    assert len(report.sent) == 2  # the plans: on the laptop they were only files, if anything
    assert sorted(m["To"] for m in smtp.received) == ["anna@example.org", "bob@example.org"]
    for message in smtp.received:  # the names stayed on the laptop: a greeting without one
        text, html = parts(message)
        assert text.startswith(("Hallo,\r\n", "Hello,\r\n")), text[:40]
        assert "Speler" not in text and "Speler" not in html


@pytest.mark.parametrize(("days", "kept"), [(30, 30), (0, 0), (None, 7)])
def test_an_imported_session_keeps_its_plans_open_as_long_as_on_the_laptop(tmp_path, days, kept):
    """A file of before the setting (no plan_days) gets the default week."""
    session = ended_session()
    data = export(session, tmp_path / "f.json")
    if days is None:
        del data["session"]["plan_days"]
    else:
        data["session"]["plan_days"] = days
    (tmp_path / "g.json").write_text(json.dumps(data))
    Workshop.objects.filter(pk=session.workshop.pk).update(code="ZZZZZZ")
    import_here(tmp_path / "g.json")
    assert Workshop.objects.get(import_key__isnull=False).plan_days == kept


def test_an_if_then_line_goes_with_the_plan_and_a_file_without_one_is_read(tmp_path):
    session = ended_session()
    anna = session.players[0]
    PlanItem.objects.filter(player=anna, position=1).update(if_then="Als het voorjaar is")
    data = export(session, tmp_path / "f.json")
    assert data["players"][0]["plan"][0]["if_then"] == "Als het voorjaar is"
    del data["players"][1]["plan"][0]["if_then"]  # a file of before the line
    (tmp_path / "g.json").write_text(json.dumps(data))
    Workshop.objects.filter(pk=session.workshop.pk).update(code="ZZZZZZ")
    import_here(tmp_path / "g.json")
    imported = PlanItem.objects.filter(player__workshop__import_key__isnull=False)
    assert sorted(imported.values_list("if_then", flat=True)) == [""] * 5 + ["Als het voorjaar is"]


def test_mails_a_laptop_delivered_are_not_sent_again(tmp_path, smtp):
    session = ended_session()
    followups_run(base_url=BASE)  # the laptop had a mail server: the plans went
    data = export(session, tmp_path / "f.json")
    assert data["players"][0]["sent"] == ["plan"]
    Workshop.objects.filter(pk=session.workshop.pk).update(code="ZZZZZZ")
    import_here(tmp_path / "f.json")
    imported = Workshop.objects.get(import_key__isnull=False)
    assert Mail.objects.filter(player__workshop=imported, status="sent").count() == 2
    assert followups_run(base_url=BASE).sent == []


def test_an_unknown_deck_is_refused_by_name_and_nothing_is_made(tmp_path):
    session = ended_session()
    data = export(session, tmp_path / "f.json")
    data["session"]["deck"] = {"slug": "andere-regio", "name": "Andere regio"}
    (tmp_path / "g.json").write_text(json.dumps(data))
    before = Workshop.objects.count()
    with pytest.raises(CommandError, match=r"no deck Andere regio \(andere-regio\)"):
        import_here(tmp_path / "g.json")
    assert Workshop.objects.count() == before


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["players"][2]["plan"].append({"card": "nope-9"}), "not in the deck"),
        (lambda d: d["players"][0]["contact"].update(email="anna@"), "not an e-mail address"),
        (lambda d: d.update(version=9), "version 9"),
        (lambda d: d["session"].update(ended=None), "has not ended"),
        (lambda d: d["players"][1].update(tables=[]), "unknown fields"),
        (lambda d: d["session"].update(plan_days=91), "Plans stay open for 0 to 90 days"),
        (lambda d: d["players"][0]["plan"][0].update(if_then="x" * 201), "if-then"),
        (lambda d: d["session"].update(plan_days="7"), "plan_days must be a whole number"),
    ],
)
def test_the_whole_file_is_checked_before_anything_is_written(tmp_path, change, message):
    session = ended_session()
    data = export(session, tmp_path / "f.json")
    Workshop.objects.filter(pk=session.workshop.pk).update(code="ZZZZZZ")
    change(data)
    (tmp_path / "g.json").write_text(json.dumps(data))
    with pytest.raises(CommandError, match=message):
        import_here(tmp_path / "g.json")
    assert not Workshop.objects.filter(import_key__isnull=False).exists()
    assert not PlanItem.objects.filter(player__workshop__import_key__isnull=False).exists()


def test_the_dashboard_upload_imports_once(tmp_path):
    session = ended_session()
    data = export(session, tmp_path / "f.json")
    Workshop.objects.filter(pk=session.workshop.pk).update(code="ZZZZZZ")
    host = Client()
    host.force_login(facilitator("hanna"))
    url = reverse("host:import")
    assert host.get(url).status_code == 200
    for _ in range(2):
        upload = SimpleUploadedFile("f.json", json.dumps(data).encode(), "application/json")
        answer = host.post(url, {"file": upload})
        assert answer.status_code == 302
    assert Workshop.objects.filter(import_key__isnull=False).count() == 1
    bad = host.post(url, {"file": SimpleUploadedFile("x.json", b"not json")})
    assert bad.status_code == 400 and "geen JSON" in bad.content.decode()
    assert Client().get(url).status_code == 302  # to the login


def test_purging_and_forgetting_erase_the_addresses():
    from game.room.privacy import workshop_forget_people, workshops_purge

    first, second = ended_session(), ended_session(names=("Dirk", "Eva", "Fien"))
    workshop_forget_people(workshop=first.workshop, by=first.workshop.facilitator)
    assert not PlayerContact.objects.filter(player__workshop=first.workshop).exists()
    Workshop.objects.filter(pk=second.workshop.pk).update(
        created=second.workshop.created.replace(year=2000),
        ended=second.workshop.ended.replace(year=2000),
    )
    workshops_purge(older_than_days=90)
    assert not PlayerContact.objects.exists()


def test_a_session_waiting_for_its_follow_ups_is_kept_until_its_last_one_plus_the_retention():
    from datetime import timedelta

    from django.utils import timezone

    from game.room.privacy import workshops_purge

    waiting, silent = ended_session(), ended_session(names=("Dirk", "Eva", "Fien"))
    PlayerContact.objects.filter(player__workshop=silent.workshop).delete()
    held = timezone.now() - timedelta(days=100)  # 14 weeks ago: both follow-ups are past
    Workshop.objects.filter(pk__in=[waiting.workshop.pk, silent.workshop.pk]).update(
        created=held, ended=held
    )
    assert workshops_purge(older_than_days=90) == 1  # no address: 90 days after the day
    assert Workshop.objects.filter(pk=waiting.workshop.pk).exists()
    assert not Workshop.objects.filter(pk=silent.workshop.pk).exists()
    # 12 weeks + 90 days after the day, the one with addresses goes too, addresses with it.
    held = timezone.now() - timedelta(weeks=12, days=91)
    Workshop.objects.filter(pk=waiting.workshop.pk).update(created=held, ended=held)
    assert workshops_purge(older_than_days=90) == 1
    assert not PlayerContact.objects.exists()


def test_the_dashboard_upload_quotes_a_huge_version_in_a_few_characters(tmp_path):
    """A file is refused by its version, which it names; a version of 1 MB is not
    echoed into the page."""
    session = ended_session()
    data = export(session, tmp_path / "f.json")
    data["version"] = "9" * 1_000_000
    host = Client()
    host.force_login(facilitator("hanna"))
    upload = SimpleUploadedFile("f.json", json.dumps(data).encode(), "application/json")
    answer = host.post(reverse("host:import"), {"file": upload})
    page = answer.content.decode()
    assert answer.status_code == 400 and "is not known here" in page
    assert len(answer.content) < 50 * 1024 and "9" * 100 not in page
