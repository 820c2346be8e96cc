from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from game.realtime import health

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("game.urls")),
    path("", include("cards.urls")),
]
