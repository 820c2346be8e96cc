"""The deck studio's pages, for facilitators (linked from /host/): their decks and the
ones they may use, a new deck (a copy, a spreadsheet, a JSON export), a deck's page to
change its texts, themes, sharing and publishing, a card with its previews, the
exports and the templates.

Thin: the work is in ``cards.studio``; who may do what in ``cards.access``. A deck that
is not the user's to see is a 404, as another facilitator's session is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from cards import access, sheets, studio
from cards.models import MAX_THEMES, Card, Deck, Language, Theme, colour_validator
from cards.sheets import SheetProblems
from cards.studio import EditConflict
from cards.views import DEFAULT_DECK, qr_svg
from innovation_track.hosting import host_only as facilitators_only


def deck_for(request: HttpRequest, slug: str, *, change: bool = False) -> Deck:
    """An editable deck the user may use (or change): a 404 for anyone else."""
    deck = get_object_or_404(Deck.objects.select_related("owner"), slug=slug, frozen=False)
    allowed = access.can_change if change else access.can_use
    if not allowed(request.user, deck):
        raise Http404("No such deck.")
    return deck


# --- forms -----------------------------------------------------------------------------------


class UploadForm(forms.Form):
    file = forms.FileField(label=gettext_lazy("File"))
    name = forms.CharField(label=gettext_lazy("Name of the deck"), max_length=100, required=False)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of its texts"),
        choices=Language.choices,
        initial="nl",
        required=False,  # a JSON export names its own
    )

    def clean_file(self):
        """A file over the limit is refused by its size, unread."""
        upload = self.cleaned_data["file"]
        if upload.size > sheets.MAX_BYTES:
            raise ValidationError(sheets.too_big(upload.size))
        return upload

    def content(self) -> bytes:
        """The file, at most one byte over the limit (which the reader then names)."""
        upload = self.cleaned_data["file"]
        return upload.read(sheets.MAX_BYTES + 1)


class CopyForm(forms.Form):
    deck = forms.ModelChoiceField(
        label=gettext_lazy("Copy of"), queryset=Deck.objects.none(), empty_label=None
    )
    name = forms.CharField(label=gettext_lazy("Name of the copy"), max_length=100, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["deck"].queryset = access.decks_usable_by(user).order_by("name")


class DeckForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=100)
    language = forms.ChoiceField(
        label=gettext_lazy("Language of its texts"), choices=Language.choices
    )
    about = forms.CharField(
        label=gettext_lazy("About the game"),
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        max_length=20_000,
    )
    started = forms.CharField(widget=forms.HiddenInput)


class ThemesForm(forms.Form):
    """Each theme's name, colour and place."""

    started = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args, themes: list[Theme], **kwargs):
        super().__init__(*args, **kwargs)
        self.themes = themes
        for theme in themes:
            self.fields[f"name_{theme.pk}"] = forms.CharField(
                label=gettext_lazy("Name"), max_length=60, initial=theme.name
            )
            self.fields[f"colour_{theme.pk}"] = forms.CharField(
                label=gettext_lazy("Colour"),
                initial=theme.colour,
                validators=[colour_validator],
                widget=forms.TextInput(attrs={"type": "color"}),
            )
            self.fields[f"order_{theme.pk}"] = forms.IntegerField(
                label=gettext_lazy("Place"), min_value=1, max_value=MAX_THEMES, initial=theme.order
            )

    def rows(self):
        return [
            (theme, self[f"name_{theme.pk}"], self[f"colour_{theme.pk}"], self[f"order_{theme.pk}"])
            for theme in self.themes
        ]

    def values(self) -> dict[int, dict]:
        data = self.cleaned_data
        return {
            theme.pk: {
                "name": data[f"name_{theme.pk}"],
                "colour": data[f"colour_{theme.pk}"],
                "order": data[f"order_{theme.pk}"],
            }
            for theme in self.themes
        }


class NewThemeForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name of the new theme"), max_length=60)
    colour = forms.CharField(
        label=gettext_lazy("Colour"),
        initial="#1f6f8b",
        validators=[colour_validator],
        widget=forms.TextInput(attrs={"type": "color"}),
    )


class CardForm(forms.Form):
    title = forms.CharField(label=gettext_lazy("Title"), max_length=100)
    call_to_action = forms.CharField(
        label=gettext_lazy("Call to action"),
        max_length=Card._meta.get_field("call_to_action").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    example = forms.CharField(
        label=gettext_lazy("Example from practice"),
        max_length=Card._meta.get_field("example").max_length,
        help_text=gettext_lazy("Paragraphs separated by a blank line."),
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    tip = forms.CharField(
        label=gettext_lazy("Tip"),
        max_length=Card._meta.get_field("tip").max_length,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    links = forms.CharField(
        label=gettext_lazy("Links"),
        help_text=gettext_lazy("One a line: label | https://…"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    started = forms.CharField(widget=forms.HiddenInput)

    def clean_links(self):
        links, problems = studio.parse_links(self.cleaned_data["links"])
        if problems:
            raise ValidationError(problems)
        self.parsed_links = links
        return self.cleaned_data["links"]


class ThemeChoiceForm(forms.Form):
    """One of ``deck``'s themes, by id."""

    theme = forms.ModelChoiceField(queryset=Theme.objects.none())

    def __init__(self, data, *, deck: Deck) -> None:
        super().__init__(data)
        self.fields["theme"].queryset = deck.themes.all()


class ShareForm(forms.Form):
    usernames = forms.CharField(
        label=gettext_lazy("Shared with (user names of facilitators, one a line)"),
        required=False,
        max_length=10_000,  # some hundred names
        widget=forms.Textarea(attrs={"rows": 3}),
    )


# --- the list and new decks ------------------------------------------------------------------


def _listing(user) -> dict:
    decks = access.decks_usable_by(user).select_related("owner").order_by("name")
    own, others = [], []
    for deck in decks:
        entry = {"deck": deck, "problems": deck.problems()}
        (own if deck.owner_id == user.pk else others).append(entry)
    return {"own": own, "others": others}


@facilitators_only
def studio_home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "cards/studio/home.html",
        {
            **_listing(request.user),
            "copy_form": CopyForm(user=request.user),
            "sheet_form": UploadForm(prefix="sheet"),
            "json_form": UploadForm(prefix="json"),
        },
    )


@facilitators_only
@require_POST
def studio_new(request: HttpRequest) -> HttpResponse:
    """A new deck: ``source`` says from what (copy, sheet or json). Refused: the studio's
    page again, with every problem, and nothing saved."""
    source = request.POST.get("source")
    copy_form = CopyForm(user=request.user)
    sheet_form = UploadForm(prefix="sheet")
    json_form = UploadForm(prefix="json")
    problems: list[str] = []
    deck = None
    if source == "copy":
        copy_form = CopyForm(request.POST, user=request.user)
        if copy_form.is_valid():
            data = copy_form.cleaned_data
            deck = studio.deck_copy(deck=data["deck"], by=request.user, name=data["name"])
    elif source in ("sheet", "json"):
        form = UploadForm(request.POST, request.FILES, prefix=source)
        if source == "sheet":
            sheet_form = form
        else:
            json_form = form
        if form.is_valid():
            data = form.cleaned_data
            try:
                if source == "sheet":
                    deck = studio.deck_from_sheet(
                        by=request.user,
                        name=data["name"] or _file_title(data["file"].name),
                        content=form.content(),
                        filename=data["file"].name,
                        language=data["language"] or "nl",
                    )
                else:
                    deck = studio.deck_from_json(
                        by=request.user, content=form.content(), name=data["name"]
                    )
            except SheetProblems as refused:
                problems = refused.problems
    else:
        raise Http404
    if deck is not None:
        messages.success(request, _("The deck “%(name)s” was made.") % {"name": deck.name})
        return redirect("cards:studio_deck", deck=deck.slug)
    context = {
        **_listing(request.user),
        "copy_form": copy_form,
        "sheet_form": sheet_form,
        "json_form": json_form,
        "problems": problems,
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
        content, content_type = sheets.write_csv(data), sheets.CSV_TYPE
    elif kind == "xlsx":
        content, content_type = sheets.write_xlsx(data), sheets.XLSX_TYPE
    elif kind == "json":
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
        content, content_type = text.encode(), "application/json; charset=utf-8"
    else:
        raise Http404
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{stem}.{kind}"'
    return response


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


def _conflict_lines(changes: dict, labels: dict) -> list[str]:
    lines = []
    for key, value in changes.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        lines.append(
            f"{labels.get(key, key)}: {shown[:300]}" if shown else str(labels.get(key, key))
        )
    return lines


@facilitators_only
@require_POST
def studio_deck_edit(request: HttpRequest, deck: str, part: str) -> HttpResponse:
    """One of the deck page's forms: ``part`` is settings, themes, theme (a new one),
    theme_delete, share, publish or delete."""
    deck_obj = deck_for(request, deck, change=True)
    by = request.user
    if part == "settings":
        form = DeckForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                studio.deck_update(deck=deck_obj, by=by, **data)
            except EditConflict as conflict:
                return _conflict(request, deck_obj, conflict, deck_form=form)
            messages.success(request, _("Saved."))
            return redirect("cards:studio_deck", deck=deck_obj.slug)
        return _invalid(request, deck_obj, deck_form=form)
    if part == "themes":
        themes = list(deck_obj.themes.all())
        form = ThemesForm(request.POST, themes=themes)
        if form.is_valid():
            try:
                studio.themes_update(
                    deck=deck_obj, by=by, started=form.cleaned_data["started"], themes=form.values()
                )
            except EditConflict as conflict:
                return _conflict(request, deck_obj, conflict, themes_form=form)
            messages.success(request, _("Saved."))
            return redirect("cards:studio_deck", deck=deck_obj.slug)
        return _invalid(request, deck_obj, themes_form=form)
    if part == "theme":
        form = NewThemeForm(request.POST)
        if form.is_valid():
            try:
                studio.theme_add(deck=deck_obj, by=by, **form.cleaned_data)
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The theme was added with four cards to write."))
                return redirect("cards:studio_deck", deck=deck_obj.slug)
        return _invalid(request, deck_obj, theme_form=form)
    if part == "theme_delete":
        form = ThemeChoiceForm(request.POST, deck=deck_obj)
        if not form.is_valid():
            raise Http404  # no theme of this deck (or no number at all)
        theme = form.cleaned_data["theme"]
        studio.theme_delete(theme=theme, by=by)
        messages.success(request, _("The theme “%(name)s” was deleted.") % {"name": theme.name})
        return redirect("cards:studio_deck", deck=deck_obj.slug)
    if part == "share":
        form = ShareForm(request.POST)
        if form.is_valid():
            names = form.cleaned_data["usernames"].replace(",", "\n").splitlines()
            unknown = studio.deck_share(deck=deck_obj, by=by, usernames=names)
            if not unknown:
                messages.success(request, _("Saved."))
                return redirect("cards:studio_deck", deck=deck_obj.slug)
            form.add_error(
                "usernames",
                _("No facilitator is called: %(names)s. Nothing was changed.")
                % {"names": _names_shown(unknown)},
            )
        return _invalid(request, deck_obj, share_form=form)
    if part == "publish":
        studio.deck_publish(deck=deck_obj, by=by, published=request.POST.get("published") == "1")
        return redirect("cards:studio_deck", deck=deck_obj.slug)
    if part == "delete":
        studio.deck_delete(deck=deck_obj, by=by)
        messages.success(request, _("The deck “%(name)s” was deleted.") % {"name": deck_obj.name})
        return redirect("cards:studio")
    raise Http404


def _names_shown(names: list[str], most: int = 10) -> str:
    """Names someone typed, as a message quotes them: a few, each cut short."""
    shown = ", ".join(sheets.quoted(name) for name in names[:most])
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
            lines += _conflict_lines({key: value}, labels)
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


@facilitators_only
def studio_export(request: HttpRequest, deck: str, kind: str) -> HttpResponse:
    deck_obj = deck_for(request, deck)
    return _download(studio.deck_data(deck_obj), kind, deck_obj.slug)


# --- one card --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Link:
    label: str
    url: str


class _Links:
    def __init__(self, links: list) -> None:
        self._links = links

    def all(self) -> list:
        return self._links


class Preview:
    """A card as the form shows it, for the templates of the phone and the print page
    (``cards/_card.html``, ``cards/_print_front.html``): unsaved values, never saved."""

    def __init__(self, card: Card, values: dict | None, links: list[dict] | None) -> None:
        self.pk = card.pk
        self.theme = card.theme
        self.number = card.number
        self.key = card.key
        values = values or studio.card_values(card)
        self.title = values["title"]
        self.call_to_action = values["call_to_action"]
        self.example = values["example"]
        self.tip = values["tip"]
        if links is None:
            self.links = _Links(list(card.links.all()))
        else:
            self.links = _Links([_Link(**link) for link in links])

    def example_paragraphs(self) -> list[str]:
        return Card.example_paragraphs(self)


def _card_for(request: HttpRequest, deck: str, theme: str, number: int, change: bool) -> Card:
    deck_obj = deck_for(request, deck, change=change)
    return get_object_or_404(
        Card.objects.select_related("theme__deck").prefetch_related("links"),
        theme__deck=deck_obj,
        theme__slug=theme,
        number=number,
    )


@facilitators_only
def studio_card(request: HttpRequest, deck: str, theme: str, number: int) -> HttpResponse:
    """A card's texts and links, with the card as the phone shows it and as the print
    page prints it. "Preview" shows the form's values without saving them."""
    card = _card_for(request, deck, theme, number, change=True)
    status = 200
    conflict: list[str] = []
    values = links = None
    if request.method == "POST":
        form = CardForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            values, links = data, form.parsed_links
            if "preview" not in request.POST:
                try:
                    studio.card_update(
                        card=card,
                        by=request.user,
                        started=data["started"],
                        title=data["title"],
                        call_to_action=data["call_to_action"],
                        example=data["example"],
                        tip=data["tip"],
                        links=links,
                    )
                except EditConflict as refused:
                    card.refresh_from_db()
                    labels = {name: form.fields[name].label for name in form.fields}
                    conflict = _conflict_lines(refused.changes, labels) or [_("the card")]
                    form = CardForm(
                        {**request.POST.dict(), "started": studio.stamp(studio.card_values(card))}
                    )
                    form.is_valid()
                    status = 409
                else:
                    messages.success(request, _("Saved."))
                    return redirect("cards:studio_card", deck=deck, theme=theme, number=number)
        else:
            status = 400
    else:
        current = studio.card_values(card)
        form = CardForm(initial={**current, "started": studio.stamp(current)})
    preview = Preview(card, values, links)
    siblings = [preview if c.pk == card.pk else c for c in card.theme.cards.all()]
    context = {
        "deck": card.theme.deck,
        "card": preview,
        "theme": card.theme,
        "siblings": siblings,
        "form": form,
        "conflict": conflict,
        "qr": qr_svg(request.build_absolute_uri(card.get_absolute_url()))
        if card.theme.deck.published
        else "",
        "previewing": values is not None and status == 200,
        "next_url": _next_card_url(card),
    }
    return render(request, "cards/studio/card.html", context, status=status)


def _next_card_url(card: Card) -> str:
    cards = list(
        Card.objects.filter(theme__deck=card.theme.deck).order_by("theme__order", "number")
    )
    at = next(i for i, c in enumerate(cards) if c.pk == card.pk)
    following = cards[(at + 1) % len(cards)]
    return reverse(
        "cards:studio_card",
        kwargs={
            "deck": card.theme.deck.slug,
            "theme": following.theme.slug,
            "number": following.number,
        },
    )
