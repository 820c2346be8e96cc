"""What a facilitator can do from the dashboard: the lists below name every action.

Every dashboard button posts ``action=<name>`` and the ids or text it carries. A
Django form per kind of input checks them; ids are looked up inside this session
only, so a table, player or poll of another session is "not found".
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from django import forms
from django.contrib.auth.models import AbstractBaseUser
from django.http import QueryDict
from django.utils.text import capfirst

from game.errors import Refused
from game.followups.schedule import workshop_set_followups
from game.models import (
    FOLLOWUP_WEEKS_MAX,
    PLAN_DAYS_MAX,
    TIMING_BOUNDS,
    BotLevel,
    Player,
    Poll,
    PollTemplate,
    Table,
    Workshop,
)
from game.plans import phase
from game.room import join_limits, polls, seating, sessions
from game.room.privacy import workshop_forget_people
from game.table import away, play

# --- the input a button carries -----------------------------------------------------------


class ActionForm(forms.Form):
    """The base of every action's form: ids resolve within ``workshop`` only."""

    def __init__(self, workshop: Workshop, data: QueryDict) -> None:
        super().__init__(data)
        self.workshop = workshop
        scoped = {"table": Table, "player": Player, "poll": Poll}
        for name, model in scoped.items():
            if name in self.fields:
                self.fields[name].queryset = model.objects.filter(workshop=workshop)

    def checked(self) -> dict:
        """The cleaned fields, with this session attached; a refusal when invalid."""
        if not self.is_valid():
            raise self.refusal()
        for value in self.cleaned_data.values():
            if hasattr(value, "workshop_id"):
                value.workshop = self.workshop
        return self.cleaned_data

    def refusal(self) -> Refused:
        return Refused("not_found")


class TableForm(ActionForm):
    table = forms.ModelChoiceField(queryset=Table.objects.none())


class PlayerForm(ActionForm):
    player = forms.ModelChoiceField(queryset=Player.objects.none())


class MoveForm(PlayerForm, TableForm):
    pass


class BotForm(TableForm):
    level = forms.ChoiceField(choices=BotLevel.choices)

    def refusal(self) -> Refused:
        if "level" in self.errors:
            level = self.data.get("level", "")[:20]
            return Refused("bad_message", detail=f"unknown bot level {level!r}")
        return super().refusal()


class TakeOverForm(PlayerForm):
    level = forms.ChoiceField(choices=BotLevel.choices, required=False)


class PollForm(ActionForm):
    poll = forms.ModelChoiceField(queryset=Poll.objects.none())


class ReadyPollForm(ActionForm):
    template = forms.ModelChoiceField(queryset=PollTemplate.objects.all())


class NewPollForm(ActionForm):
    question = forms.CharField(max_length=200)
    answers = forms.CharField(max_length=1000)

    def refusal(self) -> Refused:
        return Refused("bad_poll")


# --- the actions -----------------------------------------------------------------------------

# What a facilitator can do to the whole session: the button carries nothing else.
FOR_THE_SESSION: dict[str, Callable] = {
    "arrange": seating.tables_arrange,  # seat everyone in balanced tables
    "add_table": seating.table_add,
    "start_all": play.workshop_start_all,
    "pause_all": partial(play.workshop_pause, paused=True),
    "resume_all": partial(play.workshop_pause, paused=False),
    "plan_phase_end": phase.workshop_plan_phase_end,  # the projector shows the tables again
    "end": play.workshop_end,  # games stop; plans stay open for the session's plan_days
    "forget_people": workshop_forget_people,  # irreversible
}

# ... to one table of the session (the button carries the table's id).
FOR_A_TABLE: dict[str, Callable] = {
    "start": play.table_start,
    "pause": partial(play.table_pause, paused=True),
    "resume": partial(play.table_pause, paused=False),
}

# ... to one poll of the session (the button carries the poll's id).
FOR_A_POLL: dict[str, Callable] = {
    "poll_open": polls.poll_open,  # any other open poll closes
    "poll_close": polls.poll_close,
}

# ... with more input: one function each, below.
WITH_INPUT: dict[str, Callable[[Workshop, AbstractBaseUser, QueryDict], object]] = {}


def with_input(function):
    WITH_INPUT[function.__name__] = function
    return function


@with_input
def add_bot(workshop, by, data):
    fields = BotForm(workshop, data).checked()
    return seating.bot_add(table=fields["table"], level=fields["level"], by=by)


@with_input
def move(workshop, by, data):
    """Move a player to another table that has not started."""
    fields = MoveForm(workshop, data).checked()
    return seating.player_move(player=fields["player"], table=fields["table"], by=by)


@with_input
def remove(workshop, by, data):
    """Take a player out of the session before their table starts."""
    return seating.player_remove(player=PlayerForm(workshop, data).checked()["player"], by=by)


