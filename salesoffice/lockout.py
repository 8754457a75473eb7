"""Login throttling: django-axes counts failed logins per username and per client address and
locks either out for a cool-off (settings: "Login throttling").

Every way in authenticates through ``django.contrib.auth.authenticate`` with the request: the
login page and the admin's (Django's ``AuthenticationForm``) and the token API (DRF's
``AuthTokenSerializer``), so :class:`LockoutBackend` refuses a locked-out client on all three
before any password is checked, and the answer is the same whether the username exists or not.
"""

from __future__ import annotations

import ipaddress
import math
from datetime import datetime

from axes.attempts import get_cool_off_threshold
from axes.backends import AxesStandaloneBackend
from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off, get_failure_limit, get_lockout_parameters
from axes.utils import reset
from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.response import Response

from salesoffice.errors import DomainError


class LockoutBackend(AxesStandaloneBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            # Code checking a password (a test client's login(), a script), not a client over
            # HTTP: there is nobody to count failures against. Every way in over HTTP passes
            # the request (tests/salesoffice/test_login_throttling.py).
            return None
        return super().authenticate(request, username, password, **kwargs)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler (the failures are rows: the admin lists them), with a limit per
    lockout parameter instead of one for all."""

    def limits(self, request, credentials=None) -> list[int]:
        per = {
            "username": settings.LOGIN_FAILURES_PER_USERNAME,
            "ip_address": settings.LOGIN_FAILURES_PER_ADDRESS,
        }
        parameters = get_lockout_parameters(request, credentials)
        return [min(per[name] for name in _names(parameter)) for parameter in parameters]

    def counts(self, request, credentials=None) -> list[list[tuple[datetime, int]]]:
        """Per lockout parameter, its live failures as (time, count) rows, oldest first."""
        return [
            list(
                attempts.order_by("attempt_time").values_list(
                    "attempt_time", "failures_since_start"
                )
            )
            for attempts in self.get_user_attempts(request, credentials)
        ]

    def get_user_attempts(self, request, credentials=None):
        # Axes still counts a failure at exactly the cool-off, and deletes it then: gone then,
        # as the lockout page tells.
        threshold = get_cool_off_threshold(request)
        return [
            attempts.filter(attempt_time__gt=threshold)
            for attempts in self.filter_user_attempts(request, credentials)
        ]

    def get_failures(self, request, credentials=None) -> int:
        # Axes locks when this reaches AXES_FAILURE_LIMIT. Report the count nearest its own
        # limit, shifted onto that scale: locked exactly when some parameter reached its limit.
        headroom = min(
            limit - sum(n for _, n in rows)
            for limit, rows in zip(
                self.limits(request, credentials), self.counts(request, credentials), strict=True
            )
        )
        return get_failure_limit(request, credentials) - headroom

    def reset_user_attempts(self, request, credentials=None) -> int:
        # Axes would also forget every failure from the address: a colleague logging in from
        # the office must not wipe what was counted against another account, or the office.
        return login_failures_forget(credentials.get(settings.AXES_USERNAME_FORM_FIELD))

    def lock_ends_at(self, request, credentials=None) -> datetime:
        """When every parameter is under its limit again."""
        cool_off = get_cool_off(request)
        limits, counts = self.limits(request, credentials), self.counts(request, credentials)
        ends = [
            _unlocks_at(rows, limit, cool_off) for limit, rows in zip(limits, counts, strict=True)
        ]
        # Nothing left to age out (the clean-up just ran): a full cool-off from now.
        return max((end for end in ends if end), default=timezone.now() + cool_off)


def _names(parameter: str | list[str]) -> list[str]:
    return [parameter] if isinstance(parameter, str) else list(parameter)


def _unlocks_at(rows: list[tuple[datetime, int]], limit: int, cool_off) -> datetime | None:
    """None when the rows lock nothing; else when enough of them, oldest first, aged out."""
    remaining = sum(n for _, n in rows)
    for at, n in rows:
        if remaining < limit:
            break
        remaining -= n
        if remaining < limit:
            return at + cool_off
    return None


def client_address(request) -> str | None:
    """The address lockouts count against: REMOTE_ADDR, or behind N trusted proxies the one the
    outermost of them saw, the N-th from the right of X-Forwarded-For (as DRF's NUM_PROXIES
    reads it). What a client wrote further left is ignored, so rotating it dodges nothing."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.LOGIN_TRUSTED_PROXIES
    forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    forwarded = [a for a in forwarded if a]
    if not proxies or not forwarded:
        return remote
    candidate = forwarded[-min(proxies, len(forwarded))]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        # Only with more proxies configured than there are: never store what a client wrote.
        return remote


def login_failures_forget(username: str | None) -> int:
    """Forgets every failure counted against the username (from any address): its lock lifts."""
    if not username:
        return 0
    return reset(username=username)


def lock_ends_at(request, credentials=None) -> datetime:
    """When the client of this login attempt may try again (credentials as axes passes them;
    without, axes reads the username from the request)."""
    AxesProxyHandler.update_request(request)
    return AxesProxyHandler.get_implementation().lock_ends_at(request, credentials)


def lock_message(ends_at: datetime) -> str:
    minutes = max(1, math.ceil((ends_at - timezone.now()).total_seconds() / 60))
    return _(
        "Too many failed logins: this account is locked until %(time)s (in %(minutes)s min). "
        "Try again then, or ask your manager to unlock it."
    ) % {"time": date_format(timezone.localtime(ends_at), "H:i"), "minutes": minutes}


def retry_after(ends_at: datetime) -> str:
    return str(max(1, math.ceil((ends_at - timezone.now()).total_seconds())))


def lockout_page(request, original_response=None, credentials=None):
    """The login page (or the admin's) of a locked-out client: when to try again, not axes'
    bare sentence."""
    ends_at = lock_ends_at(request, credentials)
    response = render(
        request,
        "registration/login_locked.html",
        {"message": lock_message(ends_at)},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
    response["Retry-After"] = retry_after(ends_at)
    return response


class LoginLocked(DomainError):
    status_code = status.HTTP_429_TOO_MANY_REQUESTS
    code = "login_locked"

    def __init__(self, ends_at: datetime) -> None:
        super().__init__(lock_message(ends_at))
        self.headers = {"Retry-After": retry_after(ends_at)}


class TokenObtainApi(ObtainAuthToken):
    """A token for a username and password (DRF's view); a locked-out client gets 429."""

    class OutputSerializer(serializers.Serializer):
        token = serializers.CharField()

    @extend_schema(
        request=ObtainAuthToken.serializer_class,
        responses={
            200: OutputSerializer,
            400: OpenApiResponse(description="Unable to log in with provided credentials."),
            429: OpenApiResponse(description="login_locked, with Retry-After in seconds."),
        },
    )
    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except serializers.ValidationError:
            # The backend (or the failure that reached the limit) flagged the request.
            if getattr(request, "axes_locked_out", False):
                credentials = getattr(request, "axes_credentials", None)
                raise LoginLocked(lock_ends_at(request, credentials)) from None
            raise
        user = serializer.validated_data["user"]
        # No session login here, so axes' reset on success does not run by itself.
        login_failures_forget(user.get_username())
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})
