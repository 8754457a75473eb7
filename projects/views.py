"""Pages of the projects app: the landing page of a person's role, their notifications."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from projects.access import projects_of
from projects.context_processors import home_url_for
from projects.models import Notification
from projects.notification_texts import render as render_text
from projects.notifications import open_links


@login_required
def home(request):
    project = projects_of(request.user).first()
    if project is None:
        return render(request, "no_project.html")
    url = home_url_for(request.user, project)
    if url is None:
        return render(request, "no_project.html", {"no_page_for_role": True})
    return redirect(url)


@login_required
@require_GET
def notifications(request):
    mine = Notification.objects.filter(recipient=request.user).select_related("project")
    page = Paginator(mine.order_by("-created_at", "-id"), 50).get_page(request.GET.get("page"))
    links = open_links(request.user, list(page))
    rows = [{"n": n, "text": render_text(n), "url": links.get(n.pk)} for n in page]
    return render(request, "projects/notifications.html", {"page": page, "rows": rows})


@login_required
@require_POST
def notifications_read(request):
    Notification.objects.filter(recipient=request.user, read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("notifications")
