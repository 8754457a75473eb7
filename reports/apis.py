"""The reports as JSON, for a manager's phone or a spreadsheet: the same figures as the pages."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from projects.access import SITE_STAFF, member_project_by_code, project_for
from reports import access, statements
from reports.periods import today_of
from reports.registry import RECIPES
from salesoffice.api import iso, money
from salesoffice.errors import NotFound, NotPermitted
from salesoffice.periods import parse_month


class ReportApi(APIView):
    permission_classes = SITE_STAFF

    @extend_schema(
        summary="One of the office's reports as JSON",
        description=(
            "``name``: visits-calls (来人来电表; clerk, manager), daily (业务日报表; manager), "
            "sources (manager, clerk), funnel (manager), sales and overdue (manager, finance). "
            "The period: ``day=YYYY-MM-DD``, ``month=YYYY-MM``, or ``from``/``to`` (days or "
            "months, both included); visits-calls and overdue take ``day`` only. Money is a "
            "string with two decimals. Refusals: 400 ``invalid_date``, ``invalid_month``, "
            "``invalid_period``, ``period_too_long``; 403 ``not_permitted``; 404 "
            "``unknown_report``."
        ),
        parameters=[
            OpenApiParameter("project", str, required=True),
            OpenApiParameter("day", str, required=False),
            OpenApiParameter("month", str, required=False),
            OpenApiParameter("from", str, required=False),
            OpenApiParameter("to", str, required=False),
        ],
        responses={200: dict},
    )
    def get(self, request, name):
        recipe = RECIPES.get(name)
        if recipe is None:
            raise NotFound(_("No such report."), code="unknown_report")
        project = member_project_by_code(request.user, request.query_params.get("project", ""))
        if not access.may_read(request.user, name):
            raise NotPermitted()
        today = today_of(project, timezone.now())
        report = recipe.build(project, recipe.period(request.query_params, today))
        return Response({"report": name, "project": project.code, **recipe.json(report)})


def party_payload(party: statements.PartyStatement, tz) -> dict:
    return {
        "consultant": party.username,
        "channel": party.channel or None,
        "name": party.name,
        "deals": party.deals,
        "total": money(party.total),
        "lines": [
            {
                "subscription": line.subscription.pk,
                "occurred_at": iso(line.subscription.occurred_at, tz),
                "unit": str(line.subscription.unit),
                "customer": {
                    "id": line.subscription.customer_id,
                    "name": line.subscription.customer.name,
                },
                "closer": line.subscription.consultant.username,
                "price": money(line.subscription.price),
                "percent": money(line.percent),
                "role": line.role,
                "amount": money(line.amount),
                "cancelled": line.cancelled,
                "provisional": line.provisional,
            }
            for line in party.lines
        ],
    }


def statement_payload(statement: statements.Statement) -> dict:
    tz = statement.project.tzinfo
    return {
        "project": statement.project.code,
        "month": statement.month.strftime("%Y-%m"),
        "parties": [party_payload(p, tz) for p in statement.parties],
        "total": money(statement.total),
    }


class CommissionStatementApi(APIView):
    """Commission statements of a month: a manager reads everyone's, a consultant their own."""

    @extend_schema(
        parameters=[
            OpenApiParameter("project", str, required=True),
            OpenApiParameter("month", str, required=False, description="YYYY-MM, local"),
        ],
        responses={200: dict},
    )
    def get(self, request):
        project = project_for(request.user, request.query_params.get("project", ""))
        if not statements.may_read_statements(request.user):
            raise NotPermitted()
        month = request.query_params.get("month")
        first = (
            parse_month(month)
            if month
            else timezone.localdate(timezone=project.tzinfo).replace(day=1)
        )
        statement = statements.statement_for(project=project, month=first, viewer=request.user)
        return Response(statement_payload(statement))
