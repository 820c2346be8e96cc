from django.contrib import admin
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from cards.models import CARDS_PER_THEME, Card, CardLink, Deck, Theme


class ThemeInline(admin.TabularInline):
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
class DeckAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "theme_count", "playable"]
    search_fields = ["name", "slug", "about"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [ThemeInline]

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


class CardInline(admin.StackedInline):
    model = Card
    extra = 0
    max_num = CARDS_PER_THEME
    fields = ["number", "title", "call_to_action", "example", "tip"]
    show_change_link = True


@admin.register(Theme)
class ThemeAdmin(admin.ModelAdmin):
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


class CardLinkInline(admin.TabularInline):
    model = CardLink
    formfield_overrides = URL_FIELD
    extra = 0
    fields = ["order", "label", "url"]


@admin.register(Card)
class CardAdmin(admin.ModelAdmin):
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
class CardLinkAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELD
    list_display = ["label", "url", "card"]
    list_filter = ["card__theme__deck", "card__theme"]
    search_fields = ["label", "url", "card__title"]
    list_select_related = ["card__theme"]
