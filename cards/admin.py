from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cards.models import CARDS_PER_THEME, Card, CardLink, Deck, Theme


def _deck_of(obj) -> Deck | None:
    if isinstance(obj, Deck):
        return obj
    if isinstance(obj, Theme):
        return obj.deck
    if isinstance(obj, Card):
        return obj.theme.deck
    if isinstance(obj, CardLink):
        return obj.card.theme.deck
    return None


def _frozen(obj) -> bool:
    deck = _deck_of(obj) if obj is not None else None
    return bool(deck is not None and deck.frozen)


# A new theme, card or link goes into an editable deck only.
EDITABLE = {
    "deck": {"frozen": False},
    "theme": {"deck__frozen": False},
    "card": {"theme__deck__frozen": False},
}


class FrozenReadOnly:
    """A frozen version of a deck (what a session plays) is shown, never changed."""

    def has_change_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_delete_permission(request, obj)

    def get_prepopulated_fields(self, request, obj=None):
        return {} if _frozen(obj) else super().get_prepopulated_fields(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name in EDITABLE:
            kwargs["queryset"] = db_field.related_model.objects.filter(**EDITABLE[db_field.name])
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class FrozenInline(FrozenReadOnly):
    """An inline of a frozen deck's theme, card or link: ``obj`` is the parent."""

    def has_add_permission(self, request, obj=None):
        return not _frozen(obj) and super().has_add_permission(request, obj)


class ThemeInline(FrozenInline, admin.TabularInline):
    model = Theme
    extra = 0
    fields = ["order", "name", "slug", "colour", "card_count"]
    readonly_fields = ["card_count"]
    show_change_link = True
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_card_count=Count("cards"))

    @admin.display(description=_("cards"))
    def card_count(self, theme: Theme) -> int:
        return theme._card_count


@admin.register(Deck)
class DeckAdmin(FrozenReadOnly, admin.ModelAdmin):
    list_display = ["name", "slug", "version_of", "owner", "published", "theme_count", "playable"]
    list_filter = ["frozen", "published", "language", "owner"]
    search_fields = ["name", "slug", "about", "owner__username"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["shared_with"]
    list_select_related = ["owner", "source"]
    readonly_fields = ["frozen", "source", "version"]
    inlines = [ThemeInline]

    @admin.display(description=_("version of"), ordering="source__name")
    def version_of(self, deck: Deck) -> str:
        return (
            _("%(name)s, version %(version)d") % {"name": deck.source, "version": deck.version}
            if deck.frozen
            else None
        )

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_theme_count=Count("themes"))

    @admin.display(description=_("themes"), ordering="_theme_count")
    def theme_count(self, deck: Deck) -> int:
        return deck._theme_count

    @admin.display(description=_("playable"))
    def playable(self, deck: Deck) -> str:
        problems = deck.problems()
        if not problems:
            return _("Yes")
        return _("No: %(reasons)s") % {"reasons": " ".join(problems)}


class CardInline(FrozenInline, admin.StackedInline):
    model = Card
    extra = 0
    max_num = CARDS_PER_THEME
    fields = ["number", "title", "call_to_action", "example", "tip"]
    show_change_link = True


@admin.register(Theme)
class ThemeAdmin(FrozenReadOnly, admin.ModelAdmin):
    list_display = ["name", "deck", "order", "colour", "card_count"]
    list_filter = ["deck"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    list_select_related = ["deck"]
    inlines = [CardInline]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_card_count=Count("cards"))

    @admin.display(description=_("cards"), ordering="_card_count")
    def card_count(self, theme: Theme) -> int:
        return theme._card_count


# Links typed without a scheme ("www.ncsi.nl") become https, as Django 6 will do.
URL_FIELD = {models.URLField: {"assume_scheme": "https"}}


class CardLinkInline(FrozenInline, admin.TabularInline):
    model = CardLink
    formfield_overrides = URL_FIELD
    extra = 0
    fields = ["order", "label", "url"]


@admin.register(Card)
class CardAdmin(FrozenReadOnly, admin.ModelAdmin):
    list_display = ["title", "number", "theme", "deck"]
    list_display_links = ["title"]
    list_filter = ["theme__deck", "theme"]
    search_fields = ["title", "call_to_action", "example", "tip", "theme__name"]
    list_select_related = ["theme__deck"]
    inlines = [CardLinkInline]

    @admin.display(description=_("deck"), ordering="theme__deck__name")
    def deck(self, card: Card) -> Deck:
        return card.theme.deck


@admin.register(CardLink)
class CardLinkAdmin(FrozenReadOnly, admin.ModelAdmin):
    formfield_overrides = URL_FIELD
    list_display = ["label", "url", "card"]
    list_filter = ["card__theme__deck", "card__theme"]
    search_fields = ["label", "url", "card__title"]
    list_select_related = ["card__theme"]
