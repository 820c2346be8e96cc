"""The deck studio's forms: every input of its pages enters through one of these, its
size bounded (a file by ``cards.sheets.reading.MAX_BYTES``, unread past it)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy

from cards import access, studio
from cards.models import MAX_THEMES, Card, Deck, Language, Theme, colour_validator
from cards.sheets import reading


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
        if upload.size > reading.MAX_BYTES:
            raise ValidationError(reading.too_big(upload.size))
        return upload

    def content(self) -> bytes:
        """The file, at most one byte over the limit (which the reader then names)."""
        upload = self.cleaned_data["file"]
        return upload.read(reading.MAX_BYTES + 1)


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
