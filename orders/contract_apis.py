"""Contracts over HTTP (API.md "Deals and commission"): 签约 from a subscription with its
schedule, the project's contracts with their balances (the finance desk's list), one contract
with its schedule and movements, its PDF, and 退房. Thin views over ``contracts``,
``finance`` and ``documents``."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from orders import contracts, documents, finance
from orders.api_inputs import MONEY, OPTIONAL_MONEY, unknown, when
from orders.apis import unit_payload
from orders.finance import ContractView
from orders.models import PaymentMethod, Subscription
from orders.payment_apis import movement_payload
from orders.terms import Instalment
from projects.access import SITE_STAFF, person, project_for, projects_of, require_role
from salesoffice.api import IdField, LocalDateTimeField, OfficeDateField, iso, money
from salesoffice.errors import DomainError
from salesoffice.fields import mask_id_number


def contract_status(view: ContractView) -> str:
    if view.cancelled:
        return "cancelled"
    return "paid_off" if view.paid_off else "active"


def contract_payload(view: ContractView) -> dict:
    contract = view.contract
    subscription = contract.subscription
    tz = contract.project.tzinfo
    return {
        "id": contract.pk,
        "number": contract.number,
        "project": contract.project.code,
        "subscription": subscription.pk,
        "customer": {
            "id": subscription.customer_id,
            "name": subscription.customer.name,
            "id_number": mask_id_number(subscription.customer.id_number),
        },
        "unit": unit_payload(subscription.unit),
        "price": money(contract.price),
        "deposit": money(view.deposit),
        "payment_method": contract.payment_method,
        "down_payment": money(contract.down_payment),
        "loan_amount": money(contract.loan_amount),
        "liability_terms": contract.liability_terms,
        "signed_at": iso(contract.signed_at, tz),
        "status": contract_status(view),
        "paid": money(view.paid),
        "outstanding": money(view.outstanding),
        "overdue": money(sum((i.outstanding for i in view.overdue), Decimal("0.00"))),
        "schedule": [
            {
                "sequence": item.sequence,
                "label": item.label,
                "due": item.due.isoformat(),
                "amount": money(item.amount),
                "paid": money(item.paid),
                "outstanding": money(item.outstanding),
                "overdue": item.pk in view.overdue_pks,
            }
            for item in view.items
        ],
        "payments": [movement_payload(p, tz) for p in view.payments],
        "cancelled_at": iso(contract.cancellation.occurred_at, tz) if view.cancelled else None,
        "page": reverse("contract", args=[contract.pk]),
        "pdf": reverse("api-contract-pdf", args=[contract.pk]),
    }


def _contract_body(viewer, pk: int) -> dict:
    """The contract as the viewer may read it now, with its money."""
    return contract_payload(finance.contract_view(finance.contract_for(viewer, pk)))


class ScheduleItemSerializer(serializers.Serializer):
    due = OfficeDateField()
    amount = serializers.DecimalField(**MONEY)
    label = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class ContractCreateApi(APIView):
    """签约: a contract from a subscription, its schedule summing to price − deposit."""

    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        subscription = IdField()
        price = serializers.DecimalField(**MONEY)
        payment_method = serializers.ChoiceField(choices=PaymentMethod.choices)
        schedule = serializers.ListField(child=ScheduleItemSerializer(), allow_empty=True)
        signed_at = LocalDateTimeField(required=False, allow_null=True, default=None)
        down_payment = serializers.DecimalField(**OPTIONAL_MONEY)
        loan_amount = serializers.DecimalField(**OPTIONAL_MONEY)
        liability_terms = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(
        parameters=[
            OpenApiParameter("project", str, required=True),
            OpenApiParameter("show", str, required=False, enum=finance.SHOW_CHOICES),
        ],
        responses={200: dict},
    )
    def get(self, request):
        """The project's contracts with their balances (finance and managers)."""
        project = project_for(request.user, request.query_params.get("project", ""))
        require_role(request.user, *finance.DESK_ROLES)
        show = request.query_params.get("show", "outstanding")
        if show not in finance.SHOW_CHOICES:
            message = _("Show outstanding, overdue or all.")
            raise DomainError(message, code="invalid", fields={"show": [message]})
        today = finance.local_today(project)
        rows = finance.desk_contracts(project, today=today, show=show)[:500]
        return Response([desk_row_payload(row) for row in finance.desk_rows(rows, today)])

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        subscription = (
            Subscription.objects.select_related("project", "unit", "customer")
            .filter(pk=values.pop("subscription"), project__in=projects_of(request.user))
            .first()
        )
        if subscription is None:
            raise unknown("subscription", _("No such subscription."))
        values.update(
            subscription=subscription,
            schedule=tuple(Instalment(**item) for item in values["schedule"]),
            signed_at=when(values["signed_at"], subscription.project.tzinfo),
        )
        contract = contracts.contract_create(
            data=contracts.ContractInput(**values), acting_user=request.user
        )
        return Response(_contract_body(request.user, contract.pk), status=status.HTTP_201_CREATED)


def desk_row_payload(row: finance.DeskRow) -> dict:
    contract = row.contract
    following = row.next_due
    return {
        "id": contract.pk,
        "number": contract.number,
        "customer": {
            "id": contract.subscription.customer_id,
            "name": contract.subscription.customer.name,
        },
        "unit": str(contract.subscription.unit),
        "price": money(contract.price),
        "paid": money(row.paid),
        "outstanding": money(row.outstanding),
        "overdue": money(row.overdue_amount),
        "next_due": following.due.isoformat() if following else None,
        "cancelled": row.cancelled,
    }


class ContractDetailApi(APIView):
    permission_classes = SITE_STAFF

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        return Response(_contract_body(request.user, pk))


class ContractPdfApi(APIView):
    """The contract as signed (A4, Chinese), with the ID-card number in full."""

    permission_classes = SITE_STAFF

    @extend_schema(responses={(200, "application/pdf"): bytes})
    def get(self, request, pk):
        contract = finance.contract_for(request.user, pk)
        return documents.contract_pdf_response(contract)


class ContractCancelApi(APIView):
    """退房 (manager): the contract and its subscription cancelled; every row kept."""

    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        reason = serializers.CharField(allow_blank=True)

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, pk):
        contract = finance.contract_for(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        cancellation, _verdict = contracts.contract_cancel(
            contract=contract, reason=data.validated_data["reason"], acting_user=request.user
        )
        contract.subscription.unit.refresh_from_db()
        body = _contract_body(request.user, pk)
        body["cancellation"] = {
            "id": cancellation.pk,
            "occurred_at": iso(cancellation.occurred_at, contract.project.tzinfo),
            "reason": cancellation.reason,
            "approved_by": person(cancellation.approved_by),
        }
        return Response(body, status=status.HTTP_201_CREATED)
