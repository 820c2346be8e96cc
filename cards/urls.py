from django.urls import path

from cards import views

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
]
