"""The session's results for the facilitator: the page (printable as a report) and the
CSV of every action plan."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from game.plans.results_csv import results_csv
from game.plans.selectors import results
from game.programmes.funnel_svg import funnel
from game.programmes.selectors import session_figures
from game.views.common import attachment, host_only, workshop_for
from game.views.debrief import debrief_context


@host_only
def host_results(request: HttpRequest, code: str) -> HttpResponse:
    workshop = workshop_for(request, code)
    numbers = session_figures(workshop)
    drawing = funnel(numbers)
    context = {
        "workshop": workshop,
        **results(workshop),
        **debrief_context(workshop),
        "session_figures": numbers,
        "session_funnel": drawing,
    }
    return render(request, "game/results.html", context)


@host_only
def host_results_csv(request: HttpRequest, code: str) -> HttpResponse:
    workshop = workshop_for(request, code)
    csv = results_csv(workshop)
    filename = f"actieplannen-{workshop.code}.csv"
    return attachment(csv, "text/csv; charset=utf-8", filename)
