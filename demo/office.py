"""What every step of the demo is applied to: the project, its staff by username, and the
objects earlier steps created, found by their natural keys (a phone, a unit's address) or by the
name a step gave them (a ticket, a dispute, a reception)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from customers.models import Customer
from orders.models import Contract, Subscription, Unit
from projects.models import Project


@dataclass(frozen=True)
class Step:
    """One thing that happened in the office, entered at ``entered_at`` (the simulated clock
    stands there while ``apply`` runs the real service)."""

    entered_at: datetime

    def apply(self, office: Office) -> None:  # pragma: no cover - every step overrides it
        raise NotImplementedError


@dataclass
class Office:
    project: Project
    users: dict
    refs: dict = field(default_factory=dict)

    def user(self, username: str):
        return self.users[username]

    def customer(self, phone: str) -> Customer:
        return Customer.objects.select_related("household").get(project=self.project, phone=phone)

    def unit(self, address: str) -> Unit:
        """``"1-1502"``: building 1, room 1502."""
        building, room = address.split("-")
        return Unit.objects.get(project=self.project, building=building, room=room)

    def subscription(self, address: str) -> Subscription:
        """The unit's deal: the demo sells each unit at most once."""
        building, room = address.split("-")
        return Subscription.objects.select_related("project", "unit", "customer").get(
            project=self.project, unit__building=building, unit__room=room
        )

    def contract(self, address: str) -> Contract:
        return Contract.objects.select_related("project", "subscription__unit").get(
            subscription=self.subscription(address)
        )

    def keep(self, name: str, value) -> None:
        self.refs[name] = value

    def ref(self, name: str):
        return self.refs[name]
