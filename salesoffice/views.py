from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.utils.translation import gettext
from django.views.defaults import page_not_found


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def not_found(request, exception):
    """An address no view answers: the API's clients read JSON errors, people read the page."""
    if request.path.startswith("/api/"):
        body = {"detail": gettext("Not found."), "code": "not_found", "fields": {}}
        return JsonResponse(body, status=404)
    return page_not_found(request, exception)
