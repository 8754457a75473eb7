"""The customer page's stage control: which moves the viewer may make by hand."""

from django import template

from desk.pipeline import MOVING_ROLES, allowed_moves, stage_label
from projects.access import has_role

register = template.Library()


@register.simple_tag(takes_context=True)
def stage_moves(context, customer) -> list[tuple[str, str]] | None:
    """None for a viewer who moves no stages (finance); else the legal moves, maybe none.
    The page itself is shown to a consultant only for customers they own or serve, which is
    the service's rule too (it checks again)."""
    request = context.get("request")
    if request is None or not has_role(request.user, *MOVING_ROLES):
        return None
    return [(stage, stage_label(stage)) for stage in allowed_moves(customer.stage)]
