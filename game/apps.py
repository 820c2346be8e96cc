from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GameConfig(AppConfig):
    name = "game"
    verbose_name = _("Game")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from cards import access
        from game import checks  # noqa: F401  (registers the deploy checks)
        from game.room import login_limits
        from game.views.common import reads_deck

        access.add_reader(reads_deck)
        # Any login (by password, reset link or invitation) clears its account's counts.
        user_logged_in.connect(login_limits.on_logged_in, dispatch_uid="login-limits")
