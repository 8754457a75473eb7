"""The customer page's deal card: the customer's deals with their contracts, the latest
qualification review, and the next step the viewer may take (two queries)."""

from __future__ import annotations

from django import template

from orders.contracts import OFFICE_CONTRACT_ROLES, on_the_deal
from orders.deal_forms import METHOD_LABELS
from orders.models import Subscription
from orders.requirements import REQUIREMENT_ROLES, latest_review
from projects.access import has_role
from projects.roles import Role

register = template.Library()


def _may_contract(user, subscription: Subscription) -> bool:
    if user.is_superuser or has_role(user, *OFFICE_CONTRACT_ROLES):
        return True
    return has_role(user, Role.CONSULTANT) and on_the_deal(user, subscription)


@register.filter
def payment_method(value: str) -> str:
    """A method the desk offers by its label; anything else (a bank's name) as typed."""
    return str(METHOD_LABELS.get(value, value))


@register.inclusion_tag("orders/partials/customer_deals.html", takes_context=True)
def customer_deals(context, customer) -> dict:
    user = context["request"].user
    subscriptions = (
        Subscription.objects.filter(customer=customer)
        .select_related("unit", "cancellation", "contract__cancellation")
        .order_by("-occurred_at", "-id")
    )
    deals = []
    for subscription in subscriptions:
        contract = getattr(subscription, "contract", None)
        cancelled = hasattr(subscription, "cancellation")
        deals.append(
            {
                "subscription": subscription,
                "contract": contract,
                "cancelled": cancelled,
                "may_contract": contract is None
                and not cancelled
                and _may_contract(user, subscription),
            }
        )
    return {
        "customer": customer,
        "deals": deals,
        "review": latest_review(customer),
        "may_confirm": has_role(user, *REQUIREMENT_ROLES),
        "may_review": user.is_superuser or has_role(user, Role.MANAGER),
    }