@with_input
def replace(workshop, by, data):
    """Let a bot take over a seat at a running table (someone left)."""
    fields = TakeOverForm(workshop, data).checked()
    level = fields["level"] or BotLevel.SMART
    return play.player_replace_with_bot(player=fields["player"], by=by, level=level)


@with_input
def stand_in(workshop, by, data):
    """A bot plays for someone away until they are back (their hand stays theirs)."""
    player = PlayerForm(workshop, data).checked()["player"]
    return away.player_stand_in(player_id=player.pk, by=by)


def timing_field(name: str, *, required: bool = True) -> forms.IntegerField:
    """A form field for one of the session's times (TIMING_BOUNDS), labelled as the
    model names it and starting at its default."""
    field = Workshop._meta.get_field(name)
    least, most = TIMING_BOUNDS[name]
    return forms.IntegerField(
        label=capfirst(field.verbose_name),
        min_value=least,
        max_value=most,
        initial=field.default,
        required=required,
    )


class TimingForm(ActionForm):
    away_after = timing_field("away_after")
    stand_in_after = timing_field("stand_in_after")
    nudge_after = timing_field("nudge_after")

    def refusal(self) -> Refused:
        return Refused("bad_message", detail="; ".join(self.errors))


@with_input
def timing(workshop, by, data):
    """When a player on turn counts as away, a bot stands in, a nudge is sent."""
    return sessions.workshop_set_timing(
        workshop=workshop, by=by, **TimingForm(workshop, data).checked()
    )


def followup_field(name: str, *, required: bool = True) -> forms.IntegerField:
    """A form field for one of the session's follow-up times, in weeks (0 = off)."""
    field = Workshop._meta.get_field(name)
    return forms.IntegerField(
        label=capfirst(field.verbose_name),
        min_value=0,
        max_value=FOLLOWUP_WEEKS_MAX,
        initial=field.default,
        required=required,
    )


class FollowupForm(ActionForm):
    followup_weeks_1 = followup_field("followup_weeks_1")
    followup_weeks_2 = followup_field("followup_weeks_2")
    plan_days = forms.IntegerField(min_value=0, max_value=PLAN_DAYS_MAX, required=False)

    def refusal(self) -> Refused:
        if "plan_days" in self.errors:
            return Refused("bad_plan_days", most=PLAN_DAYS_MAX)
        return Refused("bad_followup_weeks", most=FOLLOWUP_WEEKS_MAX)


@with_input
def followup_times(workshop, by, data):
    """When the follow-up mails go, in weeks after the session (0 = off), and how many days
    plans stay open after it."""
    return workshop_set_followups(
        workshop=workshop, by=by, **FollowupForm(workshop, data).checked()
    )


@with_input
def poll_ready(workshop, by, data):
    """Start one of the ready polls from the source material."""
    template = ReadyPollForm(workshop, data).checked()["template"]
    poll = polls.poll_from_template(workshop=workshop, by=by, template=template)
    return polls.poll_open(poll=poll, by=by)


@with_input
def poll_new(workshop, by, data):
    """Start a poll with the facilitator's own question and answers (one a line)."""
    fields = NewPollForm(workshop, data).checked()
    answers = fields["answers"].splitlines()
    poll = polls.poll_create(workshop=workshop, by=by, question=fields["question"], answers=answers)
    return polls.poll_open(poll=poll, by=by)


class PlanPhaseForm(ActionForm):
    countdown = forms.BooleanField(required=False)


@with_input
def plan_phase(workshop, by, data):
    """Phones go to the plan page; the projector counts the plans, with a minute's
    countdown when the facilitator ticked it."""
    countdown = PlanPhaseForm(workshop, data).checked()["countdown"]
    return phase.workshop_plan_phase(workshop=workshop, by=by, countdown=countdown)


class LiftForm(ActionForm):
    address = forms.CharField(max_length=100)


@with_input
def lift_limit(workshop, by, data):
    """Let the room's address type this session's code again (see game.room.join_limits)."""
    address = LiftForm(workshop, data).checked()["address"]
    return join_limits.limit_lift(workshop=workshop, address=address, by=by)


ACTIONS = {*FOR_THE_SESSION, *FOR_A_TABLE, *FOR_A_POLL, *WITH_INPUT}


def perform(name: str, workshop: Workshop, by: AbstractBaseUser, data: QueryDict) -> object:
    """Do the action called ``name``; Refused when unknown, invalid or not allowed."""
    if name in FOR_THE_SESSION:
        return FOR_THE_SESSION[name](workshop=workshop, by=by)
    if name in FOR_A_TABLE:
        return FOR_A_TABLE[name](table=TableForm(workshop, data).checked()["table"], by=by)
    if name in FOR_A_POLL:
        return FOR_A_POLL[name](poll=PollForm(workshop, data).checked()["poll"], by=by)
    if name in WITH_INPUT:
        return WITH_INPUT[name](workshop, by, data)
    raise Refused("unknown_type", kind=name[:40])
