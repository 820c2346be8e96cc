"""A deck never changes under a session: every session so far moves to a frozen version
of its deck as the deck is now (cards.studio.deck_version_for_session makes them from
now on), and its players' plans to that version's cards (the same theme and number).

A deck no session plays gets its first version when a session first needs one.
"""

from django.db import migrations


def _free_slug(Deck, base):
    slug, n = base, 1
    while Deck.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def freeze_the_decks_of_sessions(apps, schema_editor):
    Deck = apps.get_model("cards", "Deck")
    Theme = apps.get_model("cards", "Theme")
    Card = apps.get_model("cards", "Card")
    CardLink = apps.get_model("cards", "CardLink")
    Workshop = apps.get_model("game", "Workshop")
    PlanItem = apps.get_model("game", "PlanItem")
    used = Workshop.objects.values_list("deck_id", flat=True).distinct()
    for deck in Deck.objects.filter(pk__in=list(used), frozen=False):
        version = Deck.objects.create(
            name=deck.name,
            slug=_free_slug(Deck, f"{deck.slug[:90]}-v1"),
            about=deck.about,
            language=deck.language,
            owner_id=deck.owner_id,
            published=deck.published,
            source=deck,
            frozen=True,
            version=1,
        )
        cards = {}  # old card id -> new card
        for theme in Theme.objects.filter(deck=deck).order_by("order"):
            copy = Theme.objects.create(
                deck=version,
                name=theme.name,
                slug=theme.slug,
                order=theme.order,
                colour=theme.colour,
            )
            for card in Card.objects.filter(theme=theme).order_by("number"):
                new = Card.objects.create(
                    theme=copy,
                    number=card.number,
                    title=card.title,
                    call_to_action=card.call_to_action,
                    example=card.example,
                    tip=card.tip,
                )
                cards[card.pk] = new
                CardLink.objects.bulk_create(
                    CardLink(card=new, order=link.order, label=link.label, url=link.url)
                    for link in CardLink.objects.filter(card=card).order_by("order", "id")
                )
        sessions = Workshop.objects.filter(deck=deck)
        for item in PlanItem.objects.filter(player__workshop__in=sessions, card_id__in=list(cards)):
            item.card = cards[item.card_id]
            item.save(update_fields=["card"])
        sessions.update(deck=version)


class Migration(migrations.Migration):
    dependencies = [
        ("cards", "0002_deck_owners_and_versions"),
        ("game", "0005_followups"),
    ]

    operations = [
        migrations.RunPython(freeze_the_decks_of_sessions, migrations.RunPython.noop),
    ]
