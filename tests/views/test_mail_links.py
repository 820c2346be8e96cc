"""Links in mail come from configuration only (PUBLIC_URL, else LOCAL_URL): the Host header
of the request that made a mail go is the asker's to choose, so it never reaches one."""

import json
import threading

import pytest
from django.urls import reverse

from game.followups.mail import SEND_SOON_THREAD
from game.models import Mail
from game.plans.services import plan_save
from tests.followups.smtp import parts
from tests.plans.builders import phone_of
from tests.tables import session_with_table

# The mail goes from a thread of its own after the commit, as on the server.
pytestmark = pytest.mark.django_db(transaction=True)

FORGED_HOST = "127.0.0.1:31337"


def ask_for_the_plan_by_mail(smtp, settings) -> str:
    """Anna leaves her address and asks for her plan, through a forged Host; her mail's
    text, once it arrived."""
    settings.FOLLOWUPS_SEND_AT_ONCE = True
    _workshop, _table, (anna, _bob) = session_with_table(("Anna", "Bob"), start=False)
    phone = phone_of(anna)
    body = json.dumps({"email": "anna@example.org", "consent": True})
    phone.post(reverse("plan_contact"), body, content_type="application/json")
    plan_save(player=anna, items=[{"card": "thema-1-1"}])
    answer = phone.post(reverse("plan_send"), HTTP_HOST=FORGED_HOST)
    assert answer.json() == {"ok": True}
    (mail,) = smtp.wait_for(1)
    # The thread that sent it writes the mail down as sent after the server took it: the
    # test ends after that, not while it still uses the database.
    for thread in threading.enumerate():
        if thread.name.startswith(SEND_SOON_THREAD):
            thread.join(timeout=10)
            assert not thread.is_alive(), f"{thread.name} still runs after 10 s"
    assert Mail.objects.get(player=anna, kind="plan").status == Mail.Status.SENT
    return parts(mail)[0]


def test_a_forged_host_does_not_reach_the_links_of_a_mail(smtp, settings):
    text = ask_for_the_plan_by_mail(smtp, settings)
    assert "31337" not in text
    assert "http://kwartet.test/kaarten/" in text  # PUBLIC_URL (the smtp fixture's)


def test_without_public_url_the_links_use_the_configured_local_address(smtp, settings):
    settings.PUBLIC_URL = ""
    settings.LOCAL_URL = "http://127.0.0.1:8000"
    text = ask_for_the_plan_by_mail(smtp, settings)
    assert "31337" not in text
    assert "http://127.0.0.1:8000/kaarten/" in text
