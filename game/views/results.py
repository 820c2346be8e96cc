"""The session's results for the facilitator: the page (printable as a report) and every
action plan as CSV or XLSX."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from cards.sheets.writing import XLSX_TYPE
from game.plans.results_csv import results_csv, results_xlsx
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
    return attachment(
        results_csv(workshop), "text/csv; charset=utf-8", f"actieplannen-{workshop.code}.csv"
    )


@host_only
def host_results_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    workshop = workshop_for(request, code)
    return attachment(results_xlsx(workshop), XLSX_TYPE, f"actieplannen-{workshop.code}.xlsx")
