"""Server-rendered pages; the front desk, daily sheet and customer page are built on these."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from customers import sheet_views
from projects.access import project_for


@login_required
def desk(request, code):
    project = project_for(request.user, code)
    return render(request, "customers/desk.html", {"project": project})


@login_required
def sheet(request, code):
    project = sheet_views.office_project(request, code)
    return render(request, "customers/sheet.html", sheet_views.sheet_context(project))


@login_required
def customer_page(request, pk):
    return render(request, "customers/customer.html", {})
