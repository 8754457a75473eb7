"""From requirements to the last payment over HTTP (API.md "Deals and commission"): requirement
confirmations, qualification reviews, contracts, payments and refunds. Thin views over
``requirements``, ``contracts``, ``payments`` and ``finance``."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from orders import contracts, deposits, documents, finance, payments, requirements, selectors
from orders.apis import MONEY, unit_payload
from orders.finance import ContractView
from orders.models import (
    Contract,
    DepositOutcome,
    DepositSettlement,
    Payment,
    PaymentKind,
    PaymentMethod,
    QualificationReview,
    RequirementConfirmation,
    Subscription,
    Unit,
)
from orders.terms import Instalment
from projects.access import (
    SITE_STAFF,
    person,
    project_for,
    projects_of,
    require_role,
    staff_in_project,
)
from salesoffice.api import LocalDateTimeField, in_zone, iso, money
from salesoffice.errors import DomainError, NotFound
from salesoffice.fields import mask_id_number

OPTIONAL_MONEY = {**MONEY, "allow_null": True, "required": False, "default": None}
OPTIONAL_AREA = {**OPTIONAL_MONEY, "max_digits": 8}


def _when(value: datetime | None, tz) -> datetime:
    """A time as given (read in the project's zone when it has no offset), or now."""
    return in_zone(value, tz) if value is not None else timezone.now()


def _unknown(field: str, message: str) -> DomainError:
    return DomainError(message, code=f"unknown_{field}", fields={field: [message]})


# -- requirement confirmations ------------------------------------------------------------------


def requirement_payload(confirmation: RequirementConfirmation, *, current: bool) -> dict:
    tz = confirmation.project.tzinfo
    return {
        "id": confirmation.pk,
        "customer": confirmation.customer_id,
        "consultant": person(confirmation.consultant),
        "budget": money(confirmation.budget),
        "layout": confirmation.layout,
        "area_min": money(confirmation.area_min),
        "area_max": money(confirmation.area_max),
        "payment_method": confirmation.payment_method,
        "intended_units": [
            {"id": u.pk, "label": str(u)} for u in confirmation.intended_units.all()
        ],
        "notes": confirmation.notes,
        "signed_at": iso(confirmation.signed_at, tz),
        "entered_at": iso(confirmation.entered_at, tz),
        "entered_by": person(confirmation.entered_by),
        "current": current,
        "print": reverse("requirement-print", args=[confirmation.pk]),
    }


class CustomerRequirementsApi(APIView):
    """客户需求确认单: the customer's confirmations (newest first, the first in force)."""

    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        consultant = serializers.CharField(required=False, allow_blank=True, default="")
        budget = serializers.DecimalField(**OPTIONAL_MONEY)
        layout = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")
        area_min = serializers.DecimalField(**OPTIONAL_AREA)
        area_max = serializers.DecimalField(**OPTIONAL_AREA)
        payment_method = serializers.ChoiceField(
            choices=PaymentMethod.choices, required=False, allow_blank=True, default=""
        )
        intended_units = serializers.ListField(
            child=serializers.IntegerField(), required=False, default=list
        )
        notes = serializers.CharField(required=False, allow_blank=True, default="")
        signed_at = LocalDateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        customer, _verdict = requirements.visible_customer(request.user, pk)
        found = list(requirements.requirements_of(customer))
        return Response([requirement_payload(c, current=i == 0) for i, c in enumerate(found)])

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, pk):
        customer, _verdict = requirements.visible_customer(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        project = customer.project
        named = values.pop("consultant")
        unit_ids = set(values.pop("intended_units"))
        units = tuple(Unit.objects.filter(project=project, pk__in=unit_ids))
        if len(units) != len(unit_ids):
            raise _unknown("intended_units", _("No such unit in this project."))
        values.update(
            consultant=staff_in_project(project, named) if named else request.user,
            intended_units=units,
            signed_at=in_zone(values["signed_at"], project.tzinfo),
        )
        confirmation = requirements.requirement_create(
            customer=customer,
            data=requirements.RequirementInput(**values),
            acting_user=request.user,
        )
        return Response(
            requirement_payload(confirmation, current=True), status=status.HTTP_201_CREATED
        )


class RequirementSignApi(APIView):
    """The customer signed the printed form: a signed copy supersedes it."""

    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        signed_at = LocalDateTimeField(required=False, allow_null=True, default=None)

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, pk):
        confirmation = (
            RequirementConfirmation.objects.select_related("project", "customer", "consultant")
            .filter(pk=pk, project__in=projects_of(request.user))
            .first()
        )
        if confirmation is None:
            raise NotFound(_("No such requirement confirmation."))
        requirements.visible_customer(request.user, confirmation.customer_id)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        signed_at = in_zone(data.validated_data["signed_at"], confirmation.project.tzinfo)
        signed = requirements.requirement_sign(
            confirmation=confirmation, signed_at=signed_at, acting_user=request.user
        )
        return Response(requirement_payload(signed, current=True), status=status.HTTP_201_CREATED)


