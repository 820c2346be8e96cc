"""The deck studio's pages, for facilitators (linked from /host/): their decks and the
ones they may use, a new deck (a copy, a spreadsheet, a JSON export), a deck's page and
one view for each of its forms (texts, themes, a new theme, deleting a theme, sharing,
publishing, deleting the deck), the exports and the templates. A card's page is in
``cards.studio_card_views``.

Thin: each view parses with its form (``cards.studio_forms``), calls a service of
``cards.studio`` and replies; who may open which page is in ``cards.studio_access``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cards import access, studio
from cards.models import MAX_THEMES, Deck
from cards.sheets import SheetProblems, quoted, writing
from cards.studio import EditConflict
from cards.studio_access import deck_action, deck_for, facilitators_only
from cards.studio_forms import (
    CopyForm,
    DeckForm,
    NewThemeForm,
    ShareForm,
    ThemeChoiceForm,
    ThemesForm,
    UploadForm,
)
from cards.views import DEFAULT_DECK

# --- the list and new decks ------------------------------------------------------------------


def _listing(user) -> dict:
    decks = access.decks_usable_by(user).select_related("owner").order_by("name")
    own, others = [], []
    for deck in decks:
        entry = {"deck": deck, "problems": deck.problems()}
        (own if deck.owner_id == user.pk else others).append(entry)
    return {"own": own, "others": others}


def _new_forms(user) -> dict:
    return {
        "copy_form": CopyForm(user=user),
        "sheet_form": UploadForm(prefix="sheet"),
        "json_form": UploadForm(prefix="json"),
    }


@facilitators_only
def studio_home(request: HttpRequest) -> HttpResponse:
    context = {**_listing(request.user), **_new_forms(request.user)}
    return render(request, "cards/studio/home.html", context)


@facilitators_only
@require_POST
def studio_new(request: HttpRequest) -> HttpResponse:
    """A new deck: the form's ``source`` says from what (a copy, a sheet or a JSON
    export); each has its own form below."""
    make = {"copy": _new_copy, "sheet": _new_sheet, "json": _new_json}.get(
        request.POST.get("source", "")
    )
    if make is None:
        raise Http404
    return make(request)


def _new_copy(request: HttpRequest) -> HttpResponse:
    form = CopyForm(request.POST, user=request.user)
    if not form.is_valid():
        return _new_refused(request, "copy", copy_form=form)
    data = form.cleaned_data
    return _new_made(
        request, studio.deck_copy(deck=data["deck"], by=request.user, name=data["name"])
    )


def _new_sheet(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES, prefix="sheet")
    if not form.is_valid():
        return _new_refused(request, "sheet", sheet_form=form)
    data = form.cleaned_data
    try:
        deck = studio.deck_from_sheet(
            by=request.user,
            name=data["name"] or _file_title(data["file"].name),
            content=form.content(),
            filename=data["file"].name,
            language=data["language"] or "nl",
        )
    except SheetProblems as refused:
        return _new_refused(request, "sheet", refused.problems, sheet_form=form)
    return _new_made(request, deck)


def _new_json(request: HttpRequest) -> HttpResponse:
    form = UploadForm(request.POST, request.FILES, prefix="json")
    if not form.is_valid():
        return _new_refused(request, "json", json_form=form)
    data = form.cleaned_data
    try:
        deck = studio.deck_from_json(by=request.user, content=form.content(), name=data["name"])
    except SheetProblems as refused:
        return _new_refused(request, "json", refused.problems, json_form=form)
    return _new_made(request, deck)


def _new_made(request: HttpRequest, deck: Deck) -> HttpResponse:
    messages.success(request, _("The deck “%(name)s” was made.") % {"name": deck.name})
    return redirect("cards:studio_deck", deck=deck.slug)


def _new_refused(
    request: HttpRequest, source: str, problems: Sequence[str] = (), **forms_: forms.Form
) -> HttpResponse:
    """The studio's page again, with the form as it was sent and every problem; nothing
    was saved."""
    context = {
        **_listing(request.user),
        **_new_forms(request.user),
        **forms_,
        "problems": list(problems),
        "source": source,
    }
    return render(request, "cards/studio/home.html", context, status=400)


def _file_title(filename: str) -> str:
    stem = filename.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return stem.replace("_", " ").replace("-", " ").strip()[:100] or _("My deck")


def _template_data() -> dict:
    deck = Deck.objects.filter(slug=DEFAULT_DECK, frozen=False).first()
    if deck is None:
        raise Http404("The Innovation on Track deck is not loaded.")
    return studio.deck_data(deck)


@facilitators_only
def studio_template(request: HttpRequest, kind: str) -> HttpResponse:
    """The spreadsheet to start from: the Innovation on Track deck, as CSV or XLSX."""
    return _download(_template_data(), kind, "kwartet-sjabloon")


def _download(data: dict, kind: str, stem: str) -> HttpResponse:
    if kind == "csv":
        content, content_type = writing.write_csv(data), writing.CSV_TYPE
    elif kind == "xlsx":
        content, content_type = writing.write_xlsx(data), writing.XLSX_TYPE
    elif kind == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        content, content_type = text.encode(), "application/json; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
    return response


@facilitators_only
def studio_export(request: HttpRequest, deck: str, kind: str) -> HttpResponse:
    deck_obj = deck_for(request, deck)
    return _download(studio.deck_data(deck_obj), kind, deck_obj.slug)


# --- one deck --------------------------------------------------------------------------------


def _deck_context(request: HttpRequest, deck: Deck, **forms_: forms.Form) -> dict:
    themes = list(deck.themes.prefetch_related("cards"))
    mine = access.can_change(request.user, deck)
    context = {
        "deck": deck,
        "themes": themes,
        "mine": mine,
        "problems": deck.problems(),
        "versions": deck.versions.order_by("-version"),
        "changed_since_version": studio.version_changed(deck),
        "can_add_theme": len(themes) < MAX_THEMES,
    }
    if mine:
        context["deck_form"] = forms_.get("deck_form") or DeckForm(
            initial={**studio.deck_values(deck), "started": studio.stamp(studio.deck_values(deck))}
        )
        context["themes_form"] = forms_.get("themes_form") or ThemesForm(
            themes=themes, initial={"started": studio.stamp(studio.themes_values(deck))}
        )
        context["theme_form"] = forms_.get("theme_form") or NewThemeForm()
        shared = "\n".join(deck.shared_with.order_by("username").values_list("username", flat=True))
        context["share_form"] = forms_.get("share_form") or ShareForm(initial={"usernames": shared})
    return context


@facilitators_only
def studio_deck(request: HttpRequest, deck: str) -> HttpResponse:
    deck_obj = deck_for(request, deck)
    return render(request, "cards/studio/deck.html", _deck_context(request, deck_obj))


def conflict_lines(changes: dict, labels: dict) -> list[str]:
    """What someone else changed, a line a field (its value cut short)."""
    lines = []
    for key, value in changes.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        lines.append(
            f"{labels.get(key, key)}: {shown[:300]}" if shown else str(labels.get(key, key))
        )
    return lines


# --- the deck page's forms: one view each ---------------------------------------------------


def _saved(request: HttpRequest, deck: Deck) -> HttpResponse:
    messages.success(request, _("Saved."))
    return redirect("cards:studio_deck", deck=deck.slug)


@deck_action
def studio_deck_settings(request: HttpRequest, deck: Deck) -> HttpResponse:
    """The deck's name, language and about text."""
    form = DeckForm(request.POST)
    if not form.is_valid():
        return _invalid(request, deck, deck_form=form)
    try:
        studio.deck_update(deck=deck, by=request.user, **form.cleaned_data)
    except EditConflict as conflict:
        return _conflict(request, deck, conflict, deck_form=form)
    return _saved(request, deck)


