"""The facilitator's dashboard: sessions, the live panel of every table, the join QR
code, and the buttons (``game.views.actions``)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import segno
from django import forms
from django.contrib import messages
from django.db.models import Case, When
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from cards import access
from cards.models import Deck, Theme
from cards.views import DEFAULT_DECK
from game.errors import Refused
from game.followups.mail import send_soon
from game.followups.schedule import check_weeks, mail_counts, workshop_set_followups
from game.models import BotLevel, MissPassesTo, PollTemplate, Workshop
from game.plans.phase import plan_counts
from game.room import join_limits, polls
from game.room.accounts import can_invite
from game.room.people import people_reached
from game.room.sessions import TIMING, workshop_create
from game.table.selectors import Member, TableView, room_tables
from game.views.actions import followup_field, perform, timing_field
from game.views.common import host_only, join_url, refused_json, site_base, workshop_for
from innovation_track.boundary import has_control_characters

FOLLOWUPS = ("followup_weeks_1", "followup_weeks_2")


def one_line(value: str) -> None:
    """A session's name goes into mail subjects: a line break there would break them."""
    if has_control_characters(value):
        raise forms.ValidationError(
            _("Give a name on one line, without line breaks or other control characters."),
            code="control_characters",
        )


class WorkshopForm(forms.Form):
    name = forms.CharField(label=_("Name of the session"), max_length=100, validators=[one_line])
    deck = forms.ModelChoiceField(label=_("Deck"), queryset=Deck.objects.none(), empty_label=None)
    table_size = forms.IntegerField(
        label=_("At most this many players per table"), min_value=3, max_value=6, initial=5
    )
    miss_passes_to = forms.ChoiceField(
        label=_("After a miss the turn goes to"), choices=MissPassesTo.choices
    )
    pause_on_quartet = forms.IntegerField(
        label=_("Pause to talk after a quartet (seconds, 0 = no pause)"),
        min_value=0,
        max_value=600,
        initial=0,
    )
    nudge_after = timing_field("nudge_after", required=False)
    away_after = timing_field("away_after", required=False)
    stand_in_after = timing_field("stand_in_after", required=False)
    followup_weeks_1 = followup_field("followup_weeks_1", required=False)
    followup_weeks_2 = followup_field("followup_weeks_2", required=False)

    def clean(self):
        """Timing and follow-ups left empty: the session's default."""
        cleaned = super().clean()
        for name in (*TIMING, *FOLLOWUPS):
            if cleaned.get(name) is None and name not in self.errors:
                cleaned[name] = Workshop._meta.get_field(name).default
        if not any(name in self.errors for name in FOLLOWUPS):
            try:
                check_weeks(*(cleaned[name] for name in FOLLOWUPS))
            except Refused as refusal:
                self.add_error("followup_weeks_2", refusal.message())
        return cleaned

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        decks = access.decks_usable_by(user)
        playable = [deck.pk for deck in decks if deck.is_playable]
        # The facilitator's own decks first, then the shared and published ones.
        self.fields["deck"].queryset = (
            Deck.objects.filter(pk__in=playable).select_related("owner")
        ).order_by(Case(When(owner=user, then=0), default=1), "name")
        self.fields["deck"].label_from_instance = lambda deck: (
            deck.name if deck.owner_id == user.pk else f"{deck.name} ({deck_origin(deck)})"
        )
        default = self.fields["deck"].queryset.filter(slug=DEFAULT_DECK).first()
        if default is not None:
            self.fields["deck"].initial = default.pk


def deck_origin(deck: Deck) -> str:
    if deck.owner_id is None:
        return str(_("Innovation on Track")) if deck.slug == DEFAULT_DECK else str(_("admins"))
    return str(_("by %(name)s") % {"name": deck.owner.get_username()})


@host_only
def host_home(request: HttpRequest) -> HttpResponse:
    form = WorkshopForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        weeks = {name: fields.pop(name) for name in FOLLOWUPS}
        try:
            workshop = workshop_create(facilitator=request.user, **fields)
            workshop_set_followups(workshop=workshop, by=request.user, **weeks)
        except Refused as refusal:
            form.add_error(None, refusal.message())
        else:
            return redirect("host:session", code=workshop.code)
    workshops = Workshop.objects.filter(facilitator=request.user).select_related("deck")
    return render(
        request,
        "game/host_home.html",
        {"form": form, "workshops": workshops, "can_invite": can_invite(request.user)},
    )


