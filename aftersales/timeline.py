"""The owner's tickets on the customer page's timeline (a timeline source: one query)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from aftersales.models import Ticket
from aftersales.selectors import customer_tickets
from customers.models import Customer
from customers.timeline import TimelineEntry


@dataclass(frozen=True)
class TicketRow:
    """A ticket as a timeline item: opened by whom and when (the row has no ``entered_*``)."""

    ticket: Ticket

    @property
    def pk(self) -> int:
        return self.ticket.pk

    @property
    def entered_at(self) -> datetime:
        return self.ticket.opened_at

    @property
    def entered_by(self):
        return self.ticket.opened_by


def ticket_timeline_entries(customer: Customer) -> list[TimelineEntry]:
    return [
        TimelineEntry(
            "ticket",
            ticket.opened_at,
            TicketRow(ticket),
            template="aftersales/partials/timeline_ticket.html",
        )
        for ticket in customer_tickets(customer)
    ]
