from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpResponse
from django.shortcuts import redirect, render

from projects.access import projects_of
from projects.context_processors import home_url_for


@login_required
def home(request):
    project = projects_of(request.user).first()
    if project is None:
        return render(request, "no_project.html")
    url = home_url_for(request.user, project)
    if url is None:
        return render(request, "no_project.html", {"no_page_for_role": True})
    return redirect(url)


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")
