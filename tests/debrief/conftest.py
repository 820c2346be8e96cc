import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def dutch():
    """Selectors word seats ("Speler 1") in the active language: Dutch, the default,
    whatever an earlier test left active."""
    with translation.override("nl"):
        yield