# -- qualification reviews ----------------------------------------------------------------------


def review_payload(review: QualificationReview) -> dict:
    return {
        "id": review.pk,
        "customer": review.customer_id,
        "status": "passed" if review.passed else "failed",
        "passed": review.passed,
        "id_checked": review.id_checked,
        "eligible": review.eligible,
        "funds_proof": review.funds_proof,
        "note": review.note,
        "reviewer": person(review.entered_by),
        "reviewed_at": iso(review.entered_at, review.project.tzinfo),
        "id_number": mask_id_number(review.customer.id_number),
    }


class QualificationApi(APIView):
    """购房资格审核 (manager): passed only when all three are checked."""

    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        id_checked = serializers.BooleanField()
        eligible = serializers.BooleanField()
        funds_proof = serializers.BooleanField()
        note = serializers.CharField(required=False, allow_blank=True, default="")
        id_number = serializers.CharField(
            required=False, allow_blank=True, allow_null=True, default=""
        )

    @extend_schema(responses={200: dict})
    def get(self, request, pk):
        customer, _verdict = requirements.visible_customer(request.user, pk)
        reviews = QualificationReview.objects.filter(customer=customer).select_related(
            "project", "customer", "entered_by"
        )
        return Response([review_payload(r) for r in reviews.order_by("-entered_at", "-id")])

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, pk):
        customer, _verdict = requirements.visible_customer(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {**data.validated_data, "id_number": data.validated_data["id_number"] or ""}
        review = requirements.qualification_review_create(
            customer=customer, data=requirements.ReviewInput(**values), acting_user=request.user
        )
        return Response(review_payload(review), status=status.HTTP_201_CREATED)


# -- contracts ----------------------------------------------------------------------------------


def contract_status(view: ContractView) -> str:
    if view.cancelled:
        return "cancelled"
    return "paid_off" if view.paid_off else "active"


def movement_payload(payment: Payment, tz) -> dict:
    return {
        "id": payment.pk,
        "contract": payment.contract_id,
        "kind": payment.kind,
        "amount": money(payment.amount),
        "paid_at": iso(payment.paid_at, tz),
        "method": payment.method,
        "receipt_no": payment.receipt_no,
        "invoice_no": payment.invoice_no,
        "note": payment.note,
    }


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


class ScheduleItemSerializer(serializers.Serializer):
    due = serializers.DateField()
    amount = serializers.DecimalField(**MONEY)
    label = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class ContractCreateApi(APIView):
    """签约: a contract from a subscription, its schedule summing to price − deposit."""

    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        subscription = serializers.IntegerField()
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
            raise _unknown("subscription", _("No such subscription."))
        values.update(
            subscription=subscription,
            schedule=tuple(Instalment(**item) for item in values["schedule"]),
            signed_at=_when(values["signed_at"], subscription.project.tzinfo),
        )
        contract = contracts.contract_create(
            data=contracts.ContractInput(**values), acting_user=request.user
        )
        view = finance.contract_view(finance.contract_for(request.user, contract.pk))
        return Response(contract_payload(view), status=status.HTTP_201_CREATED)


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
        view = finance.contract_view(finance.contract_for(request.user, pk))
        return Response(contract_payload(view))


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
        view = finance.contract_view(finance.contract_for(request.user, pk))
        body = contract_payload(view)
        body["cancellation"] = {
            "id": cancellation.pk,
            "occurred_at": iso(cancellation.occurred_at, contract.project.tzinfo),
            "reason": cancellation.reason,
            "approved_by": person(cancellation.approved_by),
        }
        return Response(body, status=status.HTTP_201_CREATED)


# -- payments and refunds -----------------------------------------------------------------------


class MovementSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2)
    paid_at = LocalDateTimeField(required=False, allow_null=True, default=None)
    method = serializers.CharField(max_length=20)
    receipt_no = serializers.CharField(
        max_length=40, required=False, allow_blank=True, allow_null=True, default=""
    )
    invoice_no = serializers.CharField(
        max_length=40, required=False, allow_blank=True, allow_null=True, default=""
    )
    note = serializers.CharField(required=False, allow_blank=True, default="")


