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


class Helper(models.Model):
    """Someone who helps people act on a card ("Wie kan helpen"): an ambassador, a coach,
    a desk, a voucher scheme, kept by the programme's organiser. ``themes`` and ``cards``
    name what they help with (theme names, card titles; ";" between them, as in the
    programme's helper file). Their address and phone reach players only with
    ``show_contact``. The fields map onto Open Referral's (HSDS) organization, service and
    contact, so a regional directory can be exchanged."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="helpers", verbose_name=_("programme")
    )
    name = models.CharField(_("name"), max_length=100)
    organisation = models.CharField(_("organisation"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail address"), max_length=254, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    url = models.URLField(_("website"), max_length=300, blank=True)
    region = models.CharField(_("region"), max_length=100, blank=True)
    themes = models.CharField(_("themes"), max_length=1000, blank=True)
    cards = models.CharField(_("cards"), max_length=2000, blank=True)
    offer = models.TextField(_("what they offer"), max_length=500)
    show_contact = models.BooleanField(_("show address and phone to players"), default=False)

    class Meta:
        ordering = ["programme", "name", "id"]
        verbose_name = _("helper")
        verbose_name_plural = _("helpers")

    def __str__(self) -> str:
        return self.name

    @property
    def theme_names(self) -> list[str]:
        return [part.strip() for part in self.themes.split(";") if part.strip()]

    @property
    def card_titles(self) -> list[str]:
        return [part.strip() for part in self.cards.split(";") if part.strip()]


class CircleOptIn(models.Model):
    """A player ticked "ik wil met anderen verder in een leerkring" (on the plan page or a
    check-in): they may be proposed for a learning circle of their session's programmes."""

    player = models.OneToOneField(
        "game.Player", on_delete=models.CASCADE, related_name="circle_opt_in"
    )
    consented = models.DateTimeField(_("consent given"))

    class Meta:
        verbose_name = _("learning circle opt-in")
        verbose_name_plural = _("learning circle opt-ins")

    def __str__(self) -> str:
        return str(self.player)


class Circle(models.Model):
    """A learning circle ("leerkring") of 4 to 8 people across a programme's sessions who
    share themes or cards of their plans, proposed by game.programmes.circles, named and
    hosted (a helper) by the organiser. Its members are invited by mail; once three say
    yes (or on ``introduce_on``) those who said yes are introduced to each other."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="circles")
    name = models.CharField(_("name"), max_length=100)
    host = models.ForeignKey(
        Helper, on_delete=models.SET_NULL, null=True, blank=True, related_name="circles"
    )
    invited = models.DateTimeField(_("invitations sent"), null=True, blank=True)
    introduce_on = models.DateField(_("introduce on"), null=True, blank=True)
    introduced = models.DateTimeField(_("introduced"), null=True, blank=True)
    closed = models.DateTimeField(_("closed"), null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["programme", "created", "id"]
        verbose_name = _("learning circle")
        verbose_name_plural = _("learning circles")

    def __str__(self) -> str:
        return self.name


class CircleMember(models.Model):
    """A person proposed for a circle, and their answer to its invitation (None: none yet)."""

    circle = models.ForeignKey(Circle, on_delete=models.CASCADE, related_name="members")
    player = models.ForeignKey(
        "game.Player", on_delete=models.CASCADE, related_name="circle_memberships"
    )
    joined = models.BooleanField(_("said yes"), null=True, blank=True)
    answered = models.DateTimeField(null=True, blank=True)
    introduced = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["circle", "id"]
        verbose_name = _("circle member")
        verbose_name_plural = _("circle members")
        constraints = [
            models.UniqueConstraint(fields=["circle", "player"], name="circle_member_once"),
        ]

    def __str__(self) -> str:
        return f"{self.player} in {self.circle}"
