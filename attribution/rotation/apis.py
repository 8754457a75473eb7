"""The rotation over HTTP (API.md "Rotation"): thin views over ``attribution.rotation``.

Times are ISO 8601 in the project's zone; people are ``{"username", "name"}``; the visitor's
phone is never echoed.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from attribution.models import Reception, RosterEntry, RotationState
from attribution.rotation.access import ensure_runs_rotation, ensure_works_desk
from attribution.rotation.fairness import FairnessReport, fairness_report
from attribution.rotation.queue import (
    Queue,
    day_or_today,
    next_consultant,
    queue_for,
    rotation_queue,
)
from attribution.rotation.receptions import reception_record, walk_in_receive
from attribution.rotation.roster import roster_set, rotation_status_set
from customers.models import Registration
from projects.access import SITE_STAFF, person, project_for, staff_in_project
from projects.models import Project
from salesoffice.api import IdField, OfficeDateField, iso
from salesoffice.errors import NotFound


def queue_payload(queue: Queue) -> dict:
    return {
        "date": queue.day.isoformat(),
        "next": person(queue.next.consultant) if queue.next else None,
        "queue": [
            entry_payload(entry, place, is_next=entry is queue.next)
            for place, entry in enumerate(queue.entries, start=1)
        ],
    }


def entry_payload(entry: RosterEntry, place: int, *, is_next: bool) -> dict:
    # ``position`` is the place in today's order (1 = front), not the stored sort key.
    return {
        "consultant": person(entry.consultant),
        "position": place,
        "state": entry.state,
        "received": entry.received,
        "next": is_next,
    }


def reception_payload(reception: Reception, project: Project) -> dict:
    tz = project.tzinfo
    return {
        "reception": reception.pk,
        "consultant": person(reception.consultant),
        "received_at": iso(reception.received_at, tz),
        "register_by": iso(reception.register_by, tz),
        "own_customer": reception.own_customer,
        "registration": reception.recorded_for_id,
        "next": person(next_consultant(project=project)),
    }


def report_payload(report: FairnessReport, project: Project) -> dict:
    tz = project.tzinfo
    return {
        "date": report.day.isoformat(),
        "consultants": [
            {
                "consultant": {"username": row.username, "name": row.name},
                "position": row.position,
                "turns": row.turns,
                "receptions": row.receptions,
                "own_customers": row.own_customers,
                "unregistered": row.unregistered,
            }
            for row in report.rows
        ],
        "receptions": [
            {
                "id": line.reception.pk,
                "consultant": person(line.reception.consultant),
                "received_at": iso(line.reception.received_at, tz),
                "register_by": iso(line.reception.register_by, tz),
                "own_customer": line.reception.own_customer,
                "registration": line.registration_id,
                "status": line.status,
                "unregistered": line.flagged,
            }
            for line in report.receptions
        ],
    }


class RotationApi(APIView):
    """Today's queue: order, state, count, and who is next."""

    @extend_schema(responses={200: dict})
    def get(self, request, code):
        project = project_for(request.user, code)
        ensure_works_desk(request.user, project)
        return Response(queue_payload(rotation_queue(project=project)))


class RotationNextApi(APIView):
    @extend_schema(responses={200: dict})
    def get(self, request, code):
        project = project_for(request.user, code)
        ensure_works_desk(request.user, project)
        return Response({"consultant": person(next_consultant(project=project))})


class RosterSetApi(APIView):
    class InputSerializer(serializers.Serializer):
        date = OfficeDateField()
        order = serializers.ListField(child=serializers.CharField(), allow_empty=True)

    @extend_schema(request=InputSerializer, responses={200: dict})
    def post(self, request, code):
        project = project_for(request.user, code)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        day = data.validated_data["date"]
        roster_set(
            project=project,
            date=day,
            usernames=data.validated_data["order"],
            acting_user=request.user,
        )
        return Response(queue_payload(queue_for(project, day)))


class RotationStatusApi(APIView):
    permission_classes = SITE_STAFF  # channel agents see nothing of the site (§11)

    class InputSerializer(serializers.Serializer):
        consultant = serializers.CharField()
        state = serializers.ChoiceField(choices=RotationState.choices)

    @extend_schema(request=InputSerializer, responses={200: dict})
    def post(self, request, code):
        project = project_for(request.user, code)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = rotation_status_set(
            project=project,
            consultant=staff_in_project(project, data.validated_data["consultant"]),
            state=data.validated_data["state"],
            acting_user=request.user,
        )
        return Response(
            {
                "consultant": person(entry.consultant),
                "state": entry.state,
                "received": entry.received,
                "next": person(next_consultant(project=project)),
            }
        )


class ReceiveApi(APIView):
    """A walk-in received now (``{"phone"?}``), or one recorded after the fact for an existing
    registration (``{"registration": id}``)."""

    class InputSerializer(serializers.Serializer):
        phone = serializers.CharField(allow_blank=True, allow_null=True, required=False)
        registration = IdField(allow_null=True, required=False)

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, code):
        project = project_for(request.user, code)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration_id = data.validated_data.get("registration")
        if registration_id is not None:
            reception = reception_record(
                registration=self.registration(project, registration_id),
                acting_user=request.user,
            )
        else:
            reception = walk_in_receive(
                project=project,
                phone=data.validated_data.get("phone"),
                acting_user=request.user,
            )
        return Response(reception_payload(reception, project), status=status.HTTP_201_CREATED)

    @staticmethod
    def registration(project: Project, pk: int) -> Registration:
        found = (
            Registration.objects.select_related("project", "consultant", "customer__household")
            .filter(pk=pk, project=project)
            .first()
        )
        if found is None:
            raise NotFound(_("No such registration."), fields={"registration": [_("Unknown.")]})
        return found


class FairnessReportApi(APIView):
    @extend_schema(
        parameters=[OpenApiParameter("date", str, required=False)], responses={200: dict}
    )
    def get(self, request, code):
        project = project_for(request.user, code)
        ensure_runs_rotation(request.user, project)
        day = day_or_today(request.query_params.get("date"), project)
        report = fairness_report(project=project, day=day)
        return Response(report_payload(report, project))
