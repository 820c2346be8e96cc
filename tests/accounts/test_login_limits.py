"""Failed logins are limited per account from one address, per address, and per account
from everywhere, and refused before the password is checked (game.room.login_limits)."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.accounts.conftest import ATTACKER, HOME, PASSWORD

pytestmark = pytest.mark.django_db


def guess(client: Client, username: str, password: str, address: str = ATTACKER, url=None):
    return client.post(
        url or reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_fifty_wrong_passwords_are_refused_after_five_without_checking_them(
    facilitator, password_checks
):
    client = Client()
    answers = [guess(client, "fenna", f"guess-{n}").status_code for n in range(50)]
    assert len(password_checks) == 5
    assert answers[:5] == [200] * 5 and answers[5:] == [429] * 45


def test_the_refusal_says_why_and_how_long_to_wait(facilitator):
    client = Client()
    for n in range(5):
        guess(client, "fenna", f"guess-{n}")
    page = guess(client, "fenna", PASSWORD).content.decode()
    said = "Te veel mislukte pogingen om in te loggen. Probeer het over ([0-9]+) min. opnieuw"
    assert 1 <= int(re.search(said, page).group(1)) <= 15
    assert 'href="/password/reset/"' in page


def test_the_refusal_is_in_english_for_an_english_page(facilitator):
    client = Client()
    client.cookies["django_language"] = "en"
    for n in range(6):
        response = guess(client, "fenna", f"guess-{n}")
    assert response.status_code == 429
    assert re.search("Too many failed logins. Try again in [0-9]+ min.", response.content.decode())


def test_the_same_account_logs_in_from_another_address(facilitator):
    attacker = Client()
    for n in range(10):
        guess(attacker, "fenna", f"guess-{n}")
    response = guess(Client(), "fenna", PASSWORD, address=HOME)
    assert response.status_code == 302 and response["Location"] == reverse("host:home")


def test_a_successful_login_starts_the_count_again(facilitator, password_checks):
    client = Client()
    for n in range(4):
        guess(client, "fenna", f"guess-{n}", address=HOME)
    assert guess(client, "fenna", PASSWORD, address=HOME).status_code == 302
    client.post(reverse("logout"))
    answers = [guess(client, "fenna", f"typo-{n}", address=HOME).status_code for n in range(5)]
    assert answers == [200] * 5
    assert len(password_checks) == 10


def test_one_address_cannot_spread_its_guesses_over_many_accounts(db, settings):
    client = Client()
    answers = [guess(client, f"user{n}", "guess").status_code for n in range(21)]
    assert answers[:20] == [200] * 20 and answers[20] == 429


def test_guesses_from_many_addresses_stop_strangers_but_not_the_owners_browser(
    facilitator, settings
):
    settings.LOGIN_FAILURES_PER_ACCOUNT = 10
    owner = Client()
    assert guess(owner, "fenna", PASSWORD, address=HOME).status_code == 302
    owner.post(reverse("logout"))
    for n in range(10):
        guess(Client(), "fenna", "guess", address=f"203.0.113.{n}")
    assert guess(Client(), "fenna", PASSWORD, address="192.0.2.1").status_code == 429
    # The owner's browser, known to the account, gets in, even from a new address.
    assert guess(owner, "fenna", PASSWORD, address="192.0.2.2").status_code == 302


def test_the_admin_login_is_limited_the_same_way(db, password_checks):
    from tests.factories import UserFactory

    UserFactory(username="ada", is_staff=True, is_superuser=True)
    client = Client()
    url = reverse("admin:login")
    answers = [guess(client, "ada", f"guess-{n}", url=url).status_code for n in range(8)]
    assert answers[:5] == [200] * 5 and answers[5:] == [429] * 3
    assert len(password_checks) == 5
    assert "Te veel mislukte pogingen" in guess(client, "ada", "x", url=url).content.decode()


def test_the_admin_login_still_logs_in_an_admin(db):
    from tests.factories import UserFactory

    UserFactory(username="ada", is_staff=True, is_superuser=True)
    response = guess(Client(), "ada", PASSWORD, url=reverse("admin:login"), address=HOME)
    assert response.status_code == 302


def test_the_counts_live_in_the_shared_cache_so_every_worker_sees_them(
    facilitator, settings, redis_url
):
    """With REDIS_URL the counts are in Redis: another worker, with a connection of its
    own, sees them and refuses the sixth guess as this one would."""
    import secrets

    from django.core.cache.backends.redis import RedisCache

    prefix = f"test-{secrets.token_hex(4)}"  # never clear a Redis that others may use
    config = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    settings.CACHES = {"default": {**config, "KEY_PREFIX": prefix}}
    for n in range(5):
        guess(Client(), "fenna", f"guess-{n}")
    other_worker = RedisCache(redis_url, {"KEY_PREFIX": prefix})
    raw = other_worker._cache.get_client()
    keys = [key.decode().split(":", 2)[-1] for key in raw.keys(f"{prefix}:*")]
    try:
        assert 5 in other_worker.get_many(keys).values()
        assert guess(Client(), "fenna", PASSWORD).status_code == 429
    finally:
        other_worker.delete_many(keys)


def test_guesses_in_flight_at_once_are_counted_before_any_is_checked(rf):
    """Twenty logins at once from one address, none finished yet: five go on to the
    password check, fifteen are refused (the count is taken before the check)."""
    from game.errors import Refused
    from game.room import login_limits

    request = rf.post("/login/", REMOTE_ADDR=ATTACKER)
    let_through = 0
    for _n in range(20):
        try:
            login_limits.login_attempt(request, "fenna")
            let_through += 1
        except Refused:
            pass
    assert let_through == 5


def test_a_facilitators_own_logins_do_not_use_up_their_address(facilitator, settings):
    """A venue's facilitators share one address: logging in is not a failure."""
    settings.LOGIN_FAILURES_PER_ADDRESS = 3
    for _n in range(5):
        client = Client()
        assert guess(client, "fenna", PASSWORD, address=HOME).status_code == 302
    assert guess(Client(), "someone", "wrong", address=HOME).status_code == 200


def test_a_browser_known_to_one_account_is_a_stranger_to_another(facilitator, settings):
    """An attacker's own account gives their browser no way past fenna's limit."""
    from game.room.accounts import facilitator_create

    settings.LOGIN_FAILURES_PER_ACCOUNT = 3
    facilitator_create(username="mallory", password=PASSWORD, email="m@example.org")
    attacker = Client()
    assert guess(attacker, "mallory", PASSWORD).status_code == 302
    for n in range(3):
        guess(Client(), "fenna", "guess", address=f"203.0.113.{n}")
    assert guess(attacker, "fenna", PASSWORD, address="192.0.2.9").status_code == 429
    attacker.cookies["known_login"] = "fenna"  # forged, unsigned
    assert guess(attacker, "fenna", PASSWORD, address="192.0.2.9").status_code == 429
