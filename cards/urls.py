from django.urls import path

from cards import studio_views, views

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
    # The deck studio (cards.studio_views), for facilitators.
    path("studio/", studio_views.studio_home, name="studio"),
    path("studio/nieuw/", studio_views.studio_new, name="studio_new"),
    path("studio/sjabloon.<str:kind>", studio_views.studio_template, name="studio_template"),
    path("studio/<slug:deck>/", studio_views.studio_deck, name="studio_deck"),
    path(
        "studio/<slug:deck>/do/<str:part>/", studio_views.studio_deck_edit, name="studio_deck_edit"
    ),
    path("studio/<slug:deck>/export.<str:kind>", studio_views.studio_export, name="studio_export"),
    path(
        "studio/<slug:deck>/<slug:theme>/<int:number>/",
        studio_views.studio_card,
        name="studio_card",
    ),
]
