"""The deck: themes ("kwartetten") of four numbered cards, with their texts and links.

A deck is editable, or a frozen version of one (``frozen``, ``source``, ``version``):
a session plays a frozen version, so an edit never changes a game in progress or the
plans, results and debrief of a past one (``cards.studio.deck_version_for_session``).
Who may see, play, copy and change which deck is in ``cards.access``.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from game import engine

CARDS_PER_THEME = engine.CARDS_PER_THEME

# A playable deck has 2 to 13 themes: one theme is no game of asking, and 13 themes
# (52 cards, a deck of playing cards) is as much as a hand on a phone shows well.
MIN_THEMES = 2
MAX_THEMES = 13

# The longest texts a card takes, so that it still fits its printed card (90 x 130 mm).
MAX_CALL_TO_ACTION = 400
MAX_EXAMPLE = 1200
MAX_TIP = 400


class Language(models.TextChoices):
    """The language a deck's texts are written in (the ``lang`` of its texts)."""

    NL = "nl", "Nederlands"
    EN = "en", "English"


colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as #rrggbb, for example #1f6f8b.")
)


class Deck(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), max_length=100, unique=True)
    about = models.TextField(
        _("about"), blank=True, help_text=_("The booklet's introduction, in Markdown.")
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.NL
    )
    # Whose deck: a facilitator's, or (empty) the admins'. Shared: named facilitators may
    # play and copy it. Published: every facilitator may, and its card pages are public.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decks",
        verbose_name=_("owner"),
        help_text=_("Empty: a deck of the admins, changed by admins only."),
    )
    shared_with = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="decks_shared",
        verbose_name=_("shared with"),
        help_text=_("Facilitators who may play and copy this deck."),
    )
    published = models.BooleanField(
        _("published"),
        default=False,
        help_text=_("Every facilitator may play and copy it, and its card pages are public."),
    )
    # A frozen deck is a version of its source as it was when a session needed it.
    source = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="versions",
        verbose_name=_("version of"),
    )
    frozen = models.BooleanField(_("frozen version"), default=False, editable=False)
    version = models.PositiveIntegerField(_("version"), default=0, editable=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["name", "version"]
        verbose_name = _("deck")
        verbose_name_plural = _("decks")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(frozen=True) | models.Q(source__isnull=True),
                name="deck_only_versions_have_a_source",
            ),
        ]

    def __str__(self) -> str:
        if self.frozen:
            return _("%(name)s (version %(version)d)") % {
                "name": self.name,
                "version": self.version,
            }
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("cards:deck", kwargs={"deck": self.slug})

    @property
    def base(self) -> Deck:
        """The editable deck this one is a version of (itself when it is editable, or
        when its source was deleted)."""
        return self.source if self.frozen and self.source_id else self

    def problems(self) -> list[str]:
        """Why this deck cannot be played, in the active language; empty when playable."""
        themes = list(self.themes.annotate(card_count=models.Count("cards")))
        if not themes:
            return [str(_("The deck has no themes."))]
        problems = []
        if not MIN_THEMES <= len(themes) <= MAX_THEMES:
            problems.append(
                ngettext(
                    "The deck has %(count)d theme; a game needs %(least)d to %(most)d.",
                    "The deck has %(count)d themes; a game needs %(least)d to %(most)d.",
                    len(themes),
                )
                % {"count": len(themes), "least": MIN_THEMES, "most": MAX_THEMES}
            )
        return problems + [
            ngettext(
                "%(theme)s has %(count)d card instead of 4.",
                "%(theme)s has %(count)d cards instead of 4.",
                theme.card_count,
            )
            % {"theme": theme.name, "count": theme.card_count}
            for theme in themes
            if theme.card_count != CARDS_PER_THEME
        ]

    @property
    def is_playable(self) -> bool:
        return not self.problems()

    def to_engine(self) -> engine.Deck:
        """The deck as the game engine sees it: theme and card keys, no texts."""
        themes = self.themes.prefetch_related("cards")
        return engine.Deck(
            themes=tuple(
                engine.Theme(
                    key=theme.slug,
                    name=theme.name,
                    cards=tuple(card.key for card in theme.cards.all()),
                )
                for theme in themes
            )
        )


class Theme(models.Model):
    deck = models.ForeignKey(
        Deck, on_delete=models.CASCADE, related_name="themes", verbose_name=_("deck")
    )
    name = models.CharField(_("name"), max_length=60)
    slug = models.SlugField(_("slug"), max_length=60)
    order = models.PositiveSmallIntegerField(_("order"))
    colour = models.CharField(
        _("colour"), max_length=7, validators=[colour_validator], help_text="#rrggbb"
    )

    class Meta:
        ordering = ["deck", "order"]
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        constraints = [
            models.UniqueConstraint(fields=["deck", "order"], name="theme_order_unique_per_deck"),
            models.UniqueConstraint(fields=["deck", "slug"], name="theme_slug_unique_per_deck"),
            models.CheckConstraint(
                condition=models.Q(colour__regex=r"^#[0-9a-fA-F]{6}$"), name="theme_colour_hex"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Card(models.Model):
    theme = models.ForeignKey(
        Theme, on_delete=models.CASCADE, related_name="cards", verbose_name=_("theme")
    )
    number = models.PositiveSmallIntegerField(
        _("number"), validators=[MinValueValidator(1), MaxValueValidator(CARDS_PER_THEME)]
    )
    title = models.CharField(_("title"), max_length=100)
    call_to_action = models.TextField(
        _("call to action"),
        max_length=MAX_CALL_TO_ACTION,
        help_text=_("The card's first paragraph."),
    )
    example = models.TextField(
        _("example from practice"),
        max_length=MAX_EXAMPLE,
        help_text=_("Paragraphs separated by a blank line."),
    )
    tip = models.TextField(_("tip"), max_length=MAX_TIP, blank=True)

    class Meta:
        ordering = ["theme", "number"]
        verbose_name = _("card")
        verbose_name_plural = _("cards")
        constraints = [
            models.UniqueConstraint(
                fields=["theme", "number"], name="card_number_unique_per_theme"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1, number__lte=CARDS_PER_THEME),
                name="card_number_1_to_4",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.theme.name} {self.number}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse(
            "cards:card",
            kwargs={"deck": self.theme.deck.slug, "theme": self.theme.slug, "number": self.number},
        )

    @property
    def key(self) -> str:
        """The card's id in the game engine, stable across databases."""
        return f"{self.theme.slug}-{self.number}"

    def example_paragraphs(self) -> list[str]:
        return [p.strip() for p in self.example.split("\n\n") if p.strip()]


class CardLink(models.Model):
    card = models.ForeignKey(
        Card, on_delete=models.CASCADE, related_name="links", verbose_name=_("card")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    label = models.CharField(_("label"), max_length=200)
    url = models.URLField(_("URL"), max_length=500)

    class Meta:
        ordering = ["card", "order", "id"]
        verbose_name = _("link")
        verbose_name_plural = _("links")

    def __str__(self) -> str:
        return self.label
