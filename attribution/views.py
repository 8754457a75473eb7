"""Pages of attribution: a consultant's customers by expiry, and the public pool."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attribution import services
from attribution.selectors import pool_of
from customers.models import Household
from customers.phones import mask_name, mask_phone
from projects.access import has_role, is_office_staff, receiving_staff
from projects.pages import page_project, render_local
from projects.roles import Role
from salesoffice.errors import DomainError

PAGE_SIZE = 50
CONSULTANT_ONLY = (Role.CONSULTANT,)
POOL_ROLES = (Role.CONSULTANT, Role.CLERK, Role.MANAGER)


def pool_row(state, full_view: bool) -> dict:
    name, phone = state.customer_name or "", state.customer_phone or ""
    return {
        "state": state,
        "household": state.household_id,
        "customer_id": state.customer_id,
        "name": name if full_view else mask_name(name),
        "phone": phone if full_view else mask_phone(phone),
        "last_owner": state.last_owner or state.owner,
    }


@login_required
@require_GET
def pool(request, code):
    project = page_project(request, code, POOL_ROLES)
    now = timezone.now()
    page = Paginator(pool_of(project=project, now=now), PAGE_SIZE).get_page(request.GET.get("page"))
    full_view = is_office_staff(request.user)
    return render_local(
        request,
        project,
        "attribution/pool.html",
        {
            "page": page,
            "rows": [pool_row(state, full_view) for state in page],
            "manager": has_role(request.user, Role.MANAGER),
            "consultant": has_role(request.user, Role.CONSULTANT),
            "staff": receiving_staff(project).order_by("first_name", "username"),
        },
    )


@login_required
@require_POST
def pool_take(request, code, household_id):
    project = page_project(request, code, CONSULTANT_ONLY)
    household = get_object_or_404(Household, pk=household_id, project=project)
    try:
        services.household_take(household=household, acting_user=request.user)
        messages.success(request, _("The customer is yours now: follow up within the window."))
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("pool", code=project.code)


@login_required
@require_POST
def pool_reassign(request, code):
    """二次分配: the manager gives the ticked households to one consultant, with a reason."""
    project = page_project(request, code, (Role.MANAGER,))
    ids = [int(i) for i in request.POST.getlist("households") if i.isdigit()]
    consultant = receiving_staff(project).filter(username=request.POST.get("consultant")).first()
    if not ids or consultant is None:
        messages.error(request, _("Tick the customers and choose a consultant."))
        return redirect("pool", code=project.code)
    try:
        results = services.households_reassign(
            project=project,
            household_ids=ids,
            consultant=consultant,
            reason=request.POST.get("reason", ""),
            acting_user=request.user,
        )
        messages.success(
            request,
            _("%(count)s customers given to %(name)s.")
            % {"count": len(results), "name": consultant.first_name or consultant.username},
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    return redirect("pool", code=project.code)
