"""The payoff certificate (房款付清证明, seed 002 node F9): finance issues it once a contract is
fully paid; the owner needs it for move-in qualification; anyone can check it on a public page.

Issuing and revoking lock the contract's row first (then the project's certificate counter),
so two clicks at once give one certificate and one ``already_issued``: the second request
waits for the first, then finds the certificate it issued. ``ValidCertificate``'s one-to-one
on the contract refuses a second valid certificate even from a writer that skipped the lock.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from customers.phones import mask_name
from handover.access import (
    ISSUERS,
    REVOKERS,
    ensure_member,
    ensure_role,
    may_read_certificate,
)
from handover.models import CertificateRevocation, PayoffCertificate, ValidCertificate
from orders.balances import ZERO, outstanding
from orders.models import Contract, ContractCancellation, PaymentKind
from projects.notifications import managers_of, notify
from projects.numbering import formatted, next_number
from salesoffice.errors import Conflict, DomainError
from salesoffice.numerals import yuan_in_capitals
from salesoffice.printing import public_url, qr_svg, render_pdf

NUMBER_PREFIX = "FQ"  # 付清: HX01-FQ-000001
SEQUENCE = "certificate"
TEMPLATE = "handover/print/certificate.html"


# -- the document ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PaymentLine:
    on: date
    receipt: str
    label: str
    amount: Decimal


@dataclass(frozen=True)
class CertificateDocument:
    """Everything the PDF says, decided before it is drawn (the template only lays it out)."""

    company: str
    project: str
    customer: str
    unit: str
    contract_number: str
    price: Decimal
    price_in_capitals: str
    lines: tuple[PaymentLine, ...]
    issued_on: date
    number: str
    verify_code: str
    verify_url: str

    @property
    def total(self) -> Decimal:
        return sum((line.amount for line in self.lines), ZERO)


def verify_path(code: str) -> str:
    return reverse("certificate-verify", kwargs={"code": code})


def payment_lines(contract: Contract, payments, tz) -> tuple[PaymentLine, ...]:
    """The deposit credited to the price (定金转房款), then each payment and refund."""
    subscription = contract.subscription
    deposit = PaymentLine(
        timezone.localdate(subscription.occurred_at, tz), "", "定金转房款", subscription.deposit
    )
    label = {PaymentKind.PAYMENT: "房款", PaymentKind.REFUND: "退款"}
    return (
        deposit,
        *(
            PaymentLine(timezone.localdate(p.paid_at, tz), p.receipt_no, label[p.kind], p.amount)
            for p in payments
        ),
    )


def certificate_document(
    contract: Contract, payments, *, number: str, verify_code: str, now: datetime
) -> CertificateDocument:
    project = contract.project
    subscription = contract.subscription
    return CertificateDocument(
        company=project.company_name or project.name,
        project=project.name,
        customer=subscription.customer.name,
        unit=str(subscription.unit),
        contract_number=contract.number,
        price=contract.price,
        price_in_capitals=yuan_in_capitals(contract.price),
        lines=payment_lines(contract, payments, project.tzinfo),
        issued_on=timezone.localdate(now, project.tzinfo),
        number=number,
        verify_code=verify_code,
        verify_url=public_url(verify_path(verify_code)),
    )


def certificate_pdf(document: CertificateDocument) -> bytes:
    return render_pdf(TEMPLATE, {"doc": document, "qr": qr_svg(document.verify_url)})


# -- issuing -----------------------------------------------------------------------------------


def _locked(contract: Contract) -> Contract:
    """The contract's row, locked: the first lock of every certificate write."""
    return (
        Contract.objects.select_for_update(of=("self",))
        .select_related("project", "subscription__customer", "subscription__unit")
        .get(pk=contract.pk)
    )


def ensure_not_cancelled(contract: Contract) -> None:
    if ContractCancellation.objects.filter(contract=contract).exists():
        raise Conflict(_("This contract was cancelled."), code="contract_cancelled")


def ensure_paid_off(contract: Contract) -> None:
    owed = outstanding(contract)
    if owed != ZERO:
        raise Conflict(
            _("The contract is not fully paid: %(amount)s yuan outstanding.")
            % {"amount": f"{owed:,.2f}"},
            code="not_paid_off",
            extra={"outstanding": f"{owed:.2f}"},
        )


def _already_issued(certificate_number: str | None) -> Conflict:
    return Conflict(
        _("A valid payoff certificate was already issued for this contract: %(number)s.")
        % {"number": certificate_number or "—"},
        code="already_issued",
        extra={"number": certificate_number},
    )


def ensure_none_valid(contract: Contract) -> None:
    valid = ValidCertificate.objects.filter(contract=contract).select_related("certificate")
    found = valid.first()
    if found is not None:
        raise _already_issued(found.certificate.number)


def certificate_issue(*, contract: Contract, acting_user) -> PayoffCertificate:
    """Issue the contract's payoff certificate (finance only): when nothing is outstanding and
    no valid certificate exists. The PDF is drawn and stored once, here."""
    ensure_member(acting_user, contract.project)
    ensure_role(acting_user, ISSUERS, _("Only finance issues payoff certificates."))
    stored: list = []
    try:
        with transaction.atomic():
            certificate = _issue(_locked(contract), acting_user, stored)
    except BaseException:
        for file in stored:  # the row was not kept: neither is its PDF
            file.storage.delete(file.name)
        raise
    transaction.on_commit(lambda: _tell_issued(certificate))
    return certificate


