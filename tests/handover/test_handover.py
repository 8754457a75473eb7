"""A unit's handover (seeds 000 and 002): a batch of a building with its notice and windows,
the owner's appointment (capacity), move-in qualification only with a valid payoff
certificate, the inspection with defects (each may open an engineering ticket through
after-sales), the signed confirmation, and the keys: the unit is handed over and the follow-up
visits are scheduled. Every step is an append-only row with who and when."""

from __future__ import annotations

import io
from datetime import datetime, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from PIL import Image

from aftersales.models import Origin, Ticket, Visit
from handover.appointments import appointment_book, notice_record
from handover.batches import BatchInput, SlotInput, batch_create, slot_create
from handover.certificates import certificate_issue, certificate_revoke
from handover.inspections import DefectInput, defect_record, inspection_record
from handover.keys import confirmation_sign, keys_hand_over
from handover.models import (
    Appointment,
    HandoverNotice,
    Inspection,
    KeyHandover,
    MoveInQualification,
    SlotBooking,
    UnitHandover,
)
from handover.qualification import qualification_record
from handover.selectors import progress_of
from orders.models import Unit, UnitStatus
from salesoffice.errors import Conflict, DomainError, NotPermitted
from tests.handover.conftest import SH, make_contract, make_unit, pay, pay_off

pytestmark = pytest.mark.django_db


