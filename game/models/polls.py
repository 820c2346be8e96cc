"""The room's polls: a question with two to six answers, one vote per phone."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from game.models.sessions import Player, Workshop


class PollTemplate(models.Model):
    """A ready poll from the source material, offered to every facilitator."""

    question = models.CharField(_("question"), max_length=200)
    answers = models.TextField(_("answers"), help_text=_("One answer a line, 2 to 6 lines."))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("ready poll")
        verbose_name_plural = _("ready polls")

    def __str__(self) -> str:
        return self.question

    def answer_list(self) -> list[str]:
        return [line.strip() for line in self.answers.splitlines() if line.strip()]


class Poll(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")

    workshop = models.ForeignKey(Workshop, on_delete=models.CASCADE, related_name="polls")
    question = models.CharField(_("question"), max_length=200)
    answers = models.JSONField(_("answers"))
    status = models.CharField(max_length=6, choices=Status.choices, default=Status.DRAFT)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["workshop", "created", "id"]
        verbose_name = _("poll")
        verbose_name_plural = _("polls")

    def __str__(self) -> str:
        return self.question


class Vote(models.Model):
    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="votes")
    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="votes")
    answer = models.PositiveSmallIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["poll", "player"], name="one_vote_per_phone")
        ]

    def __str__(self) -> str:
        return f"{self.player} → {self.answer}"


# --- after the day: the plan comes back, follow-ups and check-ins, programmes ----------------
