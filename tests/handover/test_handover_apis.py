"""The handover over the API, end to end: a manager plans a batch and a window; the owner is
booked; qualification is refused without a certificate and taken with one; the inspection, a
defect with a photo that opens an engineering ticket, the confirmation and the keys."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from handover.certificates import certificate_issue
from tests.handover.conftest import make_unit

pytestmark = pytest.mark.django_db


def png() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, "PNG")
    return SimpleUploadedFile("leak.png", out.getvalue(), content_type="image/png")


@pytest.fixture
def planned(api, paid_contract, mike):
    unsold = make_unit(paid_contract.project, room="302")
    response = api(mike).post(
        "/api/handover-batches/",
        {"project": "HX01", "name": "1栋 第一批", "location": "交房大厅", "building": "1"},
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["skipped"] == [unsold.pk]
    assert body["documents"] == ["id_card", "contract", "payoff_certificate"]
    return body


def test_the_handover_through_the_api(api, planned, paid_contract, mike, clara, alice, fiona):
    batch, handover = planned["id"], planned["handovers"][0]
    slot = api(mike).post(
        f"/api/handover-batches/{batch}/slots/",
        {"starts_at": "2026-03-03T09:00:00", "ends_at": "2026-03-03T11:00:00", "capacity": 4},
    )
    assert slot.status_code == 201
    assert slot.json()["starts_at"] == "2026-03-03T09:00:00+08:00"
    assert api(alice).get(f"/api/handover-batches/{batch}/").json()["slots"][0]["capacity"] == 4

    booked = api(alice).post(f"/api/handovers/{handover}/appointment/", {"slot": slot.json()["id"]})
    assert booked.status_code == 201
    assert booked.json()["slot"]["booked"] in (None, 1)

    qualification = f"/api/handovers/{handover}/qualification/"
    checks = {"id_checked": True, "contract_checked": True}
    refused = api(clara).post(qualification, checks)
    assert (refused.status_code, refused.json()["code"]) == (409, "payoff_required")
    certificate = certificate_issue(contract=paid_contract, acting_user=fiona)
    qualified = api(clara).post(qualification, checks).json()
    assert qualified["qualification"]["certificate"] == certificate.number
    assert [s["done"] for s in qualified["checklist"]] == [True, False, False, False]

    inspection = api(alice).post(f"/api/handovers/{handover}/inspections/", {"note": "业主到场"})
    assert inspection.status_code == 201
    defect = api(alice).post(
        f"/api/inspections/{inspection.json()['inspection']}/defects/",
        {
            "location": "卫生间",
            "description": "天花板渗水",
            "severity": "major",
            "photo": png(),
            "ticket_category": "engineering",
        },
        format="multipart",
    )
    assert defect.status_code == 201, defect.json()
    assert defect.json()["ticket"].startswith("SH") and defect.json()["photo"] is True

    too_early = api(alice).post(
        f"/api/handovers/{handover}/keys/", {"key_count": 2, "received_by": "赵敏"}
    )
    assert (too_early.status_code, too_early.json()["code"]) == (409, "confirmation_required")
    signed = api(alice).post(f"/api/handovers/{handover}/confirmation/", {"signed_by": "赵敏"})
    assert signed.json()["confirmation"]["signed_by"] == "赵敏"
    keys = api(alice).post(
        f"/api/handovers/{handover}/keys/", {"key_count": 2, "received_by": "赵敏"}
    )
    assert keys.status_code == 201
    body = keys.json()
    assert len(body["visits"]) == 4 and body["visits_refused"] == ""
    assert all(s["done"] for s in body["checklist"])
    assert api(alice).get(f"/api/handovers/{handover}/").json()["keys"]["key_count"] == 2


def test_planning_is_a_managers(api, paid_contract, alice):
    response = api(alice).post(
        "/api/handover-batches/",
        {"project": "HX01", "name": "一批", "location": "大厅", "building": "1"},
    )
    assert (response.status_code, response.json()["code"]) == (403, "not_permitted")


def test_another_consultant_does_not_work_on_the_handover(api, planned, bob):
    handover = planned["handovers"][0]
    assert api(bob).get(f"/api/handovers/{handover}/").status_code == 403


def test_a_bad_photo_is_400_with_a_code(api, planned, paid_contract, fiona, clara, alice):
    handover = planned["handovers"][0]
    certificate_issue(contract=paid_contract, acting_user=fiona)
    api(clara).post(
        f"/api/handovers/{handover}/qualification/", {"id_checked": True, "contract_checked": True}
    )
    inspection = api(alice).post(f"/api/handovers/{handover}/inspections/", {}).json()
    response = api(alice).post(
        f"/api/inspections/{inspection['inspection']}/defects/",
        {
            "location": "厨房",
            "description": "x",
            "severity": "minor",
            "photo": SimpleUploadedFile("x.jpg", b"GIF89a not really"),
        },
        format="multipart",
    )
    assert (response.status_code, response.json()["code"]) == (400, "photo_invalid")


def test_the_schema_documents_the_endpoints(api, mike):
    schema = api(mike).get("/api/schema/", HTTP_ACCEPT="application/json").json()
    for path in (
        "/api/contracts/{id}/payoff-certificate/",
        "/api/certificates/{number}/revoke/",
        "/api/handovers/{id}/keys/",
        "/api/inspections/{id}/defects/",
    ):
        assert path in schema["paths"], path
