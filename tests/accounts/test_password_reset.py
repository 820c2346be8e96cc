"""'Wachtwoord vergeten?': Django's reset views with our pages, mail over the configured
SMTP server, links on PUBLIC_URL, the same answer for known and unknown addresses."""

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import ATTACKER, HOME
from tests.accounts.mails import link_in, only_mail_to

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new secret 42"


def ask(client: Client, email: str, address: str = HOME):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def test_the_login_page_offers_wachtwoord_vergeten(db):
    page = Client().get(reverse("login")).content.decode()
    assert f'href="{reverse("password_reset")}">Wachtwoord vergeten?</a>' in page


def test_the_admin_login_page_offers_a_reset_too(db):
    page = Client().get(reverse("admin:login")).content.decode()
    assert f'href="{reverse("admin_password_reset")}"' in page


def test_a_forgotten_password_is_reset_by_mail_and_then_logs_in(facilitator, smtp):
    client = Client()
    response = ask(client, "fenna@example.org")
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    mail = only_mail_to(smtp, "fenna@example.org")
    assert mail["Subject"] == "Een nieuw wachtwoord voor Innovation on Track"
    assert mail["From"] == "Innovation on Track <kwartet@example.org>"
    form = client.get(link_in(mail), follow=True)
    assert form.status_code == 200 and b"new_password1" in form.content
    done = client.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link_in(mail),
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert done.status_code == 302 and done["Location"] == reverse("host:home")
    assert client.get(reverse("host:home")).status_code == 200  # logged in
    client.post(reverse("logout"))
    again = client.post(reverse("login"), {"username": "fenna", "password": NEW_PASSWORD})
    assert again.status_code == 302 and again["Location"] == reverse("host:home")


def test_the_link_comes_from_configuration_not_from_the_host_header(facilitator, smtp, settings):
    settings.ALLOWED_HOSTS = ["evil.example", "kwartet.test"]
    Client().post(
        reverse("password_reset"), {"email": "fenna@example.org"}, HTTP_HOST="evil.example"
    )
    text = only_mail_to(smtp, "fenna@example.org").get_body().get_content()
    assert "evil.example" not in text
    assert link_in(only_mail_to(smtp, "fenna@example.org")).startswith("/password/reset/")


def test_an_unknown_address_gets_the_same_page_and_no_mail(facilitator, smtp):
    known, unknown = ask(Client(), "fenna@example.org"), ask(Client(), "nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"])
    assert [mail["To"] for mail in smtp.received] == ["fenna@example.org"]


def test_the_done_page_says_how_long_the_link_holds(db):
    page = Client().get(reverse("password_reset_done")).content.decode()
    assert "3 dagen" in page


def test_a_used_reset_link_is_refused(facilitator, smtp):
    client = Client()
    ask(client, "fenna@example.org")
    link = link_in(only_mail_to(smtp, "fenna@example.org"))
    form = client.get(link, follow=True)
    set_url = form.redirect_chain[-1][0]
    client.post(set_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    stranger = Client()
    page = stranger.get(link, follow=True).content.decode()
    assert "new_password1" not in page and "Deze link is niet geldig" in page


def test_a_reset_link_is_refused_after_three_days(facilitator, smtp, monkeypatch):
    from datetime import datetime, timedelta

    from django.contrib.auth.tokens import PasswordResetTokenGenerator

    ask(Client(), "fenna@example.org")
    link = link_in(only_mail_to(smtp, "fenna@example.org"))
    later = datetime.now() + timedelta(days=3, minutes=1)
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: later)
    page = Client().get(link, follow=True).content.decode()
    assert "new_password1" not in page and "Deze link is niet geldig" in page


def test_one_address_cannot_bomb_mailboxes_with_reset_mails(facilitator, smtp):
    client = Client()
    answers = [ask(client, f"someone{n}@example.org", ATTACKER).status_code for n in range(6)]
    assert answers == [302] * 5 + [429]
    assert (
        "Te veel aanvragen voor een nieuw wachtwoord"
        in ask(client, "x@example.org", ATTACKER).content.decode()
    )


def test_many_addresses_cannot_bomb_one_mailbox(facilitator, smtp):
    for n in range(6):
        assert ask(Client(), "fenna@example.org", f"203.0.113.{n}").status_code == 302
    assert len(smtp.received) == 3


def test_a_reset_lets_the_owner_in_while_strangers_are_locked_out(facilitator, smtp, settings):
    """Guesses from everywhere have used up the account's limit: choosing a new password
    from the mail logs the owner in all the same, and the count starts again."""
    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    for n in range(3):
        Client().post(
            reverse("login"), {"username": "fenna", "password": "x"}, REMOTE_ADDR=f"203.0.113.{n}"
        )
    client = Client()
    ask(client, "fenna@example.org")
    form = client.get(link_in(only_mail_to(smtp, "fenna@example.org")), follow=True)
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done["Location"] == reverse("host:home")
    fresh = Client().post(reverse("login"), {"username": "fenna", "password": NEW_PASSWORD})
    assert fresh.status_code == 302
