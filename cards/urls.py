from django.urls import path

from cards import studio_card_views, studio_views, views

app_name = "cards"

urlpatterns = [
    path("", views.home, name="home"),
    path("kaarten/", views.deck_default, name="deck_default"),
    path("kaarten/<slug:deck>/", views.deck_detail, name="deck"),
    path("kaarten/<slug:deck>/over/", views.deck_about, name="about"),
    # Above the theme pages, which would take "print" for a theme's slug.
    path("kaarten/<slug:deck>/print/", views.deck_print, name="print"),
    path("kaarten/<slug:deck>/<slug:theme>/", views.theme_detail, name="theme"),
    path("kaarten/<slug:deck>/<slug:theme>/<int:number>/", views.card_detail, name="card"),
    # The deck studio (cards.studio_views, cards.studio_card_views), for facilitators.
    path("studio/", studio_views.studio_home, name="studio"),
    path("studio/nieuw/", studio_views.studio_new, name="studio_new"),
    path("studio/sjabloon.<str:kind>", studio_views.studio_template, name="studio_template"),
    path("studio/<slug:deck>/", studio_views.studio_deck, name="studio_deck"),
    # The deck page's forms, one view each.
    path(
        "studio/<slug:deck>/do/settings/",
        studio_views.studio_deck_settings,
        name="studio_deck_settings",
    ),
    path(
        "studio/<slug:deck>/do/themes/", studio_views.studio_themes_save, name="studio_themes_save"
    ),
    path("studio/<slug:deck>/do/theme/", studio_views.studio_theme_add, name="studio_theme_add"),
    path(
        "studio/<slug:deck>/do/theme_delete/",
        studio_views.studio_theme_delete,
        name="studio_theme_delete",
    ),
    path("studio/<slug:deck>/do/share/", studio_views.studio_deck_share, name="studio_deck_share"),
    path(
        "studio/<slug:deck>/do/publish/",
        studio_views.studio_deck_publish,
        name="studio_deck_publish",
    ),
    path(
        "studio/<slug:deck>/do/delete/", studio_views.studio_deck_delete, name="studio_deck_delete"
    ),
    path("studio/<slug:deck>/export.<str:kind>", studio_views.studio_export, name="studio_export"),
    path(
        "studio/<slug:deck>/<slug:theme>/<int:number>/",
        studio_card_views.studio_card,
        name="studio_card",
    ),
]
