"""Money over HTTP (API.md "Deals and commission"), finance's work: 收款 and 退款 on a contract,
each with its receipt, and 退订's deposit of a cancelled subscription, refunded or kept. Thin
views over ``payments`` and ``deposits``."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from orders import deposits, finance, payments, selectors
from orders.api_inputs import unknown, when
from orders.models import Contract, DepositOutcome, DepositSettlement, Payment, PaymentKind
from projects.access import SITE_STAFF, projects_of, with_roles
from projects.roles import Role
from salesoffice.api import IdField, LocalDateTimeField, iso, money


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
            paid_at=when(values["paid_at"], tz),
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

    permission_classes = with_roles(Role.FINANCE)  # the role before the body

    class InputSerializer(MovementSerializer):
        contract = IdField()
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
        raise unknown("contract", _("No such contract."))
    return found


class ContractRefundApi(APIView):
    """退款 (finance only): a negative movement with its own receipt."""

    permission_classes = with_roles(Role.FINANCE)  # the role before the body

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
                paid_at=when(values["paid_at"], tz),
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
