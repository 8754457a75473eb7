"""After-sales over HTTP: tickets, their moves, and the follow-up visits. Thin views over
``services`` and ``selectors``; each answer is rendered through its Output serializer, so the
OpenAPI schema is the shape actually sent."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from aftersales import flow, selectors, services
from aftersales.models import Category, Origin, TicketState, VisitOutcome
from aftersales.presenters import (
    event_payload,
    row_summary,
    ticket_detail_payload,
    ticket_payload,
    visit_payload,
)
from customers.models import Customer
from orders.models import Unit
from projects.access import SITE_STAFF, project_for
from salesoffice.api import ErrorOutput, IdField, OfficeDateField, PersonOutput, RefOutput
from salesoffice.errors import DomainError, NotFound


class IllegalMoveOutput(ErrorOutput):
    state = serializers.ChoiceField(TicketState.choices)
    action = serializers.CharField()
    allowed = serializers.ListField(
        child=serializers.CharField(), help_text="The moves legal from the ticket's state."
    )


class TicketOutput(serializers.Serializer):
    id = IdField()
    number = serializers.CharField(help_text="SH000012: what the office reads out.")
    project = serializers.CharField()
    customer = RefOutput()
    unit = RefOutput(allow_null=True)
    origin = serializers.ChoiceField(Origin.choices)
    source = serializers.CharField(help_text='e.g. "handover.defect"; empty when none.')
    source_id = IdField(allow_null=True)
    title = serializers.CharField()
    description = serializers.CharField()
    category = serializers.CharField(help_text="The queue; empty while new (a manager routes).")
    state = serializers.ChoiceField(TicketState.choices)
    state_label = serializers.CharField()
    opened_by = PersonOutput()
    opened_at = serializers.CharField()
    solution_due_at = serializers.CharField(
        allow_null=True, help_text="Last second of the 7 days after the ticket entered the queue."
    )
    feedback_due_at = serializers.CharField(
        allow_null=True, help_text="Last second of the day promised to the owner."
    )
    overdue = serializers.ListField(
        child=serializers.ChoiceField([flow.SOLUTION_LATE, flow.FEEDBACK_LATE]),
        help_text="What is late now, from the events and the clock.",
    )
    estimated_cost = serializers.CharField(allow_null=True)
    costed_amount = serializers.CharField(allow_null=True)
    rating = serializers.IntegerField(allow_null=True)
    closed_at = serializers.CharField(allow_null=True)


class EventOutput(serializers.Serializer):
    id = IdField()
    action = serializers.CharField()
    action_label = serializers.CharField()
    from_state = serializers.CharField()
    to_state = serializers.ChoiceField(TicketState.choices)
    note = serializers.CharField()
    category = serializers.CharField()
    amount = serializers.CharField(allow_null=True)
    deadline = serializers.CharField(allow_null=True)
    rating = serializers.IntegerField(allow_null=True)
    entered_by = PersonOutput(allow_null=True)
    entered_at = serializers.CharField()


class TicketDetailOutput(TicketOutput):
    events = EventOutput(many=True)
    allowed = serializers.ListField(
        child=serializers.CharField(), help_text="The moves legal from the ticket's state."
    )
    actions = serializers.ListField(
        child=serializers.CharField(), help_text="The moves the caller may make now."
    )


class TicketMovedOutput(TicketDetailOutput):
    appended = EventOutput(many=True, help_text="The events this move appended.")


class TicketPageOutput(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = TicketOutput(many=True)


class VisitOutput(serializers.Serializer):
    id = IdField()
    project = serializers.CharField()
    customer = RefOutput()
    unit = RefOutput(allow_null=True)
    consultant = PersonOutput()
    handed_over_at = serializers.CharField()
    offset_days = serializers.IntegerField()
    due_on = OfficeDateField()
    due = serializers.BooleanField(help_text="Due now and not yet recorded.")
    outcome = serializers.CharField()
    note = serializers.CharField()
    recorded_at = serializers.CharField(allow_null=True)
    ticket = IdField(allow_null=True)


class VisitPageOutput(serializers.Serializer):
    count = serializers.IntegerField()
    next = serializers.CharField(allow_null=True)
    previous = serializers.CharField(allow_null=True)
    results = VisitOutput(many=True)


def _customer(user, pk: int) -> Customer:
    customer = Customer.objects.select_related("project", "household").filter(pk=pk).first()
    if customer is None or not services.may_open_for(user, customer):
        raise NotFound(_("No such customer."), code="customer_not_found")
    return customer


def _unit(customer: Customer, pk: int | None):
    if pk is None:
        return None
    unit = Unit.objects.filter(pk=pk, project=customer.project).first()
    if unit is None:
        raise DomainError(_("Unknown unit."), code="unknown_unit", fields={"unit": [str(pk)]})
    return unit


def _detail(request, ticket_id: int) -> dict:
    ticket = selectors.ticket_for(request.user, ticket_id)
    return ticket_detail_payload(selectors.ticket_view(ticket, request.user, timezone.now()))


class TicketListCreateApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        customer = IdField()
        title = serializers.CharField(max_length=200, allow_blank=True)
        description = serializers.CharField(required=False, allow_blank=True, default="")
        origin = serializers.ChoiceField(Origin.choices, required=False, default=Origin.QUESTION)
        category = serializers.ChoiceField(
            Category.choices,
            required=False,
            allow_blank=True,
            default="",
            help_text="Routes the ticket to that department's queue at once.",
        )
        unit = IdField(required=False, allow_null=True, default=None)
        source = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
        source_id = IdField(required=False, allow_null=True, default=None)

    @extend_schema(
        summary="List tickets the caller may see",
        parameters=[
            OpenApiParameter("project", str, required=True),
            OpenApiParameter("queue", str, required=False, enum=flow.QUEUES),
            OpenApiParameter(
                "state",
                str,
                required=False,
                enum=[selectors.OPEN, selectors.ALL, *TicketState.values],
                description="Default open (every state but closed).",
            ),
            OpenApiParameter("overdue", bool, required=False),
            OpenApiParameter("limit", int, required=False),
            OpenApiParameter("offset", int, required=False),
        ],
        responses={200: TicketPageOutput},
    )
    def get(self, request):
        project = project_for(request.user, request.query_params.get("project", ""))
        params = request.query_params
        wanted = selectors.queue_filter(
            queue=params.get("queue", ""),
            state=params.get("state", ""),
            overdue=params.get("overdue", "") in ("1", "true"),
        )
        now = timezone.now()
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(
            selectors.queue_of(request.user, project, wanted, now), request, view=self
        )
        rows = [ticket_payload(t, row_summary(t), now) for t in page]
        return paginator.get_paginated_response(TicketOutput(rows, many=True).data)

    @extend_schema(
        summary="Open a ticket for a customer (an owner's question, complaint or defect)",
        request=InputSerializer,
        responses={201: TicketDetailOutput, 409: ErrorOutput},
    )
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        customer = _customer(request.user, values["customer"])
        ticket = services.ticket_open(
            data=services.TicketInput(
                customer=customer,
                title=values["title"],
                description=values["description"],
                origin=values["origin"],
                category=values["category"],
                unit=_unit(customer, values["unit"]),
                source=values["source"],
                source_id=values["source_id"],
            ),
            acting_user=request.user,
        )
        body = TicketDetailOutput(_detail(request, ticket.pk)).data
        return Response(body, status=status.HTTP_201_CREATED)


class TicketDetailApi(APIView):
    permission_classes = SITE_STAFF

    @extend_schema(
        summary="A ticket with its history", responses={200: TicketDetailOutput, 404: ErrorOutput}
    )
    def get(self, request, pk):
        return Response(TicketDetailOutput(_detail(request, pk)).data)


class TicketTransitionApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        action = serializers.CharField(
            help_text="One of: " + ", ".join(flow.ACTIONS) + ". ``propose`` with an amount "
            "also records the cost estimate."
        )
        note = serializers.CharField(required=False, allow_blank=True, default="")
        amount = serializers.DecimalField(
            max_digits=12,
            decimal_places=2,
            required=False,
            allow_null=True,
            default=None,
            help_text="Yuan: the estimate (estimate, propose) or finance's costing (cost).",
        )
        deadline = OfficeDateField(
            required=False,
            allow_null=True,
            default=None,
            help_text="feedback: the day the owner was promised, in the project's calendar.",
        )
        rating = serializers.IntegerField(
            required=False, allow_null=True, default=None, help_text="close: 1–5."
        )
        category = serializers.CharField(
            required=False, allow_blank=True, default="", help_text="route: the queue."
        )

    @extend_schema(
        summary="Move a ticket through the flow",
        description=(
            "An illegal move is refused with 409 ``illegal_transition`` and the legal moves in "
            "``allowed``; a move the caller's role does not make with 403 ``not_permitted``; "
            "a missing or extra input with 400 and a code (``note_required``, "
            "``amount_required``, ``amount_invalid``, ``deadline_required``, "
            "``deadline_in_past``, ``rating_required``, ``rating_invalid``, "
            "``category_required``, ``unexpected_field``, ``unknown_action``)."
        ),
        request=InputSerializer,
        responses={201: TicketMovedOutput, 409: IllegalMoveOutput},
    )
    def post(self, request, pk):
        ticket = selectors.ticket_for(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        events = services.ticket_move(
            ticket=ticket,
            move=services.MoveInput(**data.validated_data),
            acting_user=request.user,
        )
        tz = ticket.project.tzinfo
        body = {**_detail(request, pk), "appended": [event_payload(e, tz) for e in events]}
        return Response(TicketMovedOutput(body).data, status=status.HTTP_201_CREATED)


class VisitListApi(APIView):
    permission_classes = SITE_STAFF

    @extend_schema(
        summary="Follow-up visits after handover: a consultant's own, a manager's all",
        parameters=[
            OpenApiParameter("project", str, required=True),
            OpenApiParameter(
                "show", str, required=False, enum=[selectors.VISITS_OPEN, selectors.VISITS_RECORDED]
            ),
            OpenApiParameter("limit", int, required=False),
            OpenApiParameter("offset", int, required=False),
        ],
        responses={200: VisitPageOutput},
    )
    def get(self, request):
        project = project_for(request.user, request.query_params.get("project", ""))
        now = timezone.now()
        show = request.query_params.get("show", selectors.VISITS_OPEN)
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(
            selectors.visits_of(request.user, project, show, now), request, view=self
        )
        rows = [visit_payload(v, now) for v in page]
        return paginator.get_paginated_response(VisitOutput(rows, many=True).data)


class VisitOutcomeApi(APIView):
    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(VisitOutcome.choices)
        note = serializers.CharField(required=False, allow_blank=True, default="")
        category = serializers.ChoiceField(
            Category.choices,
            required=False,
            allow_blank=True,
            default="",
            help_text="issue: the queue of the ticket it opens (empty: a manager routes it).",
        )

    @extend_schema(
        summary="Record how a visit went; an issue opens a ticket at once",
        request=InputSerializer,
        responses={200: VisitOutput, 409: ErrorOutput},
    )
    def post(self, request, pk):
        visit = selectors.visit_for(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        visit = services.visit_record(visit=visit, acting_user=request.user, **data.validated_data)
        return Response(VisitOutput(visit_payload(visit, timezone.now())).data)
