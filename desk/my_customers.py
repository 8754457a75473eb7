"""我的客户 (UX.md §4): a consultant's live claims, soonest to lapse first, with one click to log a
follow-up."""

from __future__ import annotations

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attribution import services
from attribution.selectors import claims_of, policy_in_force
from customers.models import Customer
from desk.forms import FollowUpForm
from desk.services import follow_up_create
from projects.pages import page_project, render_local
from projects.roles import Role
from salesoffice.errors import DomainError

PAGE_SIZE = 50
CONSULTANT_ONLY = (Role.CONSULTANT,)


@login_required
@require_GET
def my_customers(request, code):
    project = page_project(request, code, CONSULTANT_ONLY)
    now = timezone.now()
    claims = claims_of(project=project, consultant=request.user, now=now)
    page = Paginator(claims, PAGE_SIZE).get_page(request.GET.get("page"))
    quota = services.claim_quota(
        project=project, consultant=request.user, policy=policy_in_force(project, now)
    )
    return render_local(
        request,
        project,
        "desk/my_customers.html",
        {
            "page": page,
            "live": page.paginator.count,
            "quota": quota,
            "lapsing_before": now + timedelta(days=1),
            "form": FollowUpForm(
                project=project, user=request.user, owner_username=request.user.username
            ),
        },
    )


@login_required
@require_POST
def my_customer_follow_up(request, code, customer_id):
    """One click from the list: log a contact and come back to the list, re-sorted."""
    project = page_project(request, code, CONSULTANT_ONLY)
    customer = get_object_or_404(
        Customer.objects.select_related("project", "household"), pk=customer_id, project=project
    )
    form = FollowUpForm(
        request.POST, project=project, user=request.user, owner_username=request.user.username
    )
    if form.is_valid():
        try:
            follow_up_create(
                customer=customer,
                consultant=request.user,
                occurred_at=timezone.now(),
                channel=form.cleaned_data["channel"],
                note=form.cleaned_data["note"].strip(),
                acting_user=request.user,
            )
            messages.success(
                request, _("Follow-up with %(name)s recorded.") % {"name": customer.name}
            )
        except DomainError as exc:
            messages.error(request, exc.detail)
    else:
        messages.error(request, _("Say in one line how the contact went."))
    return redirect("my-customers", code=project.code)
