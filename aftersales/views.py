"""The after-sales pages: the departments' queues, a ticket with its history and the moves the
viewer may make (htmx forms), a new ticket from the customer page, and a consultant's visits."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from aftersales import flow, selectors, services
from aftersales.forms import MoveForm, TicketForm, VisitOutcomeForm, move_panels
from aftersales.models import Category, TicketState
from aftersales.presenters import row_summary
from attribution.visibility import visible_customer
from orders.models import Unit
from projects.access import has_role
from projects.pages import first_error, or_404, page_project, render_local
from projects.roles import Role
from salesoffice.errors import DomainError

PAGE_SIZE = 50
TICKET_ROLES = (
    Role.CONSULTANT,
    Role.CLERK,
    Role.MANAGER,
    Role.FINANCE,
    Role.ENGINEERING,
    Role.PROPERTY,
)
VISIT_ROLES = (Role.CONSULTANT, Role.MANAGER)
# Who may follow a ticket to the customer's page (the departments see the ticket, not the file).
CUSTOMER_PAGE_ROLES = (Role.CONSULTANT, Role.CLERK, Role.MANAGER, Role.FINANCE)
BODY = "aftersales/partials/ticket_body.html"


# -- queues ------------------------------------------------------------------------------------


def _wanted(request, user) -> selectors.QueueFilter:
    """The filters asked for; a department's staff always see their own queue."""
    own = selectors.default_queue(user)
    try:
        return selectors.queue_filter(
            queue=own or request.GET.get("queue", ""),
            state=request.GET.get("state", ""),
            overdue=request.GET.get("overdue") == "1",
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return selectors.queue_filter(queue=own)


@login_required
@require_GET
def tickets_page(request, code):
    project = page_project(request, code, TICKET_ROLES)
    now = timezone.now()
    wanted = _wanted(request, request.user)
    tickets = selectors.queue_of(request.user, project, wanted, now)
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"ticket": t, "late": flow.overdue(row_summary(t), now)} for t in page]
    context = {
        "page": page,
        "rows": rows,
        "wanted": wanted,
        "queues": Category.choices,
        "choose_queue": not selectors.default_queue(request.user),
        "states": TicketState.choices,
    }
    return render_local(request, project, "aftersales/tickets.html", context)


# -- one ticket --------------------------------------------------------------------------------


def _visible_ticket(request, pk: int):
    return or_404(selectors.ticket_for, request.user, pk)


def ticket_context(request, ticket, form=None, failed: str = "", error: str = "") -> dict:
    view = selectors.ticket_view(ticket, request.user, timezone.now())
    return {
        "view": view,
        "ticket": ticket,
        "panels": move_panels(view.actions),
        "categories": Category.choices,
        "form": form,
        "failed": failed,  # the move whose panel shows ``error``
        "error": error,
        "today": timezone.localdate(timezone=ticket.project.tzinfo),
        "customer_link": has_role(request.user, *CUSTOMER_PAGE_ROLES),
    }


@login_required
@require_GET
def ticket_page(request, pk):
    ticket = _visible_ticket(request, pk)
    return render_local(
        request, ticket.project, "aftersales/ticket.html", ticket_context(request, ticket)
    )


@login_required
@require_POST
def ticket_move_page(request, pk):
    """A move from the ticket page: htmx swaps the ticket's body, a plain post comes back."""
    ticket = _visible_ticket(request, pk)
    form = MoveForm(request.POST)
    action = request.POST.get("action", "")
    if not form.is_valid():
        return _answer(request, ticket, action, first_error(form), form)
    try:
        services.ticket_move(ticket=ticket, move=form.move(), acting_user=request.user)
    except DomainError as exc:
        return _answer(request, ticket, action, exc.detail, form)
    if not request.htmx:
        return redirect("ticket", pk=ticket.pk)
    return _answer(request, _visible_ticket(request, pk), "", "")


def _answer(request, ticket, action: str, error: str, form=None):
    if not request.htmx:
        messages.error(request, error)
        return redirect("ticket", pk=ticket.pk)
    context = ticket_context(request, ticket, form=form, failed=action, error=error)
    return render_local(request, ticket.project, BODY, context)


# -- a new ticket from the customer page -------------------------------------------------------


def _owner_units(customer):
    """The units the customer's household bought (read from the deals; none is fine)."""
    return Unit.objects.filter(
        project=customer.project, subscriptions__customer__household=customer.household
    ).distinct()


@login_required
@require_http_methods(["GET", "POST"])
def ticket_new_page(request, pk):
    customer, _verdict = visible_customer(request, pk)
    if not services.may_open_for(request.user, customer):
        raise PermissionDenied
    units = _owner_units(customer)
    form = TicketForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        try:
            ticket = services.ticket_open(
                data=services.TicketInput(customer=customer, **form.cleaned_data),
                acting_user=request.user,
            )
        except DomainError as exc:
            form.add_error(None, exc.detail)
        else:
            messages.success(request, _("Ticket %(number)s opened.") % {"number": ticket.number})
            return redirect("ticket", pk=ticket.pk)
    context = {"customer": customer, "form": form}
    return render_local(request, customer.project, "aftersales/ticket_new.html", context)


# -- follow-up visits --------------------------------------------------------------------------


@login_required
@require_GET
def visits_page(request, code):
    """回访: a consultant's open visits by due day (due ones first marked), or the recorded."""
    project = page_project(request, code, VISIT_ROLES)
    show = request.GET.get("show", selectors.VISITS_OPEN)
    if show not in (selectors.VISITS_OPEN, selectors.VISITS_RECORDED):
        show = selectors.VISITS_OPEN
    now = timezone.now()
    visits = selectors.visits_of(request.user, project, show, now)
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "show": show,
        "categories": Category.choices,
        "manager": has_role(request.user, Role.MANAGER),
    }
    return render_local(request, project, "aftersales/visits.html", context)


@login_required
@require_POST
def visit_outcome_page(request, pk):
    visit = or_404(selectors.visit_for, request.user, pk)
    form = VisitOutcomeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose how the visit went."))
        return redirect("visits", code=visit.project.code)
    try:
        visit = services.visit_record(visit=visit, acting_user=request.user, **form.cleaned_data)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("visits", code=visit.project.code)
    if visit.ticket_id:
        messages.success(request, _("Visit recorded; a ticket was opened for the issue."))
        return redirect("ticket", pk=visit.ticket_id)
    messages.success(request, _("Visit to %(name)s recorded.") % {"name": visit.customer.name})
    return redirect("visits", code=visit.project.code)