def record_movement(request, contract, values: dict, kind: str) -> Response:
    """A payment or a refund; a refund's amount may be given with or without its minus sign."""
    tz = contract.project.tzinfo
    amount = abs(values["amount"]) if kind == PaymentKind.REFUND else values["amount"]
    result = payments.payment_record(
        data=payments.PaymentInput(
            contract=contract,
            amount=amount,
            paid_at=_when(values["paid_at"], tz),
            method=values["method"],
            kind=kind,
            receipt_no=values["receipt_no"] or "",
            invoice_no=values["invoice_no"] or "",
            note=values["note"],
        ),
        acting_user=request.user,
    )
    body = {
        **movement_payload(result.payment, tz),
        "outstanding": money(result.outstanding),
        "paid_off": result.paid_off,
    }
    return Response(body, status=status.HTTP_201_CREATED)


class PaymentCreateApi(APIView):
    """收款 (finance only): the receipt number is the project's next unless one is given."""

    permission_classes = SITE_STAFF

    class InputSerializer(MovementSerializer):
        contract = serializers.IntegerField()
        kind = serializers.ChoiceField(
            choices=PaymentKind.choices, required=False, default=PaymentKind.PAYMENT
        )

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request):
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        contract = payable_contract(request.user, values.pop("contract"))
        return record_movement(request, contract, values, values.pop("kind"))


def payable_contract(user, pk: int):
    found = (
        Contract.objects.select_related("project", "subscription__unit")
        .filter(pk=pk, project__in=projects_of(user))
        .first()
    )
    if found is None:
        raise _unknown("contract", _("No such contract."))
    return found


class ContractRefundApi(APIView):
    """退款 (finance only): a negative movement with its own receipt."""

    permission_classes = SITE_STAFF

    @extend_schema(request=MovementSerializer, responses={201: dict})
    def post(self, request, pk):
        contract = finance.contract_for(request.user, pk)
        data = MovementSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return record_movement(request, contract, dict(data.validated_data), PaymentKind.REFUND)


class SubscriptionDepositApi(APIView):
    """退订: finance refunds a cancelled subscription's deposit (with a receipt) or keeps it."""

    permission_classes = SITE_STAFF

    class InputSerializer(serializers.Serializer):
        outcome = serializers.ChoiceField(choices=DepositOutcome.choices)
        amount = serializers.DecimalField(
            max_digits=14, decimal_places=2, required=False, default=Decimal("0.00")
        )
        paid_at = LocalDateTimeField(required=False, allow_null=True, default=None)
        method = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
        note = serializers.CharField(required=False, allow_blank=True, default="")

    @extend_schema(request=InputSerializer, responses={201: dict})
    def post(self, request, pk):
        subscription = selectors.subscription_for(request.user, pk)
        data = self.InputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        tz = subscription.project.tzinfo
        settlement = deposits.deposit_settle(
            data=deposits.DepositInput(
                subscription=subscription,
                outcome=values["outcome"],
                amount=abs(values["amount"]),
                paid_at=_when(values["paid_at"], tz),
                method=values["method"],
                note=values["note"],
            ),
            acting_user=request.user,
        )
        return Response(deposit_payload(settlement, tz), status=status.HTTP_201_CREATED)


def deposit_payload(settlement: DepositSettlement, tz) -> dict:
    return {
        "id": settlement.pk,
        "subscription": settlement.subscription_id,
        "deposit": money(settlement.subscription.deposit),
        "outcome": settlement.outcome,
        "refunded": money(settlement.refunded),
        "paid_at": iso(settlement.paid_at, tz),
        "method": settlement.method,
        "receipt_no": settlement.receipt_no,
        "note": settlement.note,
    }
