"""The limits' views (bench-only, routed by ``bench/urls.py``): for each HTTP benchmark, the
cheapest honest way to do the same work on the same data, in the same gunicorn, through the
same middleware and with the same authentication as the product's endpoint. Each answers in
one indexed statement (two for the list: its count and its page), with no ORM in the way.
"""

from __future__ import annotations

from functools import cache

from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET
from rest_framework.authentication import TokenAuthentication
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from bench.sql import column_defaults, table


def noop(request):
    """The floor: gunicorn, the middleware and the client, no database."""
    return HttpResponse("ok", content_type="text/plain")


class _TokenApi(APIView):
    authentication_classes = [TokenAuthentication]
    permission_classes = [IsAuthenticated]
    throttle_classes = []


@cache
def _lookup_sql() -> str:
    from customers.models import Customer
    from projects.models import Project

    return (
        f"SELECT c.id, c.name, c.household_id FROM {table(Customer)} c "
        f"JOIN {table(Project)} p ON p.id = c.project_id WHERE p.code = %s AND c.phone = %s"
    )


class LookupLimitApi(_TokenApi):
    """The lookup's limit: the customer by (project, phone), on the unique index."""

    def get(self, request):
        with connection.cursor() as cursor:
            cursor.execute(
                _lookup_sql(), [request.query_params["project"], request.query_params["phone"]]
            )
            row = cursor.fetchone()
        if row is None:
            return Response({"found": False})
        return Response({"found": True, "customer": row[0], "name": row[1], "household": row[2]})


@cache
def _registration_sql() -> tuple[str, list]:
    """One INSERT … SELECT: the project and the consultant found by their codes in the same
    statement; every NOT NULL column written, the model's defaults where the body has nothing."""
    from django.contrib.auth import get_user_model

    from customers.models import Registration
    from projects.models import Project

    local = "(%(occurred_at)s::timestamp AT TIME ZONE p.timezone)"
    columns, expressions, params = column_defaults(
        Registration,
        {
            "project_id": "p.id",
            "consultant_id": "u.id",
            "kind": "%(kind)s",
            "occurred_at": local,
            "attributed_at": local,
            "entered_at": "now()",
            "entered_by_id": "%(user)s",
            "name": "%(name)s",
            "gender": "%(gender)s",
            "phone_input": "%(phone)s",
            "phone": "%(phone)s",
            "valid": "true",
            "note": "%(note)s",
        },
    )
    # The defaults' parameters become named ones, so one mapping fills the whole statement.
    named = {f"default_{i}": value for i, value in enumerate(params)}
    it = iter(named)
    expressions = [e if e != "%s" else f"%({next(it)})s" for e in expressions]
    sql = (
        f"INSERT INTO {table(Registration)} ({', '.join(columns)}) "
        f"SELECT {', '.join(expressions)} FROM {table(Project)} p, "
        f"{table(get_user_model())} u WHERE p.code = %(project)s AND u.username = %(consultant)s "
        "RETURNING id"
    )
    return sql, named


class RegistrationLimitApi(_TokenApi):
    """The registration's limit: one registration row inserted, the body's fields as given."""

    def post(self, request):
        sql, defaults = _registration_sql()
        body = request.data
        values = {
            **defaults,
            "project": body["project"],
            "consultant": body["consultant"],
            "kind": body["kind"],
            "occurred_at": body["occurred_at"],
            "user": request.user.pk,
            "name": body.get("name", ""),
            "gender": body.get("gender", ""),
            "phone": body.get("phone", ""),
            "note": body.get("note", ""),
        }
        with connection.cursor() as cursor:
            cursor.execute(sql, values)
            row = cursor.fetchone()
        return Response({"id": row[0]}, status=201)


@cache
def _my_customers_sql() -> tuple[str, str]:
    from attribution.models import HouseholdState
    from customers.models import Customer
    from projects.models import Project

    tables = f"{table(HouseholdState)} s JOIN {table(Project)} p ON p.id = s.project_id"
    live = (
        "WHERE p.code = %s AND s.owner_id = %s AND s.status IN ('active', 'disputed') "
        "AND s.expires_at >= now()"
    )
    count = f"SELECT count(*) FROM {tables} {live}"
    # The page's 50 claims first, their first members after: 50 index probes, not 50,000.
    page = (
        "SELECT s.household_id, s.expires_at, s.last_contact_at, m.id, m.name, m.phone FROM ("
        f"SELECT s.household_id, s.expires_at, s.last_contact_at FROM {tables} {live} "
        "ORDER BY s.expires_at, s.household_id LIMIT 50) s "
        f"CROSS JOIN LATERAL (SELECT id, name, phone FROM {table(Customer)} c "
        "WHERE c.household_id = s.household_id ORDER BY c.id LIMIT 1) m "
        "ORDER BY s.expires_at, s.household_id"
    )
    return count, page


@require_GET
def my_customers_limit(request, code):
    """The list's limit: the consultant's live claims counted, and the first page of 50 with
    each household's first member, by expiry (what the page shows, without the page)."""
    if not request.user.is_authenticated:
        return JsonResponse({"detail": "login"}, status=403)
    count_sql, page_sql = _my_customers_sql()
    with connection.cursor() as cursor:
        cursor.execute(count_sql, [code, request.user.pk])
        (live,) = cursor.fetchone()
        cursor.execute(page_sql, [code, request.user.pk])
        rows = cursor.fetchall()
    return JsonResponse(
        {
            "live": live,
            "rows": [
                {"household": r[0], "expires_at": r[1], "customer": r[3], "name": r[4]}
                for r in rows
            ],
        }
    )
