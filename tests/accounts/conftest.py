import pytest

from game.room.accounts import facilitator_create

PASSWORD = "correct horse battery staple"
ATTACKER = "203.0.113.66"
HOME = "198.51.100.7"


@pytest.fixture(autouse=True)
def fast_hashing(settings):
    """A cheap hasher, so that a test of many guesses counts checks instead of waiting."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def facilitator(db, fast_hashing):
    return facilitator_create(username="fenna", password=PASSWORD, email="fenna@example.org")


@pytest.fixture
def password_checks(monkeypatch) -> list[str]:
    """Every password the server checked against a stored hash (the costly step)."""
    from django.contrib.auth import base_user

    checked: list[str] = []
    real = base_user.check_password

    def counting(raw_password, encoded, setter=None, **kwargs):
        checked.append(raw_password)
        return real(raw_password, encoded, setter, **kwargs)

    monkeypatch.setattr(base_user, "check_password", counting)
    return checked
