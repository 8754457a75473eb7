"""Units (房源) and the deals on them. A subscription (认购) is a ledger event: it locks the
household's attribution (A8); a cancellation (退订) is another event, never an edit."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from customers.ledger import LedgerEvent
from projects.models import Project


class UnitStatus(models.TextChoices):
    AVAILABLE = "available", _("Available")
    RESERVED = "reserved", _("Reserved")
    SUBSCRIBED = "subscribed", _("Subscribed")
    CONTRACTED = "contracted", _("Contracted")
    PAID_OFF = "paid_off", _("Paid off")
    HANDED_OVER = "handed_over", _("Handed over")


class Unit(models.Model):
    """One sellable unit: building 栋, unit 单元, floor 层, room 室."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="units")
    building = models.CharField(_("building"), max_length=20)
    unit = models.CharField(_("unit"), max_length=20, blank=True)
    floor = models.IntegerField(_("floor"), null=True, blank=True)
    room = models.CharField(_("room"), max_length=20)
    layout = models.CharField(_("layout"), max_length=40, blank=True)
    area = models.DecimalField(_("area (m²)"), max_digits=8, decimal_places=2)
    list_price = models.DecimalField(_("list price"), max_digits=14, decimal_places=2)
    status = models.CharField(
        _("status"), max_length=12, choices=UnitStatus.choices, default=UnitStatus.AVAILABLE
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["project", "building", "unit", "room"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "building", "unit", "room"], name="unit_unique_address"
            ),
            models.CheckConstraint(condition=models.Q(area__gt=0), name="unit_area_positive"),
            models.CheckConstraint(
                condition=models.Q(list_price__gte=0), name="unit_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        unit = f"{self.unit}单元" if self.unit else ""
        return f"{self.building}栋{unit}{self.room}"


class Subscription(LedgerEvent):
    """认购 with a deposit (定金): the deal that locks attribution (A8) and decides commission."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="subscriptions")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="subscriptions")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="subscriptions"
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="subscriptions",
        help_text=_("Who took the subscription (the closer)."),
    )
    price = models.DecimalField(_("agreed price"), max_digits=14, decimal_places=2)
    deposit = models.DecimalField(_("deposit"), max_digits=14, decimal_places=2)
    occurred_at = models.DateTimeField(_("occurred at"))
    attributed_at = models.DateTimeField(_("attribution time"))
    owner_absent = models.BooleanField(_("owner absent"), default=False)
    deposit_only = models.BooleanField(_("deposit only (obligation reception)"), default=False)
    assisted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="assisted_subscriptions",
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        verbose_name = _("subscription")
        verbose_name_plural = _("subscriptions")
        constraints = [
            models.CheckConstraint(condition=models.Q(deposit__gt=0), name="deposit_positive"),
            models.CheckConstraint(condition=models.Q(price__gt=0), name="price_positive"),
        ]
        indexes = [
            models.Index(fields=["customer", "attributed_at"], name="subscription_customer"),
            # Monthly commission statements read a project's deals by local month.
            models.Index(fields=["project", "occurred_at"], name="subscription_month"),
        ]

    def __str__(self) -> str:
        return f"{self.unit} · {self.customer}"


class SubscriptionCancellation(LedgerEvent):
    """退订 / 退房: the unit returns to available, the subscription stays as it was."""

    subscription = models.OneToOneField(
        Subscription, on_delete=models.PROTECT, related_name="cancellation"
    )
    occurred_at = models.DateTimeField(_("occurred at"))
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("cancellation")
        verbose_name_plural = _("cancellations")

    def __str__(self) -> str:
        return f"{self.subscription} cancelled"


class UnitHold(models.Model):
    """The live subscription holding a unit. The one-to-one on ``unit`` is the database's
    guarantee that a unit is never subscribed twice; a cancellation removes the hold."""

    unit = models.OneToOneField(Unit, on_delete=models.PROTECT, related_name="hold")
    subscription = models.OneToOneField(Subscription, on_delete=models.PROTECT, related_name="hold")
    held_since = models.DateTimeField()

    class Meta:
        verbose_name = _("unit hold")
        verbose_name_plural = _("unit holds")

    def __str__(self) -> str:
        return f"{self.unit} held by {self.subscription_id}"


class PaymentMethod(models.TextChoices):
    FULL = "full", _("Full payment")
    INSTALMENT = "instalment", _("Instalments")
    MORTGAGE = "mortgage", _("Mortgage (down payment + loan)")


class RequirementConfirmation(LedgerEvent):
    """客户需求确认单: what the customer asked for, printed and signed; a new one supersedes."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="requirement_confirmations"
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    budget = models.DecimalField(
        _("budget"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    layout = models.CharField(_("layout"), max_length=40, blank=True)
    area_min = models.DecimalField(
        _("area from"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    area_max = models.DecimalField(
        _("area to"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    payment_method = models.CharField(
        _("payment method"), max_length=12, choices=PaymentMethod.choices, blank=True
    )
    intended_units = models.ManyToManyField(Unit, blank=True, related_name="+")
    notes = models.TextField(_("notes"), blank=True)
    signed_at = models.DateTimeField(_("signed by the customer at"), null=True, blank=True)

    class Meta:
        ordering = ["-entered_at", "-id"]
        verbose_name = _("requirement confirmation")
        verbose_name_plural = _("requirement confirmations")

    def __str__(self) -> str:
        return f"{self.customer} {self.entered_at:%Y-%m-%d}"


class QualificationReview(LedgerEvent):
    """购房资格审核: the checklist before a contract, with its reviewer and time."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="+")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="qualification_reviews"
    )
    id_checked = models.BooleanField(_("ID checked"))
    eligible = models.BooleanField(_("eligible to buy"))
    funds_proof = models.BooleanField(_("proof of funds"))
    note = models.TextField(_("note"), blank=True)
    passed = models.BooleanField(_("passed"))

    class Meta:
        ordering = ["-entered_at", "-id"]
        verbose_name = _("qualification review")
        verbose_name_plural = _("qualification reviews")

    def __str__(self) -> str:
        return f"{self.customer} {'passed' if self.passed else 'failed'}"


class Contract(LedgerEvent):
    """合同, from a subscription: the price, how it is paid, the liability terms. The deposit
    is credited to it (定金转房款); the schedule's items sum to price − deposit."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="contracts")
    subscription = models.OneToOneField(
        Subscription, on_delete=models.PROTECT, related_name="contract"
    )
    number = models.CharField(_("contract number"), max_length=40)
    price = models.DecimalField(_("price"), max_digits=14, decimal_places=2)
    payment_method = models.CharField(
        _("payment method"), max_length=12, choices=PaymentMethod.choices
    )
    down_payment = models.DecimalField(
        _("down payment"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    loan_amount = models.DecimalField(
        _("loan"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    liability_terms = models.TextField(_("liability terms"), blank=True)
    signed_at = models.DateTimeField(_("signed at"))

    class Meta:
        ordering = ["-signed_at", "-id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="contract_number_unique"),
            models.CheckConstraint(condition=models.Q(price__gt=0), name="contract_price_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class ScheduleItem(LedgerEvent):
    """One due payment of a contract's schedule (首付, 二期款, 银行贷款 …)."""

    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="schedule")
    sequence = models.PositiveSmallIntegerField()
    label = models.CharField(_("label"), max_length=40, blank=True)
    due = models.DateField(_("due"))
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)

    class Meta:
        ordering = ["contract", "sequence"]
        verbose_name = _("schedule item")
        verbose_name_plural = _("schedule items")
        constraints = [
            models.UniqueConstraint(fields=["contract", "sequence"], name="schedule_sequence"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="schedule_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.contract} #{self.sequence} {self.amount}"


class PaymentKind(models.TextChoices):
    PAYMENT = "payment", _("Payment")
    REFUND = "refund", _("Refund")


class Payment(LedgerEvent):
    """A money movement on a contract, recorded by finance with its receipt (收据) number;
    a refund is a negative movement with its own receipt. Nothing is ever edited."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="payments")
    contract = models.ForeignKey(Contract, on_delete=models.PROTECT, related_name="payments")
    kind = models.CharField(max_length=8, choices=PaymentKind.choices, default=PaymentKind.PAYMENT)
    amount = models.DecimalField(_("amount"), max_digits=14, decimal_places=2)
    paid_at = models.DateTimeField(_("paid at"))
    method = models.CharField(_("method"), max_length=20)
    receipt_no = models.CharField(_("receipt number"), max_length=40)
    invoice_no = models.CharField(_("invoice number"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["contract", "paid_at", "id"]
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        constraints = [
            models.UniqueConstraint(fields=["project", "receipt_no"], name="receipt_unique"),
            models.UniqueConstraint(
                fields=["project", "invoice_no"],
                condition=~models.Q(invoice_no=""),
                name="invoice_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="payment", amount__gt=0) | models.Q(kind="refund", amount__lt=0)
                ),
                name="payment_sign_matches_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.receipt_no} {self.amount}"


class DepositOutcome(models.TextChoices):
    REFUNDED = "refunded", _("Refunded")
    FORFEITED = "forfeited", _("Kept by the developer")


class DepositSettlement(LedgerEvent):
    """退订 before any contract: what became of the deposit, decided once by finance. Refunded
    (whole or in part, with its own receipt from the project's receipt numbers) or kept, with
    the reason. A cancelled contract's deposit is refunded on the contract instead."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="deposit_settlements"
    )
    subscription = models.OneToOneField(
        Subscription, on_delete=models.PROTECT, related_name="deposit_settlement"
    )
    outcome = models.CharField(_("outcome"), max_length=10, choices=DepositOutcome.choices)
    refunded = models.DecimalField(
        _("amount refunded"), max_digits=14, decimal_places=2, default=Decimal("0.00")
    )
    paid_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=20, blank=True)
    receipt_no = models.CharField(_("receipt number"), max_length=40, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("deposit settlement")
        verbose_name_plural = _("deposit settlements")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "receipt_no"],
                condition=~models.Q(receipt_no=""),
                name="deposit_receipt_unique",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(outcome="refunded", refunded__gt=0, paid_at__isnull=False)
                    & ~models.Q(receipt_no="")
                )
                | models.Q(outcome="forfeited", refunded=0, receipt_no=""),
                name="deposit_settlement_consistent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subscription} {self.outcome} {self.refunded}"


class ContractCancellation(LedgerEvent):
    """退房: the contract is cancelled with a reason and an approver; refunds follow as
    negative payments; the unit returns to available."""

    contract = models.OneToOneField(Contract, on_delete=models.PROTECT, related_name="cancellation")
    occurred_at = models.DateTimeField(_("occurred at"))
    reason = models.TextField(_("reason"))
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("contract cancellation")
        verbose_name_plural = _("contract cancellations")

    def __str__(self) -> str:
        return f"{self.contract} cancelled"
