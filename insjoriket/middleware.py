"""Session rules that Django has no setting for, and the caching rule of logged-in pages.

The idle timeout is Django's session expiry (SESSION_COOKIE_AGE), moved on here by a request
at most once every SESSION_REFRESH_SECONDS (a session is written then, not on every page
view); the absolute one is here too: a session that logged in more than
SESSION_ABSOLUTE_TIMEOUT seconds ago is logged out on its next request, however active.
"""

import time

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

LOGIN_TIME_KEY = "insjoriket_login_time"
REFRESH_TIME_KEY = "insjoriket_refreshed"


@receiver(user_logged_in)
def remember_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_TIME_KEY] = request.session[REFRESH_TIME_KEY] = int(time.time())


class AbsoluteSessionTimeoutMiddleware:
    """Logs out a session older than SESSION_ABSOLUTE_TIMEOUT (seconds) since login, and moves
    the idle expiry of an active session on (at most once every SESSION_REFRESH_SECONDS)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        limit = getattr(settings, "SESSION_ABSOLUTE_TIMEOUT", None)
        user = getattr(request, "user", None)
        if limit and user is not None and user.is_authenticated:
            now = int(time.time())
            logged_in_at = request.session.get(LOGIN_TIME_KEY)
            if logged_in_at is None:
                # A session from before this rule: start counting.
                request.session[LOGIN_TIME_KEY] = request.session[REFRESH_TIME_KEY] = now
            elif now - int(logged_in_at) > limit:
                logout(request)
                messages.info(
                    request,
                    _("Du har loggats ut eftersom sessionen var äldre än %(hours)d timmar.")
                    % {"hours": limit // 3600},
                )
                return self.get_response(request)
            refresh = getattr(settings, "SESSION_REFRESH_SECONDS", 0)
            if now - int(request.session.get(REFRESH_TIME_KEY, 0)) >= refresh:
                request.session[REFRESH_TIME_KEY] = now  # saved: the expiry moves on
        return self.get_response(request)


class PrivatePagesMiddleware:
    """Every answer to a logged-in user says ``Cache-Control: no-store, private`` (with
    Django's never-cache set: ``max-age=0, no-cache, must-revalidate``), so that neither a
    shared cache nor the browser's back button keeps a page that may hold what only that
    user may see (OSL; the issue's "small ones"). Static files are answered by WhiteNoise
    before this runs and keep their long caching; an answer under STATIC_URL is left alone
    here too (runserver's finders). A request without a session cookie is anonymous: its
    session is not opened, so its answer gains no ``Vary: Cookie``."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.static_prefix = "/" + settings.STATIC_URL.lstrip("/")

    def __call__(self, request):
        response = self.get_response(request)
        if request.path.startswith(self.static_prefix):
            return response
        if settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response


def lockout_response(request, original_response=None, credentials=None):
    """django-axes' answer to a locked-out login: a Swedish page with the cool-off in
    minutes, status 429 (AXES_LOCKOUT_CALLABLE)."""
    from axes.helpers import get_client_username, get_cool_off, get_failure_limit

    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "username": get_client_username(request, credentials) or "",
        "cooloff_minutes": int(cool_off.total_seconds() // 60) if cool_off else None,
    }
    return render(request, "registration/lockout.html", context, status=429)


class LockoutBackend(AxesStandaloneBackend):
    """django-axes' lockout check for every login that comes with a request (the login page,
    the admin's login). A call without a request — the test client's ``login()``, a
    management command — has no IP address to lock by, so it is left to the next backend
    instead of raising AxesBackendRequestParameterRequired."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)
