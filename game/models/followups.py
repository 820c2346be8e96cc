"""After the day: a player's address (kept with their consent), the outbox of their mails
and their check-ins per card of the plan."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from game.models.plans import PlanItem
from game.models.sessions import Player


def reachable_q(path: str = "") -> models.Q:
    """Where an address still works (kept, not stopped, not bounced): the query's twin of
    ``PlayerContact.reachable``. ``path`` leads to the contact, e.g. "player__contact__"."""
    return models.Q(
        **{f"{path}email__gt": "", f"{path}stopped__isnull": True, f"{path}bounced__isnull": True}
    )


def is_reachable(player_id: int) -> bool:
    """Whether the player left an address that still works."""
    return PlayerContact.objects.filter(reachable_q(), player_id=player_id).exists()


class PlayerContact(models.Model):
    """A player's e-mail address, kept only with their consent, for their plan and the
    follow-ups (game.followups). Never shown to a facilitator, only counted. Stopping
    (the link in every mail) or a bounce empties ``email`` and keeps the row, so the
    programme's figures still count that the person left an address."""

    player = models.OneToOneField(Player, on_delete=models.CASCADE, related_name="contact")
    email = models.EmailField(_("e-mail address"), max_length=254, blank=True)
    language = models.CharField(_("language"), max_length=5, default="nl")
    consented = models.DateTimeField(_("consent given"))
    stopped = models.DateTimeField(_("stopped"), null=True, blank=True)
    bounced = models.DateTimeField(_("bounced"), null=True, blank=True)

    class Meta:
        verbose_name = _("player's e-mail address")
        verbose_name_plural = _("players' e-mail addresses")

    def __str__(self) -> str:
        return f"{self.player}: {'address' if self.email else 'no address'}"

    @property
    def reachable(self) -> bool:
        return bool(self.email) and self.stopped is None and self.bounced is None


class MailKind(models.TextChoices):
    PLAN = "plan", _("the plan")
    FOLLOWUP_1 = "followup-1", _("first follow-up")
    FOLLOWUP_2 = "followup-2", _("second follow-up")
    HELP = "help", _("a request for help, to a helper")
    INVITE = "invite", _("an invitation to a learning circle")
    INTRO = "intro", _("the introduction of a learning circle")
    JOINER = "joiner", _("a later member of a learning circle, to the others")


class HelpRequest(models.Model):
    """A player asks a programme's helper for help with one card of their plan, from a
    check-in, with their explicit consent to pass their first name and address to that
    helper (one mail, the player's address as Reply-To). The helper taps "contact made";
    the player's next check-in says whether help came."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="help_requests")
    helper = models.ForeignKey(
        "game.Helper", on_delete=models.CASCADE, related_name="requests", verbose_name=_("helper")
    )
    question = models.CharField(_("question"), max_length=200)
    consented = models.DateTimeField(_("consent given"))
    created = models.DateTimeField(auto_now_add=True)
    contacted = models.DateTimeField(_("contact made"), null=True, blank=True)
    help_came = models.BooleanField(_("help came"), null=True, blank=True)

    class Meta:
        ordering = ["created", "id"]
        verbose_name = _("request for help")
        verbose_name_plural = _("requests for help")

    def __str__(self) -> str:
        return f"{self.item} → {self.helper}"


class Mail(models.Model):
    """The outbox: one mail to one player, sent at most once. ``manage.py send_followups``
    claims due rows (status "sending" until ``next_attempt``, a lease), sends them and marks
    them sent; a refusal or a server that is down sets the next attempt later."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        SKIPPED = "skipped", _("skipped: a later mail was due")
        CANCELLED = "cancelled", _("cancelled: the address was stopped")
        FAILED = "failed", _("failed")

    player = models.ForeignKey(Player, on_delete=models.CASCADE, related_name="mails")
    kind = models.CharField(max_length=10, choices=MailKind.choices)
    due = models.DateTimeField(_("due"))
    status = models.CharField(max_length=9, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt = models.DateTimeField(db_index=True)
    last_error = models.CharField(max_length=300, blank=True)
    sent = models.DateTimeField(null=True, blank=True)
    # A request for help goes to the helper (kind "help"), about this request.
    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="mails"
    )
    # A learning circle's invitation or introduction (kinds "invite", "intro") is for this
    # membership.
    circle_member = models.ForeignKey(
        "game.CircleMember",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="mails",
    )
    # A "joiner" mail tells ``circle_member`` about this later member of their circle.
    about_member = models.ForeignKey(
        "game.CircleMember",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="announced_by",
    )
    # The backend that took it ("smtp", "filebased", ...): a mail written to a file on a
    # laptop was never delivered, so a move to the hosted server sends it again.
    transport = models.CharField(max_length=20, blank=True)

    class Meta:
        ordering = ["due", "id"]
        verbose_name = _("mail")
        verbose_name_plural = _("mails")
        constraints = [
            models.UniqueConstraint(
                fields=["player", "kind"],
                condition=~models.Q(kind__in=["help", "invite", "intro", "joiner"]),
                name="mail_once_per_kind",
            ),
            models.UniqueConstraint(
                fields=["circle_member", "kind"],
                condition=models.Q(circle_member__isnull=False) & ~models.Q(kind="joiner"),
                name="mail_once_per_circle_member",
            ),
            models.UniqueConstraint(
                fields=["circle_member", "about_member"],
                condition=models.Q(kind="joiner"),
                name="mail_once_per_joiner",
            ),
            models.UniqueConstraint(
                fields=["help_request"],
                condition=models.Q(help_request__isnull=False),
                name="mail_once_per_help_request",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.player} {self.kind} {self.status}"

    @property
    def followup(self) -> int:
        """1 or 2 for a follow-up, 0 for the plan."""
        return int(self.kind[-1]) if self.kind.startswith("followup") else 0


class CheckInStatus(models.TextChoices):
    DONE = "done", _("done")
    STARTED = "started", _("started")
    NOT_YET = "not_yet", _("not yet")
    DROPPED = "dropped", _("dropped")


# A person is "activated" by a card started or done.
ACTIVE = (CheckInStatus.DONE, CheckInStatus.STARTED)


class CheckIn(models.Model):
    """How one card of a plan is going, answered at a follow-up; posting the same
    follow-up again updates it."""

    item = models.ForeignKey(PlanItem, on_delete=models.CASCADE, related_name="checkins")
    followup = models.PositiveSmallIntegerField(_("follow-up"))
    status = models.CharField(_("status"), max_length=7, choices=CheckInStatus.choices)
    note = models.TextField(_("what helped, or what held you back"), max_length=300, blank=True)
    by_when = models.CharField(_("new by when"), max_length=60, blank=True)
    # The player agreed that their name may stand beside what they wrote (programme page).
    named = models.BooleanField(default=False)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["item", "followup"]
        verbose_name = _("check-in")
        verbose_name_plural = _("check-ins")
        constraints = [
            models.UniqueConstraint(fields=["item", "followup"], name="checkin_once_per_followup"),
            models.CheckConstraint(
                condition=models.Q(followup__gte=1, followup__lte=2), name="checkin_followup_1_2"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} #{self.followup}: {self.status}"
