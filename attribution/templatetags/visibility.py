"""``{% load visibility %}``: a customer named on a list, as the viewer may see them (§11)."""

from django import template
from django.urls import reverse
from django.utils.html import format_html

from customers.phones import mask_name

register = template.Library()


@register.simple_tag
def customer_ref(customer, seen_in_full) -> str:
    """The name linked to the customer's page when the viewer may open it; otherwise masked
    as the lookup shows it (王*), as plain text: no link that would answer 404."""
    if customer.pk in seen_in_full:
        return format_html(
            '<a href="{}">{}</a>', reverse("customer", args=[customer.pk]), customer.name
        )
    return mask_name(customer.name)
