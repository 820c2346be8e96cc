"""The organiser's pages: programmes of sessions and what they set in motion
(game.programmes), and moving a laptop's session here for its follow-ups
(game.followups.transfer)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cards.sheets import SheetProblems
from cards.sheets.reading import MAX_BYTES as MAX_SHEET_BYTES
from cards.sheets.writing import XLSX_TYPE
from game.errors import Refused
from game.followups.transfer import MAX_FILE_BYTES, import_for_followups
from game.models import Programme, Workshop
from game.programmes import circles, helpers
from game.programmes.access import NotFound, may_change, programme_for, programmes_for
from game.programmes.funnel_svg import funnel
from game.programmes.programme_csv import programme_csv as programme_csv_bytes
from game.programmes.programme_csv import programme_xlsx as programme_xlsx_bytes
from game.programmes.selectors import FIGURE_LABELS, programme_report
from game.programmes.services import (
    MAX_NAME,
    programme_add_session,
    programme_create,
    programme_delete,
    programme_remove_session,
    programme_rename,
    programme_share,
    programme_unshare,
)
from game.room.accounts import can_run
from game.views.common import attachment, host_only
from innovation_track import boundary


class ProgrammeForm(forms.Form):
    name = forms.CharField(
        label=gettext_lazy("Name of the programme"),
        max_length=MAX_NAME,
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("e.g. Overijssel 2027")}),
    )


def _programme(request: HttpRequest, pk: int) -> Programme:
    try:
        return programme_for(request.user, pk)
    except NotFound:
        raise Http404 from None  # someone else's: don't even confirm it exists


@host_only
def programmes_home(request: HttpRequest) -> HttpResponse:
    form = ProgrammeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            programme = programme_create(owner=request.user, name=form.cleaned_data["name"])
        except Refused as refusal:
            form.add_error(None, refusal.message())
        else:
            return redirect("host:programme", pk=programme.pk)
    context = {"form": form, "programmes": programmes_for(request.user)}
    return render(request, "game/programmes.html", context)


@host_only
def programme_page(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    names = request.GET.get("names") == "1"
    report = programme_report(programme, names=names)
    own = Workshop.objects.filter(facilitator=request.user).exclude(programmes=programme)
    context = {
        "programme": programme,
        **report,
        "funnel": funnel(report["total"]),
        "is_owner": may_change(request.user, programme),
        "shared_with": programme.shared_with.order_by("username"),
        "own_sessions": own.order_by("-created")[:50],
        "labels": FIGURE_LABELS,
        # Each row's figures with their labels: a phone shows a row as a labelled list.
        "session_rows": [(workshop, _cells(numbers)) for workshop, numbers in report["sessions"]],
        "total_cells": _cells(report["total"]),
        "helpers": programme.helpers.all(),
        "circle_waiting": circles.waiting_count(programme),
        "helper_columns": helpers.COLUMNS,
    }
    return render(request, "game/programme.html", context)


def _cells(numbers) -> list[tuple[str, int]]:
    return [(str(label), getattr(numbers, key)) for key, label in FIGURE_LABELS.items()]


def _helper_cells(post) -> dict[str, str]:
    return {column: post.get(column, "")[:5000] for column in helpers.COLUMNS}


def _helper_save(programme, by, post, helper_id: int | None = None) -> None:
    saved = helpers.helper_save(
        programme=programme,
        by=by,
        cells=_helper_cells(post),
        show_contact=post.get("show_contact") == "on",
        helper_id=helper_id,
    )
    if isinstance(saved, dict):  # problems by column: nothing saved
        raise Refused(
            "bad_helper",
            problems="; ".join(f"{column}: {what}" for column, what in saved.items()),
        )


PROGRAMME_ACTIONS = {
    "add_session": lambda p, by, post: programme_add_session(
        programme=p, by=by, code=post.get("code", "")
    ),
    "remove_session": lambda p, by, post: programme_remove_session(
        programme=p, by=by, workshop_id=_int(post.get("session"))
    ),
    "share": lambda p, by, post: programme_share(
        programme=p, by=by, username=post.get("username", "")
    ),
    "unshare": lambda p, by, post: programme_unshare(
        programme=p, by=by, user_id=_int(post.get("user"))
    ),
    "rename": lambda p, by, post: programme_rename(programme=p, by=by, name=post.get("name", "")),
    "helper_add": lambda p, by, post: _helper_save(p, by, post),
    "helper_edit": lambda p, by, post: _helper_save(p, by, post, _int(post.get("helper"))),
    "helper_delete": lambda p, by, post: helpers.helper_delete(
        programme=p, by=by, helper_id=_int(post.get("helper"))
    ),
    "circles_propose": lambda p, by, post: circles.circles_propose(programme=p, by=by),
    "circle_change": lambda p, by, post: circles.circle_change(
        programme=p,
        by=by,
        circle_id=_int(post.get("circle")),
        name=post.get("name", ""),
        host_id=_int(post["host"]) if post.get("host") else None,
        introduce_on=_date(post.get("introduce_on")),
    ),
    "circle_move": lambda p, by, post: circles.circle_move(
        programme=p, by=by, member_id=_int(post.get("member")), circle_id=_int(post.get("circle"))
    ),
    "circle_invite": lambda p, by, post: circles.circle_invite(
        programme=p, by=by, circle_id=_int(post.get("circle"))
    ),
    "circle_close": lambda p, by, post: circles.circle_close(
        programme=p, by=by, circle_id=_int(post.get("circle"))
    ),
}

DAY = forms.DateField(required=False)


def _date(value: str | None):
    try:
        return DAY.clean((value or "")[:20])
    except ValidationError:
        raise Refused("bad_message", detail="the day must be a date, e.g. 2027-03-01") from None


# A session's or a person's id, as the buttons post it.
ID = forms.IntegerField(min_value=1, max_value=2**31 - 1)


def _int(value: str | None) -> int:
    try:
        return ID.clean(value)
    except ValidationError:  # not a number, or none any row has
        raise Refused("not_found") from None


@require_POST
@host_only
def programme_action(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    action = request.POST.get("action", "")
    if action == "delete":
        try:
            programme_delete(programme=programme, by=request.user)
        except Refused as refusal:
            messages.error(request, refusal.message())
            return redirect("host:programme", pk=pk)
        return redirect("host:programmes")
    try:
        if action not in PROGRAMME_ACTIONS:
            raise Refused("unknown_type", kind=action[:40])
        PROGRAMME_ACTIONS[action](programme, request.user, request.POST)
    except Refused as refusal:
        messages.error(request, refusal.message())
    return redirect("host:programme", pk=pk)


@host_only
def programme_csv(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    return attachment(
        programme_csv_bytes(programme), "text/csv; charset=utf-8", f"programma-{programme.pk}.csv"
    )


@host_only
def programme_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    programme = _programme(request, pk)
    return attachment(programme_xlsx_bytes(programme), XLSX_TYPE, f"programma-{programme.pk}.xlsx")


@host_only
def programme_helpers_file(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The programme's helpers as CSV or XLSX, under exactly the import's header."""
    programme = _programme(request, pk)
    if kind not in ("csv", "xlsx"):
        raise Http404
    filename = f"helpers-{programme.pk}.{kind}"
    if kind == "xlsx":
        return attachment(helpers.helpers_xlsx(programme), XLSX_TYPE, filename)
    return attachment(helpers.helpers_csv(programme), "text/csv; charset=utf-8", filename)