@deck_action
def studio_themes_save(request: HttpRequest, deck: Deck) -> HttpResponse:
    """Each theme's name, colour and place."""
    form = ThemesForm(request.POST, themes=list(deck.themes.all()))
    if not form.is_valid():
        return _invalid(request, deck, themes_form=form)
    try:
        studio.themes_update(
            deck=deck, by=request.user, started=form.cleaned_data["started"], themes=form.values()
        )
    except EditConflict as conflict:
        return _conflict(request, deck, conflict, themes_form=form)
    return _saved(request, deck)


@deck_action
def studio_theme_add(request: HttpRequest, deck: Deck) -> HttpResponse:
    form = NewThemeForm(request.POST)
    if not form.is_valid():
        return _invalid(request, deck, theme_form=form)
    try:
        studio.theme_add(deck=deck, by=request.user, **form.cleaned_data)
    except ValidationError as error:
        form.add_error(None, error)
        return _invalid(request, deck, theme_form=form)
    messages.success(request, _("The theme was added with four cards to write."))
    return redirect("cards:studio_deck", deck=deck.slug)


@deck_action
def studio_theme_delete(request: HttpRequest, deck: Deck) -> HttpResponse:
    form = ThemeChoiceForm(request.POST, deck=deck)
    if not form.is_valid():
        raise Http404  # no theme of this deck (or no number at all)
    theme = form.cleaned_data["theme"]
    studio.theme_delete(theme=theme, by=request.user)
    messages.success(request, _("The theme “%(name)s” was deleted.") % {"name": theme.name})
    return redirect("cards:studio_deck", deck=deck.slug)


