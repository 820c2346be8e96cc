import pytest

from tests.tables import session_with_table


@pytest.fixture
def game():
    """A session with one started table of three players, on a deck of three themes."""
    return session_with_table(themes=3)
