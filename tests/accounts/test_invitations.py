"""Inviting a facilitator by e-mail: an admin, or a facilitator given the right, sends a
signed link; the invitee chooses a username and password and lands on /host/."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from game.models import Workshop
from game.room.accounts import facilitator_create
from tests.accounts.conftest import PASSWORD
from tests.accounts.mails import link_in, only_mail_to
from tests.factories import DeckFactory, ThemeFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW = "nina@example.org"
CHOSEN = "a brand new secret 42"


@pytest.fixture
def admin_client(db) -> Client:
    client = Client()
    client.force_login(UserFactory(username="ada", is_staff=True, is_superuser=True))
    return client


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def invite(client: Client, email: str = NEW):
    return client.post(reverse("invite"), {"email": email}, follow=True)


def accept(client: Client, link: str, username: str = "nina", password: str = CHOSEN):
    data = {"username": username, "new_password1": password, "new_password2": password}
    return client.post(link, data)


def playable_deck():
    deck = DeckFactory(slug="innovatie")
    for order in range(1, 3):
        theme = ThemeFactory(deck=deck, order=order)
        for number in range(1, 5):
            theme.cards.create(number=number, title=f"Kaart {order}.{number}")
    return deck


def test_an_invitee_sets_a_password_and_lands_on_host_as_a_facilitator(admin_client, smtp):
    page = invite(admin_client).content.decode()
    assert f"Er is een uitnodiging gestuurd naar {NEW}." in page
    mail = only_mail_to(smtp, NEW)
    assert mail["Subject"] == "Je bent uitgenodigd als begeleider van Innovation on Track"
    invitee = Client()
    link = link_in(mail)
    assert b'name="username"' in invitee.get(link).content
    response = accept(invitee, link)
    assert response.status_code == 302 and response["Location"] == reverse("host:home")
    assert invitee.get(reverse("host:home")).status_code == 200
    nina = get_user_model().objects.get(username="nina")
    assert nina.email == NEW and nina.has_perm("game.host_workshop")


def test_the_new_facilitator_can_create_a_session(admin_client, smtp):
    deck = playable_deck()
    invite(admin_client)
    invitee = Client()
    accept(invitee, link_in(only_mail_to(smtp, NEW)))
    response = invitee.post(
        reverse("host:home"),
        {
            "name": "Regio Twente",
            "deck": deck.pk,
            "table_size": 5,
            "miss_passes_to": "asked",
            "pause_on_quartet": 0,
        },
    )
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert Workshop.objects.get().facilitator.username == "nina"


def test_the_new_facilitator_logs_in_with_the_chosen_password(admin_client, smtp):
    invite(admin_client)
    accept(Client(), link_in(only_mail_to(smtp, NEW)))
    response = Client().post(reverse("login"), {"username": "nina", "password": CHOSEN})
    assert response.status_code == 302


def test_a_used_invitation_link_is_refused(admin_client, smtp):
    invite(admin_client)
    link = link_in(only_mail_to(smtp, NEW))
    accept(Client(), link)
    stranger = Client()
    response = accept(stranger, link, username="mallory", password="another secret 77")
    assert response.status_code == 400
    assert "Deze uitnodigingslink is niet geldig" in response.content.decode()
    assert not get_user_model().objects.filter(username="mallory").exists()
    assert stranger.get(reverse("host:home")).status_code == 302  # not logged in


def test_a_tampered_invitation_link_is_refused(admin_client, smtp):
    invite(admin_client)
    link = link_in(only_mail_to(smtp, NEW))
    response = accept(Client(), link[:-3] + "abc/")
    assert response.status_code == 400
    assert get_user_model().objects.get(email=NEW).has_usable_password() is False


def test_an_expired_invitation_link_is_refused(admin_client, smtp, settings):
    invite(admin_client)
    link = link_in(only_mail_to(smtp, NEW))
    settings.PASSWORD_RESET_TIMEOUT = -1  # every link made before now has expired
    response = Client().get(link)
    assert response.status_code == 400
    assert "verlopen" in response.content.decode()


def test_a_reset_link_is_no_invitation(admin_client, smtp):
    """Tokens of the two kinds are salted apart: one cannot stand in for the other."""
    from django.contrib.auth.tokens import default_token_generator

    invite(admin_client)
    user = get_user_model().objects.get(email=NEW)
    link = link_in(only_mail_to(smtp, NEW))
    forged = link.rsplit("/", 2)[0] + "/" + default_token_generator.make_token(user) + "/"
    assert Client().get(forged).status_code == 400


def test_the_link_comes_from_configuration_not_from_the_host_header(smtp, settings):
    settings.ALLOWED_HOSTS = ["evil.example", "kwartet.test"]
    client = Client(HTTP_HOST="evil.example")
    client.force_login(UserFactory(username="ada", is_staff=True, is_superuser=True))
    client.post(reverse("invite"), {"email": NEW})
    mail = only_mail_to(smtp, NEW)
    assert "evil.example" not in mail.get_body().get_content()
    assert link_in(mail).startswith("/welcome/")


def test_a_facilitator_with_the_right_may_invite(smtp):
    fenna = facilitator_create(username="fenna", password=PASSWORD, email="fenna@example.org")
    fenna.user_permissions.add(Permission.objects.get(codename="invite_facilitators"))
    client = logged_in(fenna)
    assert "Begeleider uitnodigen" in client.get(reverse("host:home")).content.decode()
    invite(client)
    assert only_mail_to(smtp, NEW)


def test_a_facilitator_without_the_right_may_not_invite(smtp):
    fenna = facilitator_create(username="fenna", password=PASSWORD, email="fenna@example.org")
    client = logged_in(fenna)
    assert "Begeleider uitnodigen" not in client.get(reverse("host:home")).content.decode()
    response = client.post(reverse("invite"), {"email": NEW})
    assert response.status_code == 403
    assert smtp.received == [] and not get_user_model().objects.filter(email=NEW).exists()


def test_a_visitor_is_sent_to_log_in(db):
    response = Client().get(reverse("invite"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_an_address_in_use_does_not_leak_to_a_facilitator_and_makes_no_account(smtp):
    UserFactory(username="olga", email="olga@example.org")
    fenna = facilitator_create(username="fenna", password=PASSWORD, email="fenna@example.org")
    fenna.user_permissions.add(Permission.objects.get(codename="invite_facilitators"))
    page = invite(logged_in(fenna), "olga@example.org").content.decode()
    assert "Er is een uitnodiging gestuurd naar olga@example.org." in page
    assert "olga" not in page.replace("olga@example.org", "")
    mail = only_mail_to(smtp, "olga@example.org")
    assert "Dit adres heeft al een account" in mail.get_body().get_content()
    assert get_user_model().objects.filter(email="olga@example.org").count() == 1


def test_an_admin_learns_that_the_address_is_in_use(admin_client, smtp):
    UserFactory(username="olga", email="olga@example.org")
    page = invite(admin_client, "olga@example.org").content.decode()
    assert "olga@example.org heeft al een account (olga)" in page


def test_inviting_again_before_acceptance_sends_a_fresh_link(admin_client, smtp):
    invite(admin_client)
    invite(admin_client)
    assert [mail["To"] for mail in smtp.received] == [NEW, NEW]
    assert get_user_model().objects.filter(email=NEW).count() == 1
    response = accept(Client(), link_in(smtp.received[-1]))
    assert response.status_code == 302


def test_a_bad_address_is_refused_and_sends_nothing(admin_client, smtp):
    response = admin_client.post(reverse("invite"), {"email": "not an address"})
    assert response.status_code == 200 and "field-error" in response.content.decode()
    assert smtp.received == []


def test_the_invitee_must_choose_a_free_username_and_a_good_password(admin_client, smtp):
    UserFactory(username="olga")
    invite(admin_client)
    link = link_in(only_mail_to(smtp, NEW))
    taken = accept(Client(), link, username="Olga")
    assert "Die gebruikersnaam is al in gebruik" in taken.content.decode()
    weak = accept(Client(), link, password="12345678")
    assert weak.status_code == 200 and "field-error" in weak.content.decode()
    assert not get_user_model().objects.get(email=NEW).has_usable_password()


def test_a_mail_server_that_refuses_gets_a_clear_message_and_inviting_again_works(
    admin_client, smtp
):
    smtp.handler.bounce.add(NEW)
    response = admin_client.post(reverse("invite"), {"email": NEW})
    assert response.status_code == 503
    assert "De mail kon niet worden verstuurd" in response.content.decode()
    smtp.handler.bounce.clear()
    invite(admin_client)
    assert accept(Client(), link_in(only_mail_to(smtp, NEW))).status_code == 302
