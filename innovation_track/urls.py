from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from game.realtime import health
from game.views import accounts

urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    # The admin's login with the same limits on failed logins as ours.
    path("admin/login/", accounts.admin_login),
    # The admin's login page links here ("Forgotten your password?") when the name exists.
    path("admin/password_reset/", accounts.PasswordReset.as_view(), name="admin_password_reset"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", accounts.Login.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/reset/", accounts.PasswordReset.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        accounts.PasswordResetDone.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.PasswordResetConfirm.as_view(),
        name="password_reset_confirm",
    ),
    path("host/invite/", accounts.invite, name="invite"),
    path("welcome/<uidb64>/<token>/", accounts.invitation, name="invitation"),
    path("", include("game.urls")),
    path("", include("cards.urls")),
]
