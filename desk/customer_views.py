"""The customer's page (客户详情, UX.md §3): the verdict with its basis, the timeline."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from attribution.visibility import visible_customer
from customers import selectors
from desk import services
from desk.forms import FollowUpForm
from desk.page_presenters import timeline, verdict_card
from projects.access import has_role
from projects.pages import render_local
from projects.roles import DESK_ROLES
from salesoffice.errors import DomainError

BODY = "desk/partials/customer_body.html"
# Who records contacts with customers: the desk's people (the service checks for whom).
FOLLOW_UP_ROLES = DESK_ROLES


def follow_up_form(request, customer, verdict, data=None) -> FollowUpForm | None:
    if not has_role(request.user, *FOLLOW_UP_ROLES):
        return None
    return FollowUpForm(
        data, project=customer.project, user=request.user, owner_username=verdict.owner
    )


def customer_context(request, customer, verdict, form=None, notice: str = "") -> dict:
    project = customer.project
    return {
        "customer": customer,
        "card": verdict_card(
            customer=customer,
            verdict=verdict,
            full_view=True,
            viewer=request.user,
            tz=project.tzinfo,
        ),
        "members": list(customer.household.members.all()),
        "timeline": timeline(customer, selectors.household_links_of(customer)),
        "form": form or follow_up_form(request, customer, verdict),
        "notice": notice,
    }


@login_required
@require_GET
def customer_page(request, pk):
    customer, verdict = visible_customer(request, pk)
    context = customer_context(request, customer, verdict)
    return render_local(request, customer.project, "desk/customer.html", context)


@login_required
@require_POST
def customer_follow_up(request, pk):
    """跟进 from the customer page; the page's body comes back with the verdict it led to."""
    customer, verdict = visible_customer(request, pk)
    form = follow_up_form(request, customer, verdict, request.POST)
    if form is None:
        raise PermissionDenied
    if not form.is_valid():
        return _body(request, customer_context(request, customer, verdict, form=form))
    try:
        follow_up = services.follow_up_create(
            customer=customer,
            consultant=form.acting_consultant(),
            occurred_at=timezone.now(),
            channel=form.cleaned_data["channel"],
            note=form.cleaned_data["note"].strip(),
            acting_user=request.user,
        )
    except DomainError as exc:
        form.add_error(None, exc.detail)
        return _body(request, customer_context(request, customer, verdict, form=form))
    if not request.htmx:
        return redirect("customer", pk=customer.pk)
    customer, verdict = visible_customer(request, pk)
    return _body(
        request,
        customer_context(request, customer, verdict, notice=follow_up_notice(follow_up, verdict)),
    )


def _body(request, context: dict):
    """htmx swaps the page's body in place; a plain form post gets the whole page."""
    template = BODY if request.htmx else "desk/customer.html"
    return render_local(request, context["customer"].project, template, context)


def follow_up_notice(follow_up, verdict) -> str:
    """Only the owner's contacts keep a claim alive (A2): say so rather than let them guess."""
    if verdict.owner == follow_up.consultant.username:
        return _("Follow-up saved; it keeps the customer's protection alive.")
    return _("Follow-up saved. Only the owner's follow-ups extend the protection.")
