"""Small pieces shared by the orders app's deal pages: the form's data on a POST, the role a
page needs (a 403 without it), and the contract the viewer may read (a 404 otherwise)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied

from orders import finance
from orders.models import Contract
from projects.access import has_role
from projects.pages import or_404


def posted(request):
    """The form's data on a POST (even an all-empty one), None on a GET."""
    return request.POST if request.method == "POST" else None


def require(user, *roles: str) -> None:
    if not (user.is_superuser or has_role(user, *roles)):
        raise PermissionDenied


def readable_contract(request, pk: int) -> Contract:
    return or_404(finance.contract_for, request.user, pk)