@dataclass(frozen=True)
class SeatCard:
    """A seat on the dashboard's card: the member and the quartets they laid (themes)."""

    member: Member
    laid: list[Theme]


@dataclass(frozen=True)
class TableCard:
    """A table on the dashboard: its view, and how far its game is."""

    view: TableView
    seats: list[SeatCard]
    progress: list[Theme | None]  # a segment per theme of the deck: laid ones first
    laid: int
    total: int


def table_card(view: TableView, themes: dict[str, Theme]) -> TableCard:
    """The card of one table: who laid which quartet, and the deck's themes laid so far."""
    seats = [SeatCard(m, [themes[slug] for slug in m.laid if slug in themes]) for m in view.members]
    laid = [theme for theme in themes.values() if any(theme in s.laid for s in seats)]
    blank: list[Theme | None] = [None] * (len(themes) - len(laid))
    return TableCard(view, seats, [*laid, *blank], len(laid), len(themes))


def dashboard(workshop: Workshop) -> dict:
    """The dashboard panel's context: every table, the people not seated, the polls."""
    rows = room_tables(workshop, with_last=True)
    themes = {theme.slug: theme for theme in workshop.deck.themes.all()}
    cards = [table_card(row, themes) for row in rows]
    started = [card for card in cards if card.view.started]
    workshop_polls = [
        {"poll": poll, "rows": list(zip(poll.answers, polls.poll_counts(poll), strict=True))}
        for poll in workshop.polls.prefetch_related("votes")
    ]
    unseated = workshop.players.filter(removed=False, table__isnull=True, bot_level="")
    plans = plan_counts(workshop)
    return {
        "plans": plans,  # who has a plan (names only, never the text), and the counts
        "without_plan": people_reached([workshop]).exclude(pk__in=plans.with_plan),
        "polls": workshop_polls,
        "open_poll": next((p for p in workshop_polls if p["poll"].status == "open"), None),
        "ready_polls": PollTemplate.objects.all(),
        "rows": rows,  # the projector's too (game.views.projector)
        "table_cards": cards,
        "tables": [row.table for row in rows],
        "waiting_tables": [row.table for row in rows if not row.started],
        # "Start all tables" only where a waiting table has the two players a game needs.
        "startable": any(not row.started and len(row.members) >= 2 for row in rows),
        "room_laid": sum(card.laid for card in started),
        "room_total": sum(card.total for card in started),
        "unseated": list(unseated),
        "players_count": workshop.players.filter(removed=False, bot_level="").count(),
        "mail_counts": mail_counts(workshop),
        "bot_levels": BotLevel.choices,
        # The room's addresses from which its code cannot be typed now, to lift.
        "limited_addresses": join_limits.limited_room_addresses(workshop)
        if workshop.is_open
        else [],
    }


@host_only
def host_session(request: HttpRequest, code: str) -> HttpResponse:
    workshop = workshop_for(request, code)
    context = {
        "workshop": workshop,
        "join_url": join_url(request, workshop),
        "my_address": join_limits.client_address(request),
        **dashboard(workshop),
    }
    return render(request, "game/host_session.html", context)


@host_only
def host_panel(request: HttpRequest, code: str) -> HttpResponse:
    """The live part of the dashboard, re-fetched when the socket says something changed."""
    workshop = workshop_for(request, code)
    context = {
        "workshop": workshop,
        "my_address": join_limits.client_address(request),
        **dashboard(workshop),
    }
    return render(request, "game/host_panel.html", context)


@host_only
def host_qr(request: HttpRequest, code: str) -> HttpResponse:
    workshop = workshop_for(request, code)
    qr = segno.make(join_url(request, workshop), error="m")
    svg = io.BytesIO()
    qr.save(svg, kind="svg", scale=8, border=2, dark="#1c1c24", light="#ffffff", xmldecl=False)
    return HttpResponse(svg.getvalue(), content_type="image/svg+xml")


@require_POST
@host_only
def host_action(request: HttpRequest, code: str) -> HttpResponse:
    workshop = workshop_for(request, code)
    wants_json = request.headers.get("Accept", "").startswith("application/json")
    action = request.POST.get("action", "")
    try:
        perform(action, workshop, request.user, request.POST)
    except Refused as refusal:
        if wants_json:
            return refused_json(refusal)
        messages.error(request, refusal.message())
    else:
        if action == "end":  # the plans go to the players who left an address, now
            send_soon(workshop_id=workshop.pk, base_url=site_base(request))
        if wants_json:
            return JsonResponse({"ok": True})
    return redirect("host:session", code=workshop.code)