def _issue(contract: Contract, acting_user, stored: list) -> PayoffCertificate:
    now = timezone.now()
    ensure_not_cancelled(contract)
    ensure_none_valid(contract)
    ensure_paid_off(contract)
    sequence = next_number(contract.project, SEQUENCE)
    certificate = PayoffCertificate(
        project=contract.project,
        contract=contract,
        sequence=sequence,
        number=formatted(contract.project, NUMBER_PREFIX, sequence),
        verify_code=secrets.token_urlsafe(16),
        amount=contract.price,
        entered_at=now,
        entered_by=acting_user,
    )
    payments = contract.payments.order_by("paid_at", "id")
    document = certificate_document(
        contract, payments, number=certificate.number, verify_code=certificate.verify_code, now=now
    )
    # A random part in the stored name: media is never served by name (only by the PDF view,
    # which checks the reader), and a development server that does cannot be walked by number.
    stored_name = f"{certificate.number}-{secrets.token_hex(8)}.pdf"
    certificate.pdf.save(stored_name, ContentFile(certificate_pdf(document)), False)
    stored.append(certificate.pdf)
    certificate.save()
    _hold(contract, certificate)
    return certificate


def _hold(contract: Contract, certificate: PayoffCertificate) -> None:
    try:
        with transaction.atomic():
            ValidCertificate.objects.create(contract=contract, certificate=certificate)
    except IntegrityError as exc:  # a writer that skipped the contract's lock
        raise _already_issued(None) from exc


def _tell_issued(certificate: PayoffCertificate) -> None:
    subscription = certificate.contract.subscription
    notify(
        recipients=[subscription.consultant],
        kind="certificate_issued",
        params={
            "number": certificate.number,
            "customer": subscription.customer.name,
            "unit": str(subscription.unit),
        },
        project=certificate.project,
    )


# -- revoking ----------------------------------------------------------------------------------


def certificate_revoke(
    *, certificate: PayoffCertificate, reason: str, acting_user
) -> CertificateRevocation:
    """作废 with a reason (a manager or finance). The certificate stays, marked revoked; the
    contract may be given a new one (a new number)."""
    ensure_member(acting_user, certificate.project)
    ensure_role(acting_user, REVOKERS, _("Only a manager or finance revokes a certificate."))
    reason = (reason or "").strip()
    if not reason:
        message = _("Say why the certificate is revoked.")
        raise DomainError(message, code="reason_required", fields={"reason": [message]})
    with transaction.atomic():
        contract = _locked(certificate.contract)
        if CertificateRevocation.objects.filter(certificate=certificate).exists():
            raise Conflict(_("This certificate is already revoked."), code="already_revoked")
        revocation = CertificateRevocation.objects.create(
            certificate=certificate,
            reason=reason,
            entered_at=timezone.now(),
            entered_by=acting_user,
        )
        ValidCertificate.objects.filter(certificate=certificate).delete()
        transaction.on_commit(lambda: _tell_revoked(certificate, contract, reason))
    return revocation


def certificates_revoke_with_contract(*, contract: Contract, reason: str, acting_user) -> None:
    """退房 voids the contract's payoff certificate, so the public verify page stops calling
    it valid (a certificate for a cancelled sale would still open a bank's or property's door)."""
    valid = ValidCertificate.objects.filter(contract=contract).select_related("certificate")
    for row in valid:
        certificate_revoke(
            certificate=row.certificate,
            reason=_("Contract cancelled: %(reason)s") % {"reason": reason},
            acting_user=acting_user,
        )


def _tell_revoked(certificate: PayoffCertificate, contract: Contract, reason: str) -> None:
    subscription = contract.subscription
    notify(
        recipients=[subscription.consultant, *managers_of(certificate.project)],
        kind="certificate_revoked",
        params={"number": certificate.number, "unit": str(subscription.unit), "reason": reason},
        project=certificate.project,
    )


# -- reading -----------------------------------------------------------------------------------


def is_valid(certificate: PayoffCertificate) -> bool:
    """Not revoked (select ``revocation`` with the row: an absent one reads as None)."""
    return getattr(certificate, "revocation", None) is None


def may_read(user, certificate: PayoffCertificate) -> bool:
    """Finance and managers; the customer's own consultant (API.md: others get a 404)."""
    return may_read_certificate(user, certificate.contract)


@dataclass(frozen=True)
class PublicView:
    """What the public verify page may say about a certificate: no full name, no phone, no ID
    number ever reaches its template."""

    number: str
    valid: bool
    revoked_at: datetime | None
    issued_at: datetime
    company: str
    project: str
    unit: str
    customer: str  # masked: 王*


def public_view(certificate: PayoffCertificate) -> PublicView:
    revocation = getattr(certificate, "revocation", None)
    subscription = certificate.contract.subscription
    project = certificate.project
    return PublicView(
        number=certificate.number,
        valid=revocation is None,
        revoked_at=revocation.entered_at if revocation else None,
        issued_at=certificate.entered_at,
        company=project.company_name or project.name,
        project=project.name,
        unit=str(subscription.unit),
        customer=mask_name(subscription.customer.name),
    )
