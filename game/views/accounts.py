"""Logging in and accounts: the login pages (ours and the admin's) with their limits on
failed logins, "Wachtwoord vergeten?", and inviting a facilitator by e-mail.

Links in these mails are built on ``site_base`` (``PUBLIC_URL``), never on the Host
header of the request that asked for them.
"""

from __future__ import annotations

import logging
import smtplib

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import get_user_model, login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse, reverse_lazy
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from game.errors import Refused
from game.room import login_limits
from game.room.accounts import (
    Invited,
    can_invite,
    facilitator_invite,
    invitation_accept,
    invitation_tokens,
    is_pending,
)
from game.views.common import site_base

logger = logging.getLogger(__name__)

# --- logging in ---------------------------------------------------------------------------


class ThrottledLogin:
    """A login form that counts each attempt and refuses, before its password is checked,
    while the limits on failed logins hold (game.room.login_limits); ``throttled`` tells
    the view."""

    throttled = False

    def clean(self):
        username = self.cleaned_data.get("username")
        if not (username and self.cleaned_data.get("password")):
            return super().clean()
        try:
            login_limits.login_attempt(self.request, username)
        except Refused as refusal:
            self.throttled = True
            raise ValidationError(refusal.message(), code="throttled") from None
        cleaned = super().clean()  # a wrong password raises: the attempt stays counted
        login_limits.login_succeeded(self.request, username)
        return cleaned


class LoginForm(ThrottledLogin, AuthenticationForm):
    pass


class AdminLoginForm(ThrottledLogin, AdminAuthenticationForm):
    pass


class Login(auth_views.LoginView):
    form_class = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response

    def form_valid(self, form):
        response = super().form_valid(form)
        login_limits.remember_browser(self.request, response)
        return response


def admin_login(request: HttpRequest) -> HttpResponse:
    """The admin's own login page, with our form and the same limits."""
    response = admin.site.login(request)
    form = (getattr(response, "context_data", None) or {}).get("form")
    if getattr(form, "throttled", False):
        response.status_code = 429
    elif request.method == "POST":
        login_limits.remember_browser(request, response)
    return response


# --- Wachtwoord vergeten? -----------------------------------------------------------------


def link_days() -> int:
    """How many days a reset or invitation link holds."""
    return settings.PASSWORD_RESET_TIMEOUT // (24 * 3600)


class ResetForm(PasswordResetForm):
    """Django's reset form, limited per asking address (with a message) and per mailbox
    (silently, so the page says the same whether or not the address is known)."""

    throttled = False

    def __init__(self, *args, request: HttpRequest, **kwargs):
        super().__init__(*args, **kwargs)
        self.request = request

    def clean(self):
        try:
            login_limits.reset_attempt(self.request)
        except Refused as refusal:
            self.throttled = True
            raise ValidationError(refusal.message(), code="throttled") from None
        return super().clean()

    def save(self, **kwargs):
        if login_limits.reset_mail_allowed(self.cleaned_data["email"]):
            super().save(**kwargs)


class PasswordReset(auth_views.PasswordResetView):
    form_class = ResetForm
    email_template_name = "registration/password_reset_email.txt"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        # The link's base comes from configuration (site_base), not from the Host header.
        self.extra_email_context = {"base": site_base(self.request), "days": link_days()}
        return super().form_valid(form)

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.throttled:
            response.status_code = 429
        return response


class PasswordResetDone(auth_views.PasswordResetDoneView):
    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "days": link_days()}


class PasswordResetConfirm(auth_views.PasswordResetConfirmView):
    """Choosing the new password logs in: the way back in for a facilitator whose
    account others have been guessing at (game.room.login_limits)."""

    post_reset_login = True
    success_url = reverse_lazy("host:home")

    def form_valid(self, form):
        response = super().form_valid(form)
        login_limits.remember_browser(self.request, response)
        return response


# --- invitations ----------------------------------------------------------------------------


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address of the new facilitator"), max_length=150)


