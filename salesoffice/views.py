from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.defaults import page_not_found

from salesoffice.errors import NotFound, error_body


def healthz(request):
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return HttpResponse("ok", content_type="text/plain")


def not_found(request, exception):
    """An address no view answers: the API's clients read JSON errors, people read the page."""
    if request.path.startswith("/api/"):
        return JsonResponse(error_body(NotFound()), status=NotFound.status_code)
    return page_not_found(request, exception)
