from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GameConfig(AppConfig):
    name = "game"
    verbose_name = _("Game")

    def ready(self) -> None:
        from cards import access
        from game import checks  # noqa: F401  (registers the deploy checks)
        from game.views.common import reads_deck

        access.add_reader(reads_deck)
