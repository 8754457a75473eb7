"""After the sale: the handover of the two paid-off units and the owners' after-sales tickets.

C1's owner came in the first window: qualified with the payoff certificate, inspected with
their consultant (a wall crack opened an engineering ticket, now costed, approved and promised),
signed and took the keys, which scheduled the follow-up visits; the first visit found a door
lock for the property company. C2's owner is booked into a window a few days ahead. Two more
tickets: a question answered and closed, and a complaint waiting for the manager to route it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from aftersales.models import Origin, Visit
from aftersales.services import MoveInput, TicketInput, ticket_move, ticket_open, visit_record
from demo.clock import Calendar
from demo.office import Office, Step
from demo.sales import Deal
from demo.staff import CLERKS, ENGINEER, FINANCE, MANAGER, PROPERTY
from handover.appointments import appointment_book, notice_record
from handover.batches import BatchInput, SlotInput, batch_create, slot_create
from handover.inspections import DefectInput, defect_record, inspection_record
from handover.keys import confirmation_sign, keys_hand_over
from handover.models import AppointmentSlot, Inspection, Severity, UnitHandover
from handover.qualification import qualification_record

CLERK = CLERKS[1]


def handover_of(office: Office, unit: str) -> UnitHandover:
    return UnitHandover.objects.get(unit=office.unit(unit))


@dataclass(frozen=True)
class BatchStep(Step):
    name: str
    location: str
    units: tuple[str, ...]
    notice: str
    windows: tuple[tuple[datetime, datetime], ...]

    def apply(self, office: Office) -> None:
        manager = office.user(MANAGER)
        data = BatchInput(
            name=self.name,
            location=self.location,
            units=tuple(office.unit(u) for u in self.units),
            notice=self.notice,
        )
        batch = batch_create(project=office.project, data=data, acting_user=manager).batch
        for starts, ends in self.windows:
            slot_create(batch=batch, data=SlotInput(starts, ends, 8), acting_user=manager)


@dataclass(frozen=True)
class AppointmentStep(Step):
    """The owner told (notice) and booked into the window starting at ``window``."""

    unit: str
    channel: str
    window: datetime

    def apply(self, office: Office) -> None:
        handover, clerk = handover_of(office, self.unit), office.user(CLERK)
        notice_record(
            handover=handover,
            channel=self.channel,
            note="已告知交房时间、地点及需携带的材料",
            acting_user=clerk,
        )
        slot = AppointmentSlot.objects.get(batch=handover.batch, starts_at=self.window)
        appointment_book(handover=handover, slot=slot, acting_user=clerk)


@dataclass(frozen=True)
class HandoverStep(Step):
    """One step of the owner's handover day: qualify, inspect, confirm or keys."""

    unit: str
    action: str
    by: str
    signer: str = ""

    def apply(self, office: Office) -> None:
        handover, user = handover_of(office, self.unit), office.user(self.by)
        if self.action == "qualify":
            qualification_record(
                handover=handover,
                id_checked=True,
                contract_checked=True,
                note="核对身份证、购房合同及房款付清证明原件",
                acting_user=user,
            )
        elif self.action == "inspect":
            inspection_record(handover=handover, note="顾问陪同业主验房", acting_user=user)
        elif self.action == "confirm":
            confirmation_sign(
                handover=handover,
                signed_by=self.signer,
                note="墙面裂缝由工程部限期维修",
                acting_user=user,
            )
        else:
            keys_hand_over(
                handover=handover,
                key_count=4,
                received_by=self.signer,
                note="入户门钥匙3把、信箱钥匙1把",
                acting_user=user,
            )


@dataclass(frozen=True)
class DefectStep(Step):
    unit: str
    by: str
    location: str
    description: str
    severity: str
    ticket_category: str = ""
    ticket: str = ""  # the name the ticket it opens is kept under

    def apply(self, office: Office) -> None:
        handover = handover_of(office, self.unit)
        inspection = Inspection.objects.filter(handover=handover).latest("entered_at")
        result = defect_record(
            inspection=inspection,
            data=DefectInput(
                self.location, self.description, self.severity, None, self.ticket_category
            ),
            acting_user=office.user(self.by),
        )
        if self.ticket:
            office.keep(self.ticket, result.ticket)


@dataclass(frozen=True)
class VisitStep(Step):
    """The consultant's follow-up visit ``offset`` days after the keys, with its outcome."""

    unit: str
    offset: int
    outcome: str
    note: str
    category: str = ""
    ticket: str = ""

    def apply(self, office: Office) -> None:
        visit = Visit.objects.get(unit=office.unit(self.unit), offset_days=self.offset)
        visit = visit_record(
            visit=visit,
            outcome=self.outcome,
            note=self.note,
            category=self.category,
            acting_user=visit.consultant,
        )
        if self.ticket:
            office.keep(self.ticket, visit.ticket)


@dataclass(frozen=True)
class TicketOpenStep(Step):
    ticket: str
    phone: str
    by: str
    title: str
    description: str
    origin: str
    category: str = ""
    unit: str = ""

    def apply(self, office: Office) -> None:
        data = TicketInput(
            customer=office.customer(self.phone),
            title=self.title,
            description=self.description,
            origin=self.origin,
            category=self.category,
            unit=office.unit(self.unit) if self.unit else None,
        )
        office.keep(self.ticket, ticket_open(data=data, acting_user=office.user(self.by)))


