"""A card's text in the mails and the pages' scripts as the booklet prints it: bold as
bold in HTML, no marks in plain text, and no entity shown as text."""

import json

import pytest
from django.urls import reverse
from django.utils import timezone

from game.followups.mail import build_message
from game.models import Mail, MailKind, PlayerContact
from tests.followups.builders import BASE, ended_session
from tests.plans.builders import host_client, phone_of

pytestmark = pytest.mark.django_db

CTA = "Deel **good practices** van R&D op een 'eigentijdse' manier."


@pytest.fixture
def session():
    session = ended_session()
    anna = session.players[0]
    card = anna.plan.first().card
    card.call_to_action = CTA
    card.save()
    return session


def test_the_text_mail_shows_the_words_and_the_html_mail_the_bold(session):
    anna = session.players[0]
    message = build_message(
        mail=Mail(player=anna, kind=MailKind.PLAN, due=timezone.now(), next_attempt=timezone.now()),
        player=anna,
        contact=PlayerContact.objects.get(player=anna),
        base_url=BASE,
    )
    text, (html, _type) = message.body, message.alternatives[0]
    assert "Deel good practices van R&D op een 'eigentijdse' manier." in text
    assert "**" not in text and "&amp;" not in text and "&#x27;" not in text
    assert "Deel <strong>good practices</strong> van R&amp;D op een &#x27;eigentijdse&#x27;" in html
    assert "**" not in html and "&amp;amp;" not in html


def script_json(page: str, element: str):
    data = page.split(f'<script id="{element}" type="application/json">', 1)[1]
    return json.loads(data.split("</script>", 1)[0])


def test_the_scripts_of_the_plan_and_the_projector_get_the_words_without_marks(session):
    anna = session.players[0]
    plan_page = phone_of(anna).get(reverse("plan")).content.decode()
    projector = host_client(session.workshop).get(
        reverse("host:projector", kwargs={"code": session.workshop.code})
    )
    plan_themes = script_json(plan_page, "plan-data")["themes"]
    projector_themes = script_json(projector.content.decode(), "themes").values()
    for themes in (plan_themes, projector_themes):
        ctas = [card["cta"] for theme in themes for card in theme["cards"]]
        assert "Deel good practices van R&D op een 'eigentijdse' manier." in ctas
        assert not any("**" in cta for cta in ctas)
