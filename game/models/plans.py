"""The players' action plans: at most five cards each, with what they will do, with whom
and by when."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Greatest, Least
from django.utils.translation import gettext_lazy as _

from game.models.sessions import Player

MAX_PLAN_ITEMS = 5


class Sector(models.TextChoices):
    ENTREPRENEUR = "ondernemer", _("entrepreneur")
    GOVERNMENT = "overheid", _("government")
    EDUCATION = "onderwijs", _("education / knowledge institution")
    INTERMEDIARY = "intermediair", _("intermediary")
    OTHER = "anders", _("other")


MAX_IF_THEN = 200


class PlanItem(models.Model):
    """One building block of a player's regional action plan: a card, what they will
    do with it, with whom, by when, and the moment that starts it (``if_then``)."""

    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="plan")
    card = models.ForeignKey("cards.Card", on_delete=models.PROTECT, verbose_name=_("card"))
    position = models.PositiveSmallIntegerField(_("position"))
    action = models.TextField(_("what I will do"), max_length=1000, blank=True)
    sector = models.CharField(_("with whom"), max_length=12, choices=Sector.choices, blank=True)
    by_when = models.CharField(_("by when"), max_length=60, blank=True)
    # An implementation intention: "if <the moment or trigger>, then I do the action".
    # Plans written as if-then are carried out more often (Gollwitzer & Sheeran 2006).
    if_then = models.CharField(_("if … then"), max_length=MAX_IF_THEN, blank=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["player", "position"]
        verbose_name = _("plan item")
        verbose_name_plural = _("plan items")
        constraints = [
            models.UniqueConstraint(fields=["player", "card"], name="plan_card_once"),
            models.CheckConstraint(
                condition=models.Q(position__gte=1, position__lte=MAX_PLAN_ITEMS),
                name="plan_at_most_five",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.player}: {self.card}"


# A player follows their plan with at most this many plan mates from their table.
MAX_PLAN_MATES = 2


class PlanMate(models.Model):
    """Two players of one table who follow each other's plan: ``asker`` asked ``mate``
    on their phone; the pairing holds once ``mate`` said yes too (``agreed``). Either may
    undo it (the row goes). Their follow-up mails show each other's cards' status, and
    each may send the other a thumbs-up by mail, at most one a week (``thumbs_*``)."""

    asker = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="mates_asked")
    mate = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="mates_asking")
    asked = models.DateTimeField(_("asked"), auto_now_add=True)
    agreed = models.DateTimeField(_("agreed"), null=True, blank=True)
    # The last thumbs-up each way: from the asker to the mate, and back.
    thumbs_to_mate = models.DateTimeField(null=True, blank=True)
    thumbs_to_asker = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["asked", "id"]
        verbose_name = _("plan mate")
        verbose_name_plural = _("plan mates")
        constraints = [
            # One row a pair, whoever asked: two asks at the same moment make one pair.
            models.UniqueConstraint(
                Least("asker", "mate"), Greatest("asker", "mate"), name="plan_mate_once"
            ),
            models.CheckConstraint(
                condition=~models.Q(asker=models.F("mate")), name="plan_mate_not_self"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.asker} & {self.mate}{'' if self.agreed else ' (asked)'}"
