"""Factories for test data. The deck fixture is for the product; tests build their own."""

import factory
from django.contrib.auth import get_user_model

from cards.models import Card, CardLink, Deck, Theme


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class DeckFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Deck

    name = factory.Sequence(lambda n: f"Deck {n}")
    slug = factory.Sequence(lambda n: f"deck-{n}")
    about = "Een spel over innovatie."
    published = True  # an admins' deck for every facilitator, as the real one


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Theme

    deck = factory.SubFactory(DeckFactory)
    name = factory.Sequence(lambda n: f"Thema {n}")
    slug = factory.Sequence(lambda n: f"thema-{n}")
    order = factory.Sequence(lambda n: n + 1)
    colour = "#1f5fa8"


class CardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Card

    theme = factory.SubFactory(ThemeFactory)
    number = factory.Sequence(lambda n: n % 4 + 1)
    title = factory.Sequence(lambda n: f"Kaart {n}")
    call_to_action = "Doe iets nieuws in uw regio."
    example = "Een voorbeeld uit de praktijk.\n\nNog een alinea."
    tip = ""


class CardLinkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CardLink

    card = factory.SubFactory(CardFactory)
    order = factory.Sequence(lambda n: n)
    label = "www.ncsi.nl"
    url = "http://www.ncsi.nl"


def playable_deck(*, themes: int = 5, **deck_fields) -> Deck:
    """A complete deck: ``themes`` themes of cards 1-4."""
    deck = DeckFactory(**deck_fields)
    for order in range(1, themes + 1):
        theme = ThemeFactory(deck=deck, order=order, name=f"Thema {order}", slug=f"thema-{order}")
        for number in range(1, 5):
            CardFactory(theme=theme, number=number, title=f"Thema {order} kaart {number}")
    return deck


def facilitator(username: str = "fenna"):
    """A user who may host sessions (member of the Facilitators group)."""
    from game.room.accounts import facilitator_group

    user = UserFactory(username=username)
    user.groups.add(facilitator_group())
    return type(user).objects.get(pk=user.pk)  # fresh: permission caches are per instance


def client_speaking(language: str, **defaults):
    """A test client that chose ``language`` with the language button."""
    from django.conf import settings
    from django.test import Client

    client = Client(**defaults)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client