def jpeg(name="crack.jpg") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "gray").save(out, "JPEG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def plan(project, mike, **fields):
    data = BatchInput(
        name=fields.pop("name", "1栋 第一批"),
        location=fields.pop("location", "售楼处二楼交房大厅"),
        building=fields.pop("building", "1"),
        **fields,
    )
    return batch_create(project=project, data=data, acting_user=mike)


def window(batch, mike, day=3, hour=9, capacity=2):
    starts = datetime(2026, 3, day, hour, 0, tzinfo=SH)
    return slot_create(
        batch=batch,
        data=SlotInput(starts, starts + timedelta(hours=2), capacity),
        acting_user=mike,
    )


@pytest.fixture
def handover(paid_contract, project, mike):
    return plan(project, mike).handovers[0]


def qualify(handover, acting_user, **checks):
    """The move-in qualification with both checks made, unless ``checks`` says otherwise."""
    flags = {"id_checked": True, "contract_checked": True, **checks}
    return qualification_record(handover=handover, note="", acting_user=acting_user, **flags)


@pytest.fixture
def qualified(handover, certificate, clara):
    qualify(handover, clara)
    return handover


@pytest.fixture
def inspected(qualified, alice):
    inspection_record(handover=qualified, note="业主到场验房", acting_user=alice)
    return qualified


@pytest.fixture
def confirmed(inspected, alice):
    confirmation_sign(handover=inspected, signed_by="赵敏", note="", acting_user=alice)
    return inspected


class TestBatches:
    def test_a_building_batch_takes_every_unit_with_a_live_contract(
        self, project, alice, mike, clock
    ):
        contracts = [
            make_contract(project, alice, room=room, phone=f"1380000010{i}")
            for i, room in enumerate(("101", "102"))
        ]
        unsold = make_unit(project, room="103")
        make_contract(project, alice, room="201", building="2", phone="13800000201")

        result = plan(project, mike, documents=("id_card", "contract", "payoff_certificate"))

        assert sorted(h.contract_id for h in result.handovers) == sorted(c.pk for c in contracts)
        assert result.skipped == [unsold]
        assert result.batch.documents == ["id_card", "contract", "payoff_certificate"]
        assert all(h.customer == h.contract.subscription.customer for h in result.handovers)

    def test_a_unit_already_in_a_batch_is_skipped_by_the_next(self, handover, project, mike):
        again = plan(project, mike, name="补充批次")
        assert again.handovers == []
        assert again.skipped == [handover.unit]

    @pytest.mark.parametrize(
        ("fields", "code"),
        [
            ({"name": " "}, "name_required"),
            ({"location": ""}, "location_required"),
            ({"documents": ("id_card", "passport")}, "unknown_document"),
            ({"building": ""}, "units_required"),
        ],
    )
    def test_a_batch_needs_a_name_a_place_known_documents_and_units(
        self, project, mike, fields, code
    ):
        with pytest.raises(DomainError) as refused:
            plan(project, mike, **fields)
        assert refused.value.code == code

    @pytest.mark.parametrize("who", ["alice", "clara", "fiona"])
    def test_only_a_manager_plans(self, request, project, who):
        with pytest.raises(NotPermitted):
            plan(project, request.getfixturevalue(who))

    def test_windows_end_after_they_start_and_hold_at_least_one(self, handover, mike):
        starts = datetime(2026, 3, 3, 9, tzinfo=SH)
        for ends, capacity, code in (
            (starts, 5, "slot_order"),
            (starts + timedelta(hours=1), 0, "capacity_invalid"),
        ):
            with pytest.raises(DomainError) as refused:
                slot_create(
                    batch=handover.batch,
                    data=SlotInput(starts, ends, capacity),
                    acting_user=mike,
                )
            assert refused.value.code == code
        window(handover.batch, mike)
        with pytest.raises(Conflict) as twice:
            window(handover.batch, mike)
        assert twice.value.code == "slot_exists"


class TestAppointments:
    def test_booking_moving_and_cancelling_are_events_and_the_booking_follows(
        self, handover, mike, alice
    ):
        first, second = window(handover.batch, mike), window(handover.batch, mike, hour=14)

        appointment_book(handover=handover, slot=first, acting_user=alice)
        appointment_book(handover=handover, slot=second, acting_user=alice)
        assert SlotBooking.objects.get(handover=handover).slot == second
        appointment_book(handover=handover, slot=None, acting_user=alice)

        assert not SlotBooking.objects.exists()
        events = list(Appointment.objects.filter(handover=handover).order_by("id"))
        assert [e.slot for e in events] == [first, second, None]
        assert all(e.entered_by == alice for e in events)

    def test_a_full_window_refuses_the_next_owner(self, project, alice, mike, clock):
        contracts = [
            make_contract(project, alice, room=room, phone=f"1380000020{i}")
            for i, room in enumerate(("101", "102"))
        ]
        handovers = plan(project, mike).handovers
        slot = window(handovers[0].batch, mike, capacity=1)
        appointment_book(handover=handovers[0], slot=slot, acting_user=alice)

        with pytest.raises(Conflict) as refused:
            appointment_book(handover=handovers[1], slot=slot, acting_user=alice)

        assert refused.value.code == "slot_full"
        assert len(contracts) == SlotBooking.objects.count() + 1

    def test_a_past_window_and_the_same_window_twice_are_refused(
        self, handover, mike, alice, clock
    ):
        slot = window(handover.batch, mike, day=3)
        appointment_book(handover=handover, slot=slot, acting_user=alice)
        with pytest.raises(Conflict) as twice:
            appointment_book(handover=handover, slot=slot, acting_user=alice)
        assert twice.value.code == "already_booked"
        clock.move_to(datetime(2026, 3, 4, 9, tzinfo=SH), tick=False)
        later = window(handover.batch, mike, day=3, hour=15)
        with pytest.raises(Conflict) as past:
            appointment_book(handover=handover, slot=later, acting_user=alice)
        assert past.value.code == "slot_past"

    def test_a_notice_is_recorded_with_its_channel(self, handover, clara):
        notice_record(handover=handover, channel="sms", note="", acting_user=clara)
        notice = HandoverNotice.objects.get()
        assert (notice.channel, notice.entered_by) == ("sms", clara)

    def test_another_consultant_cannot_work_on_alices_customer(self, handover, bob):
        with pytest.raises(NotPermitted):
            notice_record(handover=handover, channel="phone", note="", acting_user=bob)


class TestQualification:
    def test_requires_a_payoff_certificate(self, handover, clara):
        with pytest.raises(Conflict) as refused:
            qualify(handover, clara)
        assert refused.value.code == "payoff_required"
        assert not MoveInQualification.objects.exists()

    def test_a_revoked_certificate_does_not_qualify(self, handover, certificate, mike, clara):
        certificate_revoke(certificate=certificate, reason="作废", acting_user=mike)
        with pytest.raises(Conflict) as refused:
            qualify(handover, clara)
        assert refused.value.code == "payoff_required"

    def test_a_valid_certificate_qualifies_and_is_recorded(self, qualified, certificate, clara):
        qualification = MoveInQualification.objects.get(handover=qualified)
        assert (qualification.certificate, qualification.entered_by) == (certificate, clara)
        assert progress_of(UnitHandover.objects.get(pk=qualified.pk)).qualified

    def test_a_refund_after_the_certificate_blocks_it(self, handover, certificate, clara):
        pay(handover.contract, "-1000.00", kind="refund")
        with pytest.raises(Conflict) as refused:
            qualify(handover, clara)
        assert refused.value.code == "not_paid_off"

    def test_the_id_and_the_contract_must_be_checked(self, handover, certificate, clara):
        with pytest.raises(DomainError) as refused:
            qualify(handover, clara, contract_checked=False)
        assert refused.value.code == "checks_required"

    def test_a_consultant_does_not_qualify(self, handover, certificate, alice):
        with pytest.raises(NotPermitted):
            qualify(handover, alice)

    def test_only_once(self, qualified, clara):
        with pytest.raises(Conflict) as twice:
            qualify(qualified, clara)
        assert twice.value.code == "already_qualified"


class TestInspection:
    def test_comes_after_the_qualification(self, handover, alice):
        with pytest.raises(Conflict) as refused:
            inspection_record(handover=handover, note="", acting_user=alice)
        assert refused.value.code == "qualification_required"

    def test_a_defect_with_a_department_opens_its_ticket_through_after_sales(
        self, inspected, alice
    ):
        inspection = Inspection.objects.get(handover=inspected)
        result = defect_record(
            inspection=inspection,
            data=DefectInput(
                location="主卧",
                description="墙面裂缝约30厘米",
                severity="major",
                photo=jpeg(),
                ticket_category="engineering",
            ),
            acting_user=alice,
        )

        ticket = Ticket.objects.get()
        assert ticket == result.ticket
        assert (ticket.source, ticket.source_id) == ("handover.defect", result.defect.pk)
        assert (ticket.origin, ticket.category, ticket.state) == (
            Origin.DEFECT,
            "engineering",
            "routed",
        )
        assert (ticket.customer, ticket.unit) == (inspected.customer, inspected.unit)
        assert ticket.title == "主卧:墙面裂缝约30厘米"
        assert result.defect.photo.read(2) == b"\xff\xd8"

    def test_a_defect_without_a_department_opens_no_ticket(self, inspected, alice):
        result = defect_record(
            inspection=Inspection.objects.get(handover=inspected),
            data=DefectInput("厨房", "水龙头松动", "minor"),
            acting_user=alice,
        )
        assert result.ticket is None and not Ticket.objects.exists()

    def test_a_file_that_is_no_photo_is_refused_and_nothing_is_kept(self, inspected, alice):
        fake = SimpleUploadedFile("crack.jpg", b"<script>not an image</script>")
        with pytest.raises(DomainError) as refused:
            defect_record(
                inspection=Inspection.objects.get(handover=inspected),
                data=DefectInput("厨房", "水龙头松动", "minor", photo=fake),
                acting_user=alice,
            )
        assert refused.value.code == "photo_invalid"
        assert not inspected.defects.exists()

    @pytest.mark.parametrize(
        ("fields", "code"),
        [
            ({"location": ""}, "location_required"),
            ({"description": " "}, "description_required"),
            ({"severity": "cosmetic"}, "unknown_severity"),
            ({"ticket_category": "legal"}, "unknown_category"),
        ],
    )
    def test_a_defect_needs_where_what_and_how_serious(self, inspected, alice, fields, code):
        values = {"location": "厨房", "description": "渗水", "severity": "minor", **fields}
        with pytest.raises(DomainError) as refused:
            defect_record(
                inspection=Inspection.objects.get(handover=inspected),
                data=DefectInput(**values),
                acting_user=alice,
            )
        assert refused.value.code == code

    def test_no_defect_after_the_owner_signed(self, confirmed, alice):
        with pytest.raises(Conflict) as refused:
            defect_record(
                inspection=Inspection.objects.get(handover=confirmed),
                data=DefectInput("厨房", "渗水", "minor"),
                acting_user=alice,
            )
        assert refused.value.code == "already_confirmed"


class TestConfirmationAndKeys:
    def test_confirmation_comes_after_an_inspection(self, qualified, alice):
        with pytest.raises(Conflict) as refused:
            confirmation_sign(handover=qualified, signed_by="赵敏", note="", acting_user=alice)
        assert refused.value.code == "inspection_required"

    def test_keys_come_after_the_signed_confirmation(self, inspected, alice):
        with pytest.raises(Conflict) as refused:
            keys_hand_over(
                handover=inspected, key_count=2, received_by="赵敏", note="", acting_user=alice
            )
        assert refused.value.code == "confirmation_required"

    def test_keys_hand_the_unit_over_and_schedule_the_visits(self, confirmed, alice, clock):
        result = keys_hand_over(
            handover=confirmed, key_count=3, received_by="赵敏", note="", acting_user=alice
        )

        keys = KeyHandover.objects.get()
        assert (keys.key_count, keys.received_by, keys.entered_by) == (3, "赵敏", alice)
        assert keys.entered_at == timezone.now()
        unit = Unit.objects.get(pk=confirmed.unit_id)
        assert unit.status == UnitStatus.HANDED_OVER
        assert unit.history.first().status == UnitStatus.HANDED_OVER
        visits = Visit.objects.filter(customer=confirmed.customer, unit=unit)
        assert visits.count() == len(result.visits) == 4
        assert {v.consultant for v in visits} == {alice}
        assert result.visits_refused == ""

    def test_nothing_more_after_the_keys(self, confirmed, alice):
        keys_hand_over(
            handover=confirmed, key_count=2, received_by="赵敏", note="", acting_user=alice
        )
        with pytest.raises(Conflict) as refused:
            keys_hand_over(
                handover=confirmed, key_count=2, received_by="赵敏", note="", acting_user=alice
            )
        assert refused.value.code == "already_handed_over"

    @pytest.mark.parametrize(
        ("count", "receiver", "code"),
        [(0, "赵敏", "key_count_invalid"), (2, " ", "receiver_required")],
    )
    def test_keys_need_a_count_and_a_receiver(self, confirmed, alice, count, receiver, code):
        with pytest.raises(DomainError) as refused:
            keys_hand_over(
                handover=confirmed,
                key_count=count,
                received_by=receiver,
                note="",
                acting_user=alice,
            )
        assert refused.value.code == code


class TestTheLedger:
    def test_each_step_is_an_append_only_row_with_who_and_when(self, confirmed, alice, clara):
        keys_hand_over(
            handover=confirmed, key_count=2, received_by="赵敏", note="", acting_user=alice
        )
        rows = [
            UnitHandover.objects.get(pk=confirmed.pk),
            MoveInQualification.objects.get(),
            Inspection.objects.get(),
            confirmed.confirmation,
            KeyHandover.objects.get(),
        ]
        assert all(r.entered_at and r.entered_by for r in rows)
        for row in rows:
            with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cur:
                cur.execute(
                    f'UPDATE "{row._meta.db_table}" SET entered_at = now() WHERE id = %s', [row.pk]
                )


def test_the_whole_flow_from_unpaid_to_handed_over(project, alice, clara, fiona, mike, clock):
    contract = make_contract(project, alice, room="601", phone="13900000601")
    handover = plan(project, mike).handovers[0]
    with pytest.raises(Conflict):
        certificate_issue(contract=contract, acting_user=fiona)
    pay_off(contract, by=fiona)
    certificate_issue(contract=contract, acting_user=fiona)
    qualify(handover, clara)
    inspection_record(handover=handover, note="", acting_user=alice)
    confirmation_sign(handover=handover, signed_by="赵敏", note="", acting_user=alice)
    keys_hand_over(handover=handover, key_count=2, received_by="赵敏", note="", acting_user=alice)
    progress = progress_of(UnitHandover.objects.get(pk=handover.pk))
    assert (progress.qualified, progress.inspected, progress.confirmed, progress.keys) == (
        True,
        True,
        True,
        True,
    )
    assert Unit.objects.get(pk=handover.unit_id).status == UnitStatus.HANDED_OVER


class TestCustomerTimeline:
    def test_the_certificate_and_the_keys_are_on_the_owners_page(
        self, client, confirmed, alice, clock
    ):
        keys_hand_over(
            handover=confirmed, key_count=2, received_by="赵敏", note="", acting_user=alice
        )
        client.force_login(alice)

        page = client.get(f"/customers/{confirmed.customer_id}/").content.decode()

        certificate = confirmed.contract.payoff_certificates.get()
        assert 'data-testid="timeline-certificate"' in page and certificate.number in page
        assert 'data-testid="timeline-handover"' in page
