"""How long a login lasts, and ending a person's logins.

A session ends after ``SESSION_IDLE_TIMEOUT`` without a request from the person, and
``SESSION_ABSOLUTE_TIMEOUT`` after the login however busy it was (a working day): the next
request is served as anonymous, so a page sends them to the login page and the API answers as
to anyone not logged in. API tokens do not expire; they end when the person is deactivated.
"""

from __future__ import annotations

from importlib import import_module
from urllib.parse import urlencode, urlparse

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import SESSION_KEY, logout
from django.shortcuts import resolve_url
from django.utils import timezone
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect
from rest_framework.authtoken.models import Token

LOGIN_AT = "login_at"
LAST_SEEN = "last_seen"
# Last activity is written at most this often (seconds): not one session write per request.
SEEN_GRANULARITY = 60
# Sent by what refreshes itself with nobody at the keyboard (the front desk's rotation bar
# every 15 s): it is not activity, or a desk left alone would stay logged in all day.
BACKGROUND_HEADER = "X-Background-Refresh"


class SessionTimeoutMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        now = timezone.now().timestamp()
        timed = settings.SESSION_IDLE_TIMEOUT or settings.SESSION_ABSOLUTE_TIMEOUT
        if timed and request.user.is_authenticated:
            ended = _ended(request.session, now)
            if ended:
                logout(request)
                messages.info(request, ended)
        response = self.get_response(request)
        if timed and request.user.is_authenticated:
            _stamp(request, now)
        return _whole_page_to_login(request, response)


def _ended(session, now: float) -> str | None:
    """Why the session is over, or None."""
    absolute, idle = settings.SESSION_ABSOLUTE_TIMEOUT, settings.SESSION_IDLE_TIMEOUT
    login_at, last_seen = session.get(LOGIN_AT), session.get(LAST_SEEN)
    if absolute and login_at is not None and now - login_at >= absolute.total_seconds():
        return _("You were logged out: a login lasts a working day. Please log in again.")
    if idle and last_seen is not None and now - last_seen >= idle.total_seconds():
        return _("You were logged out after a while without activity. Please log in again.")
    return None


def _stamp(request, now: float) -> None:
    # A login older than these keys (or made by force_login) starts its clock here.
    session = request.session
    session.setdefault(LOGIN_AT, now)
    background = request.headers.get(BACKGROUND_HEADER) == "true"
    last_seen = session.get(LAST_SEEN)
    if last_seen is None or (not background and now - last_seen >= SEEN_GRANULARITY):
        session[LAST_SEEN] = now


def _whole_page_to_login(request, response):
    """htmx follows a redirect inside the page, and would show the login form in the rotation
    bar: the whole page goes to the login page instead, and comes back after it."""
    if not request.headers.get("HX-Request") or response.status_code != 302:
        return response
    login = resolve_url(settings.LOGIN_URL)
    if urlparse(response["Location"]).path != login:
        return response
    current = urlparse(request.headers.get("HX-Current-URL", ""))
    page = (current.path or "/") + (f"?{current.query}" if current.query else "")
    return HttpResponseClientRedirect(f"{login}?{urlencode({'next': page})}")


def sessions_end(user) -> int:
    """Ends every login of the user now: their API tokens and their sessions are deleted.
    Returns how many sessions ended.

    Django already refuses an inactive user's session and token at the next request; deleting
    them also means that reactivating the person revives none of them."""
    Token.objects.filter(user=user).delete()
    store = import_module(settings.SESSION_ENGINE).SessionStore
    if not hasattr(store, "get_model_class"):
        return 0  # cache or cookie sessions: the inactive check is all there is
    model = store.get_model_class()
    # Sessions do not say whose they are but in their data: read the live ones, a working
    # day's worth at most (SESSION_COOKIE_AGE).
    live = model.objects.filter(expire_date__gt=timezone.now())
    theirs = [s.pk for s in live.iterator() if s.get_decoded().get(SESSION_KEY) == str(user.pk)]
    model.objects.filter(pk__in=theirs).delete()
    return len(theirs)
