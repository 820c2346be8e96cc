import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cards.deckio import deck_export
from cards.models import Deck


class Command(BaseCommand):
    help = "Export a deck to JSON (stdout, or a file with --output)."

    def add_arguments(self, parser):
        parser.add_argument("slug")
        parser.add_argument("-o", "--output", type=Path)

    def handle(self, *args, slug: str, output: Path | None, **options):
        try:
            deck = Deck.objects.get(slug=slug)
        except Deck.DoesNotExist:
            known = ", ".join(Deck.objects.values_list("slug", flat=True)) or "none"
            raise CommandError(f"no deck with slug {slug!r} (decks: {known})") from None
        text = json.dumps(deck_export(deck=deck), ensure_ascii=False, indent=2) + "\n"
        if output is None:
            self.stdout.write(text, ending="")
        else:
            output.write_text(text, encoding="utf-8")
            self.stdout.write(self.style.SUCCESS(f"Wrote {output}"))
