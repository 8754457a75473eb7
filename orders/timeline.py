"""A customer's deal papers on the customer page's timeline (registered timeline sources, one
query each): requirement confirmations, qualification reviews, subscriptions (with their 退订
and what became of the deposit), contracts and their cancellations, payments and refunds."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from customers.models import Customer
from customers.timeline import TimelineEntry, timeline_entries
from orders.models import (
    Contract,
    Payment,
    QualificationReview,
    RequirementConfirmation,
    Subscription,
)


@dataclass(frozen=True)
class RequirementRow:
    """A confirmation on the timeline, knowing whether a later one superseded it."""

    confirmation: RequirementConfirmation
    current: bool

    @property
    def pk(self) -> int:
        return self.confirmation.pk

    @property
    def entered_at(self) -> datetime:
        return self.confirmation.entered_at

    @property
    def entered_by(self):
        return self.confirmation.entered_by


def requirement_timeline_entries(customer: Customer) -> list[TimelineEntry]:
    confirmations = (
        RequirementConfirmation.objects.filter(customer=customer)
        .select_related("consultant", "entered_by")
        .prefetch_related("intended_units")
        .order_by("-entered_at", "-id")
    )
    return [
        TimelineEntry(
            "requirement",
            confirmation.signed_at or confirmation.entered_at,
            RequirementRow(confirmation, current=index == 0),
            template="orders/partials/timeline_requirement.html",
        )
        for index, confirmation in enumerate(confirmations)
    ]


def review_timeline_entries(customer: Customer) -> list[TimelineEntry]:
    reviews = QualificationReview.objects.filter(customer=customer).select_related("entered_by")
    return timeline_entries("qualification", reviews, "orders/partials/timeline_review.html")


def contract_timeline_entries(customer: Customer) -> list[TimelineEntry]:
    contracts = Contract.objects.filter(subscription__customer=customer).select_related(
        "subscription__unit", "entered_by", "cancellation__approved_by"
    )
    return timeline_entries(
        "contract", contracts, "orders/partials/timeline_contract.html", at="signed_at"
    )


def subscription_timeline_entries(customer: Customer) -> list[TimelineEntry]:
    subscriptions = Subscription.objects.filter(customer=customer).select_related(
        "unit", "consultant", "entered_by", "cancellation", "deposit_settlement"
    )
    return timeline_entries(
        "subscription",
        subscriptions,
        "orders/partials/timeline_subscription.html",
        at="occurred_at",
    )


def payment_timeline_entries(customer: Customer) -> list[TimelineEntry]:
    movements = Payment.objects.filter(contract__subscription__customer=customer).select_related(
        "contract", "entered_by"
    )
    return timeline_entries(
        "payment", movements, "orders/partials/timeline_payment.html", at="paid_at"
    )


SOURCES = (
    requirement_timeline_entries,
    review_timeline_entries,
    subscription_timeline_entries,
    contract_timeline_entries,
    payment_timeline_entries,
)
