import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from cards.deckio import DeckExists, DeckFileError, deck_import


class Command(BaseCommand):
    help = "Import a deck from a JSON file (the format export_deck writes)."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument(
            "--replace", action="store_true", help="overwrite a deck with the same slug"
        )
        mode.add_argument(
            "--skip-existing",
            action="store_true",
            help="do nothing when a deck with this slug exists (keeps edits made in the admin)",
        )

    def handle(self, *args, path: Path, replace: bool, skip_existing: bool, **options):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise CommandError(f"{path}: cannot read the file ({exc.strerror})") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path}: the file is not UTF-8 text") from None
        except json.JSONDecodeError as exc:
            raise CommandError(
                f"{path}: invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
            ) from None
        try:
            deck = deck_import(data=data, replace=replace)
        except DeckFileError as exc:
            raise CommandError(f"{path}: {exc}. Nothing was changed.") from None
        except DeckExists as exc:
            if skip_existing:
                self.stdout.write(f"Deck {data['slug']!r} is already loaded; left as it is.")
                return
            raise CommandError(f"{path}: {exc}; use --replace to overwrite it.") from None
        cards = sum(theme.cards.count() for theme in deck.themes.all())
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported deck {deck.slug!r}: {deck.themes.count()} themes, {cards} cards."
            )
        )