@dataclass(frozen=True)
class TicketMoveStep(Step):
    ticket: str
    action: str
    by: str
    note: str = ""
    amount: Decimal | None = None
    deadline: date | None = None
    rating: int | None = None

    def apply(self, office: Office) -> None:
        move = MoveInput(self.action, self.note, self.amount, self.deadline, self.rating)
        ticket_move(ticket=office.ref(self.ticket), move=move, acting_user=office.user(self.by))


def plan_aftercare(cal: Calendar, deals: dict[str, Deal]) -> list[Step]:
    return [
        *handover_day(cal, deals["C1"], deals["C2"]),
        *defect_ticket(cal),
        *lock_ticket(cal, deals["C1"]),
        *question_ticket(cal, deals["C2"]),
        TicketOpenStep(
            cal.at(1, "16:00"),
            "T4",
            deals["C4"].phone,
            CLERK,
            "反映夜间施工噪音影响休息",
            "业主来电：二期工地晚上十点后仍在施工，噪音很大，希望协调。",
            Origin.COMPLAINT,
        ),
    ]


def handover_day(cal: Calendar, first: Deal, second: Deal) -> list[Step]:
    came = cal.later(12, "09:00")
    ahead = cal.later(-3, "09:00")  # a window still to come
    windows = tuple((start, start + timedelta(hours=3)) for start in (came, ahead))
    owner, signer = first.owner, first.name

    def at(hhmm: str) -> datetime:
        return cal.at(12, hhmm)

    return [
        BatchStep(
            cal.at(15, "10:00"),
            "1栋、2栋首批交房",
            "售楼处二楼交房中心",
            (first.address, second.address),
            "请业主携带身份证、购房合同及房款付清证明原件，按预约时段到场办理。",
            windows,
        ),
        AppointmentStep(cal.at(15, "14:00"), first.address, "phone", came),
        HandoverStep(at("09:20"), first.address, "qualify", CLERK),
        HandoverStep(at("09:35"), first.address, "inspect", owner),
        DefectStep(
            at("09:50"),
            first.address,
            owner,
            "客厅",
            "客厅东侧墙面有一条约40厘米的裂缝",
            Severity.MAJOR,
            ticket_category="engineering",
            ticket="T1",
        ),
        DefectStep(at("10:00"), first.address, owner, "主卧", "窗框密封条局部脱落", Severity.MINOR),
        HandoverStep(at("10:20"), first.address, "confirm", CLERK, signer),
        HandoverStep(at("10:30"), first.address, "keys", CLERK, signer),
        AppointmentStep(cal.at(9, "10:00"), second.address, "sms", ahead),
    ]


def defect_ticket(cal: Calendar) -> list[Step]:
    """The wall crack: engineering proposes with its estimate, finance costs it, the manager
    approves and promises the owner a day (still ahead)."""
    promised = cal.day(-2)
    return [
        TicketMoveStep(
            cal.at(10, "11:00"),
            "T1",
            "propose",
            ENGINEER,
            "重新批嵌墙面并刷漆，工期2天",
            amount=Decimal("1200.00"),
        ),
        TicketMoveStep(
            cal.at(9, "15:00"), "T1", "cost", FINANCE, "按维修单价核定", amount=Decimal("1150.00")
        ),
        TicketMoveStep(cal.at(8, "10:00"), "T1", "approve", MANAGER),
        TicketMoveStep(
            cal.at(8, "10:30"),
            "T1",
            "feedback",
            MANAGER,
            f"已电话告知业主：工程部将于{promised.month}月{promised.day}日前完成维修",
            deadline=promised,
        ),
    ]


def lock_ticket(cal: Calendar, deal: Deal) -> list[Step]:
    """The 7-day visit after the keys finds a lock for the property company to fix."""
    return [
        VisitStep(
            cal.at(5, "15:00"),
            deal.address,
            7,
            "issue",
            "业主反馈入户门锁偶尔卡顿，需物业上门调试",
            category="property",
            ticket="T2",
        ),
        TicketMoveStep(
            cal.at(4, "10:00"),
            "T2",
            "propose",
            PROPERTY,
            "物业维修工已与业主约定周六上门更换锁芯，费用由物业承担",
        ),
    ]


def question_ticket(cal: Calendar, deal: Deal) -> list[Step]:
    """A question the sales office answers, the owner satisfied: closed with a 5."""
    return [
        TicketOpenStep(
            cal.at(8, "10:00"),
            "T3",
            deal.phone,
            deal.owner,
            "咨询地下车位何时开售及价格",
            "业主希望购买靠近电梯厅的车位。",
            Origin.QUESTION,
            category="sales",
            unit=deal.address,
        ),
        TicketMoveStep(
            cal.at(7, "10:00"),
            "T3",
            "propose",
            CLERK,
            "车位预计下月开售，约12万元/个，开售前电话通知业主优先选位",
        ),
        TicketMoveStep(
            cal.at(7, "10:30"),
            "T3",
            "feedback",
            MANAGER,
            "已电话告知业主开售安排",
            deadline=cal.day(7),
        ),
        TicketMoveStep(cal.at(6, "09:30"), "T3", "review", MANAGER),
        TicketMoveStep(cal.at(6, "09:40"), "T3", "close", MANAGER, rating=5),
    ]
