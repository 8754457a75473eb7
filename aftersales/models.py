"""After-sales (DOMAIN.md §9, seed 002): tickets from an owner's question, a complaint or an
inspection defect, worked through the departments' queues; and the follow-up visits (回访)
scheduled after the keys are handed over.

A ticket's history is its events (``TicketEvent``, append-only); the ticket row keeps only what
the latest event left (state, queue, due dates, amounts) so that lists can filter and sort in SQL.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from customers.ledger import LedgerEvent
from projects.models import Project


class Category(models.TextChoices):
    """The department whose queue works the ticket (工程 / 物业 / 销售 / 其他)."""

    ENGINEERING = "engineering", _("Engineering")
    PROPERTY = "property", _("Property management")
    SALES = "sales", _("Sales")
    OTHER = "other", _("Other")


class Origin(models.TextChoices):
    QUESTION = "question", _("Owner's question")
    COMPLAINT = "complaint", _("Complaint")
    DEFECT = "defect", _("Inspection defect")
    VISIT = "visit", _("Follow-up visit")


class TicketState(models.TextChoices):
    NEW = "new", _("New")
    ROUTED = "routed", _("In the department's queue")
    SOLUTION_PROPOSED = "solution_proposed", _("Solution proposed")
    COST_ESTIMATED = "cost_estimated", _("Cost estimated")
    COSTED = "costed", _("Costed by finance")
    APPROVED = "approved", _("Cost approved")
    FEEDBACK_GIVEN = "feedback_given", _("Owner informed")
    REVIEWED = "reviewed", _("Reviewed")
    CLOSED = "closed", _("Closed")


class Ticket(models.Model):
    """One owner's issue. Written only by ``aftersales.services``, from the events it appends."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="tickets")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="tickets"
    )
    unit = models.ForeignKey(
        "orders.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="tickets"
    )
    origin = models.CharField(_("origin"), max_length=12, choices=Origin.choices)
    # What the ticket came from, when it is a record of another app: "handover.defect" and the
    # defect's id (the handover app adds its inspection items later; no foreign key to a model
    # that does not exist yet), or "aftersales.visit" for an issue found on a follow-up visit.
    source = models.CharField(_("source"), max_length=40, blank=True)
    source_id = models.BigIntegerField(_("source id"), null=True, blank=True)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, blank=True)
    state = models.CharField(
        _("state"), max_length=20, choices=TicketState.choices, default=TicketState.NEW
    )
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="opened_tickets"
    )
    opened_at = models.DateTimeField(_("opened at"))
    # Derived from the events by aftersales.flow at each move (lists and jobs filter on them).
    solution_due_at = models.DateTimeField(_("solution due"), null=True, blank=True)
    feedback_due_at = models.DateTimeField(_("promised to the owner by"), null=True, blank=True)
    estimated_cost = models.DecimalField(
        _("estimated cost"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    costed_amount = models.DecimalField(
        _("costed by finance"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    rating = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    updated_at = models.DateTimeField(_("last move"))

    class Meta:
        ordering = ["-opened_at", "-id"]
        verbose_name = _("after-sales ticket")
        verbose_name_plural = _("after-sales tickets")
        constraints = [
            models.CheckConstraint(
                condition=Q(source="", source_id__isnull=True)
                | (~Q(source="") & Q(source_id__isnull=False)),
                name="ticket_source_complete",
            ),
            # One ticket per defect (or visit): the handover app may call twice.
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=Q(source_id__isnull=False),
                name="ticket_once_per_source",
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="ticket_rating_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(state="new") | ~Q(category=""), name="ticket_routed_has_category"
            ),
        ]
        indexes = [
            models.Index(fields=["project", "category", "state"], name="ticket_queue"),
            models.Index(fields=["customer", "opened_at"], name="ticket_customer"),
            models.Index(fields=["state", "solution_due_at"], name="ticket_solution_due"),
            models.Index(fields=["state", "feedback_due_at"], name="ticket_feedback_due"),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}"

    @property
    def number(self) -> str:
        """What the office reads out on the phone: SH000012 (售后)."""
        return f"SH{self.pk:06d}"


class Action(models.TextChoices):
    OPEN = "open", _("Opened")
    ROUTE = "route", _("Routed to a department")
    PROPOSE = "propose", _("Solution proposed")
    ESTIMATE = "estimate", _("Cost estimated")
    COST = "cost", _("Costed by finance")
    APPROVE = "approve", _("Cost approved")
    DECLINE = "decline", _("Cost declined")
    FEEDBACK = "feedback", _("Owner informed")
    REVIEW = "review", _("Reviewed")
    CLOSE = "close", _("Closed")
    REOPEN = "reopen", _("Reopened")


# What each move is called where it is offered or refused (the history uses Action's labels).
MOVE_LABELS = {
    "route": _("Route to a department"),
    "propose": _("Propose a solution"),
    "estimate": _("Estimate the cost"),
    "cost": _("Cost it"),
    "approve": _("Approve the cost"),
    "decline": _("Decline the cost"),
    "feedback": _("Tell the owner"),
    "review": _("Mark reviewed"),
    "close": _("Close with the owner's rating"),
    "reopen": _("Reopen"),
}


class TicketEvent(LedgerEvent):
    """A move of a ticket: who, when, from which state to which, with its note and amounts."""

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    from_state = models.CharField(max_length=20, choices=TicketState.choices, blank=True)
    to_state = models.CharField(max_length=20, choices=TicketState.choices)
    note = models.TextField(_("note"), blank=True)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, blank=True)
    amount = models.DecimalField(
        _("amount"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    deadline = models.DateField(_("promised by"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("satisfaction"), null=True, blank=True)

    class Meta:
        ordering = ["entered_at", "id"]
        verbose_name = _("ticket event")
        verbose_name_plural = _("ticket events")
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__isnull=True) | Q(amount__gt=0), name="ticket_event_amount"
            ),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5),
                name="ticket_event_rating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ticket_id} {self.action}"


class TicketEscalation(LedgerEvent):
    """The managers were told that a deadline passed: once per ticket, kind and due date."""

    class Kind(models.TextChoices):
        SOLUTION = "solution", _("Solution overdue")
        FEEDBACK = "feedback", _("Promised deadline passed")

    ticket = models.ForeignKey(Ticket, on_delete=models.PROTECT, related_name="escalations")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    due_at = models.DateTimeField()

    class Meta:
        ordering = ["entered_at", "id"]
        verbose_name = _("ticket escalation")
        verbose_name_plural = _("ticket escalations")
        constraints = [
            models.UniqueConstraint(fields=["ticket", "kind", "due_at"], name="escalation_once")
        ]


class VisitOutcome(models.TextChoices):
    REACHED = "reached", _("Reached, all well")
    NOT_REACHED = "not_reached", _("Not reached")
    ISSUE = "issue", _("Reached, has an issue")


class Visit(models.Model):
    """回访: a follow-up call or visit to an owner a set time after the keys were handed over."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="visits")
    customer = models.ForeignKey(
        "customers.Customer", on_delete=models.PROTECT, related_name="visits"
    )
    unit = models.ForeignKey(
        "orders.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="visits"
    )
    consultant = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="visits"
    )
    handed_over_at = models.DateTimeField(_("handed over at"))
    offset_days = models.PositiveSmallIntegerField(_("days after handover"))
    due_on = models.DateField(_("due on"))
    # The first instant of the due day in the project's zone: the reminder job compares it.
    due_at = models.DateTimeField()
    scheduled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_at = models.DateTimeField()
    reminded_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=12, choices=VisitOutcome.choices, blank=True
    )
    outcome_note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    ticket = models.OneToOneField(
        Ticket, on_delete=models.PROTECT, null=True, blank=True, related_name="visit"
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("follow-up visit")
        verbose_name_plural = _("follow-up visits")
        constraints = [
            # Scheduling twice for one handover adds nothing (the handover app may retry).
            # Two constraints rather than nulls_distinct=False, which SQLite cannot enforce.
            models.UniqueConstraint(
                fields=["customer", "unit", "offset_days"],
                name="visit_once_per_offset",
            ),
            models.UniqueConstraint(
                fields=["customer", "offset_days"],
                condition=Q(unit__isnull=True),
                name="visit_once_per_offset_no_unit",
            ),
            models.CheckConstraint(
                condition=Q(outcome="", recorded_at__isnull=True)
                | (~Q(outcome="") & Q(recorded_at__isnull=False)),
                name="visit_outcome_recorded",
            ),
        ]
        indexes = [
            models.Index(fields=["consultant", "due_on"], name="visit_consultant_due"),
            models.Index(fields=["due_at"], name="visit_reminder", condition=Q(outcome="")),
        ]

    def __str__(self) -> str:
        return f"{self.customer} +{self.offset_days}d"
