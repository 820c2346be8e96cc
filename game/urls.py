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
]

urlpatterns = [
    path("join/", views.join, name="join"),
    path("j/<str:code>/", views.join_short, name="join_short"),
    path("play/", views.play, name="play"),
    path("host/", include((host_patterns, "host"))),
]
