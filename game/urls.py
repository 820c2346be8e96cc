from django.urls import include, path

from game import views

host_patterns = [
    path("", views.host_home, name="home"),
    path("<str:code>/", views.host_session, name="session"),
    path("<str:code>/panel/", views.host_panel, name="panel"),
    path("<str:code>/qr.svg", views.host_qr, name="qr"),
    path("<str:code>/projector/", views.projector, name="projector"),
    path("<str:code>/projector/panel/", views.projector_panel, name="projector_panel"),
    path("<str:code>/do/", views.host_action, name="action"),
    path("<str:code>/results/", views.host_results, name="results"),
    path("<str:code>/results.csv", views.host_results_csv, name="results_csv"),
]

urlpatterns = [
    path("join/", views.join, name="join"),
    path("j/<str:code>/", views.join_short, name="join_short"),
    path("play/", views.play, name="play"),
    path("plan/", views.plan_page, name="plan"),
    path("plan/save/", views.plan_save, name="plan_save"),
    path("plan/print/", views.plan_print, name="plan_print"),
    path("plan/mijn-actieplan.md", views.plan_download, name="plan_download"),
    path("host/", include((host_patterns, "host"))),
]
