"""Confirmed channel visits as the attribution engine sees them (registered as a ledger fact
source): the verdict names the channel while its visit protection lasts (A13)."""

from __future__ import annotations

from collections.abc import Iterable

from attribution.facts import ChannelFact
from channels.models import VisitConfirmation


def channel_facts(household_ids) -> Iterable[tuple[int, ChannelFact]]:
    rows = VisitConfirmation.objects.filter(customer__household_id__in=household_ids).values_list(
        "id",
        "customer_id",
        "report__channel_name",
        "report__agent__username",
        "visit_at",
        "entered_at",
    )
    for pk, customer, channel, agent, visit_at, entered_at in rows:
        yield customer, ChannelFact(pk, channel, agent, visit_at, entered_at)


channel_facts.present = lambda ids: VisitConfirmation.objects.filter(customer__household_id__in=ids)
