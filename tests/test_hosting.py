"""Who may host (innovation_track.hosting): the game's pages and the deck studio's
have one door, and refuse the same way."""

import pytest
from django.contrib.auth.views import redirect_to_login
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory, facilitator

pytestmark = pytest.mark.django_db

# A page of the facilitator's dashboard and one of the deck studio.
PAGES = ["host:home", "host:programmes", "cards:studio"]


def logged_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.mark.parametrize("page", PAGES)
def test_someone_not_logged_in_is_sent_to_log_in_and_back(page):
    url = reverse(page)
    response = Client().get(url)
    assert response.status_code == 302
    assert response["Location"] == redirect_to_login(url).url


@pytest.mark.parametrize("page", PAGES)
def test_an_account_that_may_not_host_is_told_why(page):
    response = logged_in(UserFactory(username="piet")).get(reverse(page))
    assert response.status_code == 403
    assert "Dit account mag geen sessies leiden" in response.content.decode()


@pytest.mark.parametrize("page", PAGES)
def test_a_facilitator_and_an_admin_come_in(page):
    admin = UserFactory(username="ada", is_staff=True, is_superuser=True)
    assert logged_in(facilitator()).get(reverse(page)).status_code == 200
    assert logged_in(admin).get(reverse(page)).status_code == 200
