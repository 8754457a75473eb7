"""Issue 19, defect 9: the schema tells the truth about the answers every view shares."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db

WRITES = ("post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def operations():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return [
        (path, method, operation)
        for path, item in schema["paths"].items()
        for method, operation in item.items()
    ]


def test_every_operation_documents_the_refusals_it_shares(operations):
    undocumented = []
    for path, method, operation in operations:
        codes = set(operation["responses"])
        expected = {"400", "404"}
        if method in WRITES:
            expected |= {"409", "415"}
        if not expected <= codes:
            undocumented.append((method, path, sorted(expected - codes)))
    assert undocumented == []


def test_every_authenticated_operation_documents_401_and_403(operations):
    public = {"/api/auth/token/"}
    undocumented = [
        (method, path)
        for path, method, operation in operations
        if path not in public and not {"401", "403"} <= set(operation["responses"])
    ]
    assert undocumented == []


def test_refusals_are_described_as_the_error_shape(operations):
    for path, method, operation in operations:
        for code in ("401", "403", "404"):
            if code in operation["responses"]:
                content = operation["responses"][code]["content"]["application/json"]
                assert content["schema"]["$ref"].endswith("/ErrorOutput"), (method, path, code)


def test_project_list_is_documented_as_a_list(operations):
    (listing,) = [o for p, m, o in operations if p == "/api/projects/" and m == "get"]
    assert listing["responses"]["200"]["content"]["application/json"]["schema"]["type"] == "array"


def test_bad_credentials_are_401_with_a_challenge(api):
    answer = api().get("/api/projects/", HTTP_AUTHORIZATION="Token not-a-token")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"
    assert answer.json()["code"] == "authentication_failed"


def test_no_credentials_are_401_with_a_challenge(api):
    answer = api().get("/api/projects/")
    assert answer.status_code == 401
    assert answer["WWW-Authenticate"] == "Token"


def test_an_address_no_api_view_answers_is_a_json_404(api, alice):
    answer = api(alice).get("/api/projects/not%20a%20code%2C/rotation/next/")
    assert answer.status_code == 404
    assert answer["Content-Type"] == "application/json"
    assert answer.json()["code"] == "not_found"


def test_a_page_no_view_answers_stays_a_page(client):
    answer = client.get("/no-such-page/")
    assert answer.status_code == 404
    assert answer["Content-Type"].startswith("text/html")
