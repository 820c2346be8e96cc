"""Limits on guessing passwords, and on asking for reset mails.

Failed logins are counted in Django's cache (shared through Redis when ``REDIS_URL`` is
set, so the limits hold across several workers), in fixed windows of
``LOGIN_FAILURE_WINDOW_SECONDS``, three ways:

- per account *from one address*: the tight limit. It keys on the pair, so someone
  guessing from elsewhere cannot use it up for the facilitator's own address;
- per address, whatever the accounts: one address cannot spread its guesses over many;
- per account from everywhere, a looser limit against guesses spread over many
  addresses. A browser that has logged in to that account before carries a signed
  "known browser" cookie and is exempt from it, so an attacker elsewhere cannot lock the
  facilitator out; and a password reset logs the facilitator in whatever the counts.

Each attempt is counted *before* its password is checked (the cache's increment is
atomic), and one over a limit is refused there: refused guesses cost no hashing, which is
what slowed every page when guesses came in parallel, and parallel guesses cannot slip
past a count not yet written. A successful login clears the counts of its account (from
that address and overall) and takes back its own attempt from its address's count, no
more: an attacker with an account of their own cannot wipe out their guesses at others.
"""

from __future__ import annotations

import contextlib
import hashlib
import math

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse

from game.errors import Refused
from game.room import windows
from game.room.join_limits import client_address

KNOWN_BROWSER_COOKIE = "known_login"
KNOWN_BROWSER_SALT = "game.login.known-browser"
KNOWN_BROWSER_DAYS = 180


def _hashed(value: str) -> str:
    # Cache keys stay short and of safe characters whatever a username holds.
    return hashlib.sha256(value.encode()).hexdigest()[:32]


def _account(username: str) -> str:
    return _hashed("account:" + username.strip().casefold())


def _uncount(key: str) -> None:
    # Gone meanwhile (its window ended): nothing to take back.
    with contextlib.suppress(ValueError):
        cache.decr(key)


# --- logins ------------------------------------------------------------------------------


def _login_keys(username: str, address: str) -> dict[str, str]:
    window, _left = windows.window(settings.LOGIN_FAILURE_WINDOW_SECONDS)
    account, where = _account(username), _hashed("address:" + address)
    return {
        "pair": f"login-fail:{window}:pair:{account}:{where}",
        "address": f"login-fail:{window}:address:{where}",
        "account": f"login-fail:{window}:account:{account}",
    }


def is_known_browser(request: HttpRequest, username: str) -> bool:
    """This browser logged in to this account before (its signed cookie says so)."""
    value = request.COOKIES.get(KNOWN_BROWSER_COOKIE, "")
    if not value:
        return False
    try:
        known = signing.TimestampSigner(salt=KNOWN_BROWSER_SALT).unsign(
            value, max_age=KNOWN_BROWSER_DAYS * 24 * 3600
        )
    except signing.BadSignature:
        return False
    return known == _account(username)


def remember_browser(request: HttpRequest, response: HttpResponse) -> None:
    """After a login: this browser is known for the account now logged in."""
    if not request.user.is_authenticated:
        return
    value = signing.TimestampSigner(salt=KNOWN_BROWSER_SALT).sign(
        _account(request.user.get_username())
    )
    response.set_cookie(
        KNOWN_BROWSER_COOKIE,
        value,
        max_age=KNOWN_BROWSER_DAYS * 24 * 3600,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def login_attempt(request: HttpRequest, username: str) -> None:
    """Count this attempt before its password is checked, and refuse with
    ``too_many_logins`` and the wait when that goes over a limit: this account from this
    address, this address, or (for a browser it does not know) this account. Counting
    first, with the cache's atomic increment, keeps the limits when guesses come in
    parallel: of twenty at once from one address, five reach the password check."""
    keys = _login_keys(username, client_address(request))
    limits = {
        "pair": settings.LOGIN_FAILURES_PER_ACCOUNT_AND_ADDRESS,
        "address": settings.LOGIN_FAILURES_PER_ADDRESS,
        "account": settings.LOGIN_FAILURES_PER_ACCOUNT,
    }
    if is_known_browser(request, username):
        del limits["account"]
    timeout = settings.LOGIN_FAILURE_WINDOW_SECONDS + 5
    counted = {name: windows.count(keys[name], timeout) for name in limits}
    if any(counted[name] > limit for name, limit in limits.items()):
        for name in limits:  # a refused attempt is not counted: it cost nothing
            _uncount(keys[name])
        _window_number, left = windows.window(settings.LOGIN_FAILURE_WINDOW_SECONDS)
        raise Refused("too_many_logins", minutes=math.ceil(left / 60), seconds=left)


def login_succeeded(request: HttpRequest, username: str) -> None:
    """The attempt had the right password: the account's counts start again (from this
    address and from everywhere), and the address's loses this attempt only, so that an
    attacker with an account of their own cannot wipe out their guesses at others."""
    login_cleared(request, username)
    _uncount(_login_keys(username, client_address(request))["address"])


def login_cleared(request: HttpRequest, username: str) -> None:
    """Logged in (by password, a reset link or an invitation): the account's counts from
    this address and from everywhere start again."""
    keys = _login_keys(username, client_address(request))
    cache.delete_many([keys["pair"], keys["account"]])


# --- reset mails ---------------------------------------------------------------------------


def reset_attempt(request: HttpRequest) -> None:
    """Count a request for a reset mail against the asking address, and refuse with
    ``too_many_resets`` when that goes over its limit for the window (the answer does not
    depend on the address asked about)."""
    window, left = windows.window(settings.PASSWORD_RESET_WINDOW_SECONDS)
    key = f"reset-ask:{window}:address:{_hashed(client_address(request))}"
    if (
        windows.count(key, settings.PASSWORD_RESET_WINDOW_SECONDS + 5)
        > settings.PASSWORD_RESETS_PER_ADDRESS
    ):
        _uncount(key)
        raise Refused("too_many_resets", minutes=math.ceil(left / 60), seconds=left)


def reset_mail_allowed(email: str) -> bool:
    """Count a reset mail to this mailbox; False when it has had its mails for this
    window (then none is sent, silently: mail bombing one person from many addresses
    gets nowhere, and the page says the same)."""
    window, _left = windows.window(settings.PASSWORD_RESET_WINDOW_SECONDS)
    mailbox = f"reset-ask:{window}:mailbox:{_hashed(email.strip().casefold())}"
    count = windows.count(mailbox, settings.PASSWORD_RESET_WINDOW_SECONDS + 5)
    return count <= settings.PASSWORD_RESETS_PER_MAILBOX


# --- Django's signal (game.apps connects it) ------------------------------------------


def on_logged_in(sender, request, user, **kwargs) -> None:
    if request is not None:
        login_cleared(request, user.get_username())