@deck_action
def studio_deck_share(request: HttpRequest, deck: Deck) -> HttpResponse:
    """Shared with exactly the facilitators named; a name that is none changes nothing."""
    form = ShareForm(request.POST)
    if not form.is_valid():
        return _invalid(request, deck, share_form=form)
    names = form.cleaned_data["usernames"].replace(",", "\n").splitlines()
    unknown = studio.deck_share(deck=deck, by=request.user, usernames=names)
    if not unknown:
        return _saved(request, deck)
    form.add_error(
        "usernames",
        _("No facilitator is called: %(names)s. Nothing was changed.")
        % {"names": _names_shown(unknown)},
    )
    return _invalid(request, deck, share_form=form)


@deck_action
def studio_deck_publish(request: HttpRequest, deck: Deck) -> HttpResponse:
    studio.deck_publish(deck=deck, by=request.user, published=request.POST.get("published") == "1")
    return redirect("cards:studio_deck", deck=deck.slug)


@deck_action
def studio_deck_delete(request: HttpRequest, deck: Deck) -> HttpResponse:
    studio.deck_delete(deck=deck, by=request.user)
    messages.success(request, _("The deck “%(name)s” was deleted.") % {"name": deck.name})
    return redirect("cards:studio")


def _names_shown(names: list[str], most: int = 10) -> str:
    """Names someone typed, as a message quotes them: a few, each cut short."""
    shown = ", ".join(quoted(name) for name in names[:most])
    return shown + (" …" if len(names) > most else "")


def _invalid(request: HttpRequest, deck: Deck, **forms_: forms.Form) -> HttpResponse:
    context = _deck_context(request, deck, **forms_)
    return render(request, "cards/studio/deck.html", context, status=400)


def _conflict(request, deck: Deck, conflict: EditConflict, **forms_: forms.Form) -> HttpResponse:
    """Someone else saved first: their changes, and the form as this editor left it, with
    a fresh stamp, so that saving again (after a look) is a deliberate choice."""
    labels = {"name": _("Name"), "about": _("About the game"), "language": _("Language")}
    names = {str(theme.pk): theme.name for theme in deck.themes.all()}
    lines = []
    for key, value in conflict.changes.items():
        if key in names and isinstance(value, dict):
            lines.append(
                _("theme %(name)s: now %(new)s, colour %(colour)s, place %(order)s")
                % {
                    "name": names[key],
                    "new": value["name"],
                    "colour": value["colour"],
                    "order": value["order"],
                }
            )
        elif key in labels:
            lines += conflict_lines({key: value}, labels)
        else:
            lines.append(_("a theme was added or deleted"))
    fresh = {}
    if "deck_form" in forms_:
        data = forms_["deck_form"].data.copy()
        data["started"] = studio.stamp(studio.deck_values(deck))
        fresh["deck_form"] = DeckForm(data)
    if "themes_form" in forms_:
        data = forms_["themes_form"].data.copy()
        data["started"] = studio.stamp(studio.themes_values(deck))
        fresh["themes_form"] = ThemesForm(data, themes=list(deck.themes.all()))
    context = _deck_context(request, deck, **fresh)
    context["conflict"] = lines
    return render(request, "cards/studio/deck.html", context, status=409)
