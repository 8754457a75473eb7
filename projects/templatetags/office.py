"""Filters the office's pages share."""

from django import template

from projects.access import display_name

register = template.Library()


@register.filter
def staff_name(user) -> str:
    """A colleague as the office calls them: their name, else their username."""
    return display_name(user)