@require_POST
@host_only
def programme_helpers_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the helpers with those of an uploaded CSV or XLSX: a file with any bad cell
    is refused whole, every problem named by its row and column."""
    programme = _programme(request, pk)
    upload = request.FILES.get("file")
    try:
        if upload is None:
            raise SheetProblems([_("Choose a CSV or XLSX file.")])
        content = upload.read(MAX_SHEET_BYTES + 1)
        count = helpers.helpers_import(
            programme=programme, by=request.user, content=content, filename=upload.name or ""
        )
    except SheetProblems as problems:
        for problem in problems.problems:
            messages.error(request, problem)
    except Refused as refusal:
        messages.error(request, refusal.message())
    else:
        messages.success(request, _("%(count)d helpers imported.") % {"count": count})
    return redirect(reverse("host:programme", kwargs={"pk": pk}) + "#helpers-h")


# What a file that is no JSON we read is told (innovation_track.boundary's codes).
IMPORT_PROBLEMS = {
    "too_large": gettext_lazy("the file is too large"),
    "bad_json": gettext_lazy("it is not JSON"),
    "bad_message": gettext_lazy("it is nested too deeply"),
}


class ImportForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("Follow-ups file from the laptop (JSON)"))


@host_only
def host_import(request: HttpRequest) -> HttpResponse:
    """Upload a laptop's ``export_session CODE --for-followups`` file: its session's plans
    and follow-ups are sent from here from now on."""
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            try:
                raw = upload.read(MAX_FILE_BYTES + 1)
                data = boundary.loads(raw, max_bytes=MAX_FILE_BYTES)
            except boundary.Malformed as error:
                raise Refused("bad_import", detail=str(IMPORT_PROBLEMS[error.code])) from None
            workshop, created = import_for_followups(data=data, by=request.user)
        except Refused as refusal:
            form.add_error("file", refusal.message())
        else:
            if created:
                messages.success(
                    request,
                    _("Imported: this server sends the follow-ups of %(name)s from now on.")
                    % {"name": workshop.name},
                )
            else:
                messages.info(
                    request,
                    _("%(name)s was imported before; nothing changed.") % {"name": workshop.name},
                )
            if can_run(request.user, workshop):
                return redirect("host:results", code=workshop.code)
            return redirect("host:home")
    return render(
        request, "game/host_import.html", {"form": form}, status=400 if form.errors else 200
    )
