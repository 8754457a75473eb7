"""The reports as JSON, for a manager's phone or a spreadsheet: the same figures as the pages."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from projects.access import SITE_STAFF, member_project_by_code
from reports import engine
from reports.registry import RECIPES
from salesoffice.errors import NotFound, NotPermitted


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
        if not engine.may_read(request.user, name):
            raise NotPermitted()
        today = engine.today_of(project, timezone.now())
        report = recipe.build(project, recipe.period(request.query_params, today))
        return Response({"report": name, "project": project.code, **recipe.json(report)})
