"""The printed documents of a deal, in Chinese on A4: the requirement confirmation (客户需求
确认单, for the customer's signature) and the contract (商品房买卖合同) as a page and a PDF.

The PDF is rendered by handover/printing.py (WeasyPrint with a URL fetcher that serves our
print stylesheets and refuses every other URL); whatever a customer typed is escaped by the
template like any other text. The ID-card number is printed in full only on the contract's
PDF, the document both parties sign; every screen shows it masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.http import HttpResponse

from orders.models import Contract, PaymentMethod, RequirementConfirmation, ScheduleItem
from orders.terms import credited_balance
from salesoffice.fields import mask_id_number
from salesoffice.numerals import yuan_in_capitals
from salesoffice.printing import render_pdf

# The printed wording is fixed Chinese, whatever the reader's language.
METHOD_WORDING = {
    PaymentMethod.FULL: "一次性付款",
    PaymentMethod.INSTALMENT: "分期付款",
    PaymentMethod.MORTGAGE: "按揭贷款（首付款 + 银行贷款）",
}
CONTRACT_TEMPLATE = "orders/print/contract.html"
REQUIREMENT_TEMPLATE = "orders/print/requirement.html"


@dataclass(frozen=True)
class ContractDocument:
    contract: Contract
    id_number: str
    signed_on: date
    schedule: list[ScheduleItem]

    @property
    def subscription(self):
        return self.contract.subscription

    @property
    def customer(self):
        return self.subscription.customer

    @property
    def unit(self):
        return self.subscription.unit

    @property
    def project(self):
        return self.contract.project

    @property
    def method(self) -> str:
        return METHOD_WORDING.get(self.contract.payment_method, self.contract.payment_method)

    @property
    def price_in_capitals(self) -> str:
        return yuan_in_capitals(self.contract.price)

    @property
    def deposit_in_capitals(self) -> str:
        return yuan_in_capitals(self.subscription.deposit)

    @property
    def balance(self) -> Decimal:
        return credited_balance(self.contract.price, self.subscription.deposit)

    @property
    def balance_in_capitals(self) -> str:
        return yuan_in_capitals(self.balance)


def contract_document(contract: Contract, *, full_id: bool) -> ContractDocument:
    id_number = contract.subscription.customer.id_number
    return ContractDocument(
        contract=contract,
        id_number=id_number if full_id else mask_id_number(id_number),
        signed_on=contract.signed_at.astimezone(contract.project.tzinfo).date(),
        schedule=list(ScheduleItem.objects.filter(contract=contract).order_by("sequence")),
    )


def contract_pdf(contract: Contract) -> bytes:
    document = contract_document(contract, full_id=True)
    return render_pdf(CONTRACT_TEMPLATE, {"doc": document, "pdf": True})


def contract_filename(contract: Contract) -> str:
    return f"contract-{contract.number}.pdf"


def contract_pdf_response(contract: Contract) -> HttpResponse:
    """Opened in the browser's viewer (a new tab), saved under the contract's number."""
    response = HttpResponse(contract_pdf(contract), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{contract_filename(contract)}"'
    return response


@dataclass(frozen=True)
class RequirementDocument:
    confirmation: RequirementConfirmation
    entered_on: date
    signed_on: date | None

    @property
    def method(self) -> str:
        return METHOD_WORDING.get(self.confirmation.payment_method, "")


def requirement_document(confirmation: RequirementConfirmation) -> RequirementDocument:
    tz = confirmation.project.tzinfo
    signed = confirmation.signed_at
    return RequirementDocument(
        confirmation=confirmation,
        entered_on=confirmation.entered_at.astimezone(tz).date(),
        signed_on=signed.astimezone(tz).date() if signed else None,
    )