def _invitation_mail(request: HttpRequest, user, invited: Invited) -> None:
    base = site_base(request)
    context = {"base": base, "by": request.user, "user": user, "days": link_days()}
    if invited is Invited.HAS_ACCOUNT:
        # No new account: tell the owner how to get in, nothing more.
        context["login_url"] = base + reverse("login")
        context["reset_url"] = base + reverse("password_reset")
        template = "registration/invitation_has_account_email.txt"
    else:
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        token = invitation_tokens.make_token(user)
        context["link"] = base + reverse("invitation", kwargs={"uidb64": uid, "token": token})
        template = "registration/invitation_email.txt"
    subject = render_to_string("registration/invitation_subject.txt", context).strip()
    send_mail(subject, render_to_string(template, context), None, [user.email])


@login_required
def invite(request: HttpRequest) -> HttpResponse:
    """An admin, or a facilitator allowed to, invites a facilitator by e-mail."""
    if not can_invite(request.user):
        return render(request, "host_only.html", status=403)
    form = InviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        email = form.cleaned_data["email"]
        user, invited = facilitator_invite(email=email, by=request.user)
        try:
            _invitation_mail(request, user, invited)
        except (smtplib.SMTPException, OSError):
            # Nothing sent: the account (if new) waits, and inviting again sends a link.
            logger.exception("The invitation mail to user %s could not be sent", user.pk)
            messages.error(
                request, _("The mail could not be sent. Try again later, or ask an admin.")
            )
            return render(
                request, "registration/invite.html", {"form": form, "days": link_days()}, status=503
            )
        # The same answer whether or not the address has an account; admins learn more.
        messages.success(request, _("An invitation has been sent to %(email)s.") % {"email": email})
        if invited is Invited.HAS_ACCOUNT and (request.user.is_staff or request.user.is_superuser):
            messages.info(
                request,
                _(
                    "%(email)s already has an account (%(username)s); it was sent how to log "
                    "in. Make it a facilitator in the admin if it is not one."
                )
                % {"email": email, "username": user.get_username()},
            )
        return redirect("invite")
    return render(request, "registration/invite.html", {"form": form, "days": link_days()})


class AcceptForm(SetPasswordForm):
    """The invitee's own username, and their password (Django's validators)."""

    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[get_user_model().username_validator],
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    field_order = ["username", "new_password1", "new_password2"]

    def clean_username(self):
        username = self.cleaned_data["username"]
        others = get_user_model().objects.exclude(pk=self.user.pk)
        if others.filter(username__iexact=username).exists():
            raise ValidationError(_("That username is taken; choose another."))
        return username

    def save(self, commit=True):
        invitation_accept(
            user=self.user,
            username=self.cleaned_data["username"],
            password=self.cleaned_data["new_password1"],
        )
        return self.user


def _invited_user(uidb64: str, token: str):
    try:
        pk = force_str(urlsafe_base64_decode(uidb64))
        user = get_user_model().objects.get(pk=pk)
    except (ValueError, OverflowError, get_user_model().DoesNotExist):
        return None
    if not is_pending(user) or not invitation_tokens.check_token(user, token):
        return None
    return user


@never_cache
@sensitive_post_parameters("new_password1", "new_password2")
def invitation(request: HttpRequest, uidb64: str, token: str) -> HttpResponse:
    """The invitation's link: choose a username and password, be logged in, go host."""
    user = _invited_user(uidb64, token)
    if user is None:
        refusal = Refused("invitation_invalid")
        return render(
            request,
            "registration/invitation_invalid.html",
            {"message": refusal.message()},
            status=400,
        )
    initial = {"username": "" if user.username.startswith("invited-") else user.username}
    form = AcceptForm(user, request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        response = redirect("host:home")
        login_limits.remember_browser(request, response)
        return response
    return render(request, "registration/invitation.html", {"form": form, "invitee": user})
