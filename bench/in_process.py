"""In-process measurements through Django's test client: query counts (CaptureQueriesContext
needs the same process as the code it watches) and the test-client figure kept beside HTTP."""

from __future__ import annotations


def client(*, token_key: str | None = None, user=None):
    from django.test import Client

    c = Client(HTTP_AUTHORIZATION=f"Token {token_key}") if token_key else Client()
    if user is not None:
        c.force_login(user)
    return c


def queries_of(c, method: str, path: str, expect: int, **kwargs):
    """(number of queries, response) of one request."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        response = getattr(c, method)(path, **kwargs)
    assert response.status_code == expect, (response.status_code, response.content[:300])
    return len(queries.captured_queries), response
