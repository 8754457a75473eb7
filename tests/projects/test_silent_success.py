"""Issue 19, defect 8: requests that changed nothing answered 200 as if they had. A rival's
``PATCH /api/staff/{username}/`` with no recognised field, and marking someone else's
notification read, now say what happened."""

import pytest
from django.utils import timezone

from projects.models import Notification

pytestmark = pytest.mark.django_db


class TestStaffPatchWithNothingToChange:
    def test_a_manager_is_told_there_is_nothing_to_change(self, api, mike, alice):
        for body in ({}, {"nickname": "小王"}, {"project": "HX01"}):
            response = api(mike).patch("/api/staff/alice/", body, format="json")
            assert response.status_code == 400, body
            assert response.json()["code"] == "nothing_to_change"
        assert (
            "nickname"
            in api(mike)
            .patch("/api/staff/alice/", {"nickname": "小王"}, format="json")
            .json()["fields"]
        )

    def test_a_rival_consultant_is_refused_before_anything(self, api, alice, bob):
        for body in ({}, {"claim_quota": 1}, {"active": False}):
            response = api(bob).patch("/api/staff/alice/", body, format="json")
            assert response.status_code == 403, body
            assert response.json()["code"] == "not_permitted"

    def test_a_real_change_still_answers_200(self, api, mike, alice):
        response = api(mike).patch("/api/staff/alice/", {"claim_quota": 3}, format="json")
        assert response.status_code == 200
        assert response.json()["claim_quota"] == 3


class TestMarkingANotificationRead:
    def notification(self, recipient):
        return Notification.objects.create(
            recipient=recipient, kind="daily_summary", params={}, created_at=timezone.now()
        )

    def test_another_persons_notification_is_not_found_and_stays_unread(self, api, alice, bob):
        theirs = self.notification(bob)
        response = api(alice).post(f"/api/notifications/{theirs.pk}/read/")
        assert response.status_code == 404
        theirs.refresh_from_db()
        assert theirs.read_at is None

    def test_ones_own_is_marked_once(self, api, alice):
        mine = self.notification(alice)
        assert api(alice).post(f"/api/notifications/{mine.pk}/read/").json() == {"read": 1}
        assert api(alice).post(f"/api/notifications/{mine.pk}/read/").json() == {"read": 0}
        assert api(alice).post("/api/notifications/999999/read/").status_code == 404
