"""Programmes: sessions grouped by an organiser and shared with named facilitators."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from game.models.sessions import Workshop


class Programme(models.Model):
    """Sessions grouped by an organiser ("Overijssel 2027"), shared with named facilitators,
    to see what the workshops set in motion."""

    name = models.CharField(_("name"), max_length=100)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="programmes",
        verbose_name=_("owner"),
    )
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="shared_programmes",
        verbose_name=_("shared with"),
    )
    sessions = models.ManyToManyField(
        Workshop, blank=True, related_name="programmes", verbose_name=_("sessions")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created", "id"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")

    def __str__(self) -> str:
        return self.name
